using Vigil.Core.Security;
using Vigil.Core.Store;

namespace Vigil.Server.Metrics;

public sealed partial class MetricIngest
{
    /// <summary>
    /// Forgets every series that has learned no sample for <c>metrics.series_ttl</c> (see <see cref="Forget"/>). Series
    /// churn (a pod's labels, a replaced instance), and without this the dead ones would fill <c>max_series</c> until
    /// new series were skipped. Returns how many were forgotten.
    /// </summary>
    public async Task<int> ForgetStaleAsync(CancellationToken ct)
    {
        var ttl = Config.SeriesTtl;
        if (ttl <= TimeSpan.Zero)
        {
            return 0;
        }
        var now = _time.GetUtcNow();
        var changes = new ChangeSet();
        foreach (var state in _series.Values)
        {
            Forget(state, changes, stillWanted: s => now - s.LastLearnedAt < ttl);
        }
        if (changes.IsEmpty)
        {
            return 0;
        }
        // If this fails the rows stay stored: a restart restores them, and they are forgotten again a TTL later.
        await ApplyRowWriteAsync(changes, ct);
        LogForgotten(changes.DeletedMetricSeries.Count, ttl);
        return changes.DeletedMetricSeries.Count;
    }

    /// <summary>
    /// Deletes one series on request (a decommissioned host need not wait for <c>metrics.series_ttl</c>), audited;
    /// durable before it returns. False for an unknown id. If the write fails the series is gone from memory but still
    /// stored, so a restart brings it back (the caller answers 503 and may retry after the restart).
    /// </summary>
    public async Task<bool> DeleteAsync(string id, string actor, CancellationToken ct)
    {
        if (!_series.TryGetValue(id, out var state))
        {
            return false;
        }
        var changes = new ChangeSet();
        if (!Forget(state, changes, stillWanted: _ => false))
        {
            return false; // deleted by another request meanwhile
        }
        changes.Audit.Add(new AuditEntry(_time.GetUtcNow(), actor, "metric_series.delete", $"metric_series/{id}",
            $"series={state.Key.Canonical} detector={Core.Config.MetricDetectorNames.Of(state.Kind)}"));
        await ApplyRowWriteAsync(changes, ct);
        return true;
    }

    /// <summary>Commits a deletion after any checkpoint under way: that checkpoint may hold a snapshot of the series,
    /// taken before it left memory, and would otherwise write its row back after the delete.</summary>
    private Task ApplyRowWriteAsync(ChangeSet changes, CancellationToken ct) =>
        InRowWriteTurnAsync(() => _store.ApplyAsync([changes], ct), ct);

    /// <summary>
    /// Takes a series out of memory unless <paramref name="stillWanted"/> says otherwise (judged under its gate, so a
    /// sample being learned now keeps it), gives back its place in its detector rule and adds the deletion of its
    /// stored row and journal to <paramref name="changes"/>. A sample whose request took the state just before and learns
    /// it after is learned by the forgotten series; the next one starts a new series.
    /// </summary>
    private bool Forget(MetricSeriesState state, ChangeSet changes, Func<MetricSeriesState, bool> stillWanted)
    {
        lock (state.Gate)
        {
            if (stillWanted(state) || !_series.TryRemove(new(state.Key.Id, state)))
            {
                return false;
            }
        }
        ReleaseRule(state.RuleKey);
        changes.DeletedMetricSeries.Add(state.Key.Id);
        changes.DroppedMetricJournals.Add(state.Key.Id);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metric detection forgot {Series} series that learned nothing for {Ttl} (metrics.series_ttl)")]
    private partial void LogForgotten(int series, TimeSpan ttl);
}
