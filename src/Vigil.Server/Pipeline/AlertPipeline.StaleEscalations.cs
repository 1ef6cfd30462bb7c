using Vigil.Core.Store;

namespace Vigil.Server.Pipeline;

// Escalation rows that earlier versions left behind: an escalation that had ended (its policy was removed by a reload)
// kept its row when its incident resolved, so the table and the book every start loads grew for good. Nothing reads
// such a row — a resolved incident has no escalation, a reopened one starts its policy again — and resolving now
// deletes the row whatever its status, so this runs after each start only until none is left: one bounded commit per
// turn of the dispatcher's loop, so flushes and due steps go on between them.
public sealed partial class AlertPipeline
{
    /// <summary>Stale escalation rows deleted per commit (and per turn of the loop).</summary>
    internal const int MaxStaleEscalationsPerCommit = 1_000;

    private static readonly TimeSpan StaleEscalationsRetry = TimeSpan.FromMinutes(1);

    private bool _staleEscalationsCleared;
    private DateTimeOffset _staleEscalationsNextTry = DateTimeOffset.MinValue;

    /// <summary>Called on every turn of the dispatcher's loop until no stale row is left.</summary>
    private async Task DeleteStaleEscalationsIfAnyAsync(CancellationToken ct)
    {
        if (_staleEscalationsCleared || _time.GetUtcNow() < _staleEscalationsNextTry)
        {
            return;
        }
        try
        {
            _staleEscalationsCleared = await DeleteStaleEscalationsAsync(ct) < MaxStaleEscalationsPerCommit;
            if (!_staleEscalationsCleared)
            {
                // More are left: the next turn comes at once (after the flushes due by then), not after the loop's idle wait.
                WakeDispatcher();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing depends on these rows going now: try again later rather than pausing the loop every turn.
            _staleEscalationsNextTry = _time.GetUtcNow() + StaleEscalationsRetry;
            _logger.LogWarning(ex, "Deleting the escalations of resolved incidents failed; retrying in {Retry}", StaleEscalationsRetry);
        }
    }

    /// <summary>
    /// Deletes up to <see cref="MaxStaleEscalationsPerCommit"/> escalation rows whose incident is resolved, from
    /// storage and then from memory, in one commit; returns how many. Under the incident gate, so no incident is
    /// reopened between the read and the commit.
    /// </summary>
    internal async Task<int> DeleteStaleEscalationsAsync(CancellationToken ct)
    {
        await _incidentGate.WaitAsync(ct);
        try
        {
            var stale = await _store.ListEscalationsOfResolvedIncidentsAsync(MaxStaleEscalationsPerCommit, ct);
            if (stale.Count == 0)
            {
                return 0;
            }
            var changes = new ChangeSet();
            changes.DeletedEscalations.AddRange(stale);
            await _store.ApplyAsync([changes], ct);
            lock (_dispatcherLock)
            {
                _escalations.Committed(changes);
            }
            _logger.LogInformation("Deleted {Count} escalations of resolved incidents (left by an earlier version)", stale.Count);
            return stale.Count;
        }
        finally
        {
            _incidentGate.Release();
        }
    }
}
