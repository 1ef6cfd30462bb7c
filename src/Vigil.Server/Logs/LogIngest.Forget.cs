using Vigil.Core.Security;
using Vigil.Core.Store;

namespace Vigil.Server.Logs;

public sealed partial class LogIngest
{
    /// <summary>
    /// After a start no source is forgotten for this long: shippers reconnect and resend what they buffered while Vigil
    /// was down, and a source's clock is its last stored line, so a long outage would otherwise forget every source
    /// before it could speak. (Dating restored sources from the start instead, as metric series are, would keep a dead
    /// source for good on a server restarted more often than <c>logs.source_ttl</c>.)
    /// </summary>
    public static readonly TimeSpan StartGrace = TimeSpan.FromHours(1);

    private DateTimeOffset _restoredAt = DateTimeOffset.MinValue;

    /// <summary>
    /// Forgets every source that has sent no accepted line for <c>logs.source_ttl</c> (see <see cref="ForgetAsync"/>):
    /// source labels churn (per pod, per file), and without this the dead ones filled <c>logs.max_sources</c> until
    /// every new source was skipped — log alerting blind for good. Returns how many were forgotten.
    /// </summary>
    public async Task<int> ForgetStaleAsync(CancellationToken ct)
    {
        var ttl = Config.SourceTtl;
        var now = _time.GetUtcNow();
        if (ttl <= TimeSpan.Zero || now - _restoredAt < StartGrace)
        {
            return 0;
        }
        bool Stale(LogSourceState s) => now - s.LastLineAt >= ttl;
        // A first look without the gates (a torn read only delays a source to the next run); judged again under them.
        var forgotten = await ForgetAsync([.. _sources.Values.Where(Stale)], Stale, actor: null, ct);
        if (forgotten > 0)
        {
            LogForgotten(forgotten, ttl);
        }
        return forgotten;
    }

    /// <summary>
    /// Deletes one source on request (a misconfigured sender's label need not wait for <c>logs.source_ttl</c>),
    /// audited; durable before it returns. False for an unknown source. If the commit fails nothing changes.
    /// </summary>
    public async Task<bool> DeleteAsync(string source, string actor, CancellationToken ct)
    {
        if (!_sources.TryGetValue(source, out var state))
        {
            return false;
        }
        // False if another request forgot it meanwhile.
        return await ForgetAsync([state], _ => true, actor, ct) > 0;
    }

    /// <summary>
    /// Forgets the <paramref name="candidates"/> that <paramref name="forget"/> still picks once their gates are held
    /// (in name order, as requests take them, so the two cannot deadlock): their rows, templates and counts are deleted
    /// in one commit, and only then do their miners and states leave memory and their places free up — a failed commit
    /// changes nothing. A request that was waiting for one of them sees <see cref="LogSourceState.Forgotten"/> and
    /// starts the source afresh; lines committed before the gate was taken are deleted with it. With an
    /// <paramref name="actor"/> each deletion is audited as <c>log_source.delete</c>.
    /// </summary>
    private async Task<int> ForgetAsync(IReadOnlyList<LogSourceState> candidates, Func<LogSourceState, bool> forget, string? actor,
        CancellationToken ct)
    {
        if (candidates.Count == 0)
        {
            return 0;
        }
        var held = new List<LogSourceState>(candidates.Count);
        try
        {
            foreach (var state in candidates.OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                await state.Gate.WaitAsync(ct);
                held.Add(state);
            }
            var going = held.Where(s => !s.Forgotten && forget(s)).ToList();
            if (going.Count == 0)
            {
                return 0;
            }
            var changes = new ChangeSet();
            changes.DeletedLogSources.AddRange(going.Select(s => s.Name));
            if (actor is not null)
            {
                changes.Audit.AddRange(going.Select(s => new AuditEntry(_time.GetUtcNow(), actor, "log_source.delete", $"log_source/{s.Name}",
                    $"templates={s.Templates.Count} lines={s.Lines} last_line={s.LastLineAt:O}")));
            }
            try
            {
                // Not cancellable once started: a commit that may have landed must not be followed by "nothing changed".
                await _store.ApplyAsync([changes], CancellationToken.None);
            }
            catch
            {
                // Whether it landed is unknown: the next lines reload each source from what storage holds (nothing,
                // if it did land), so memory cannot keep templates that storage lost or the other way round.
                foreach (var state in going)
                {
                    state.AheadOfStorage = true;
                }
                throw;
            }
            foreach (var state in going)
            {
                // The gate is still held: a request that found this state sees the flag once it gets the gate. The miner
                // goes before the state, so a request that finds no state and creates one cannot get the old miner.
                state.Forgotten = true;
                _registry.Forget(state.Name);
                _sources.TryRemove(new(state.Name, state));
            }
            return going.Count;
        }
        finally
        {
            foreach (var state in held)
            {
                state.Gate.Release();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Log mining forgot {Sources} sources that sent no line for {Ttl} (logs.source_ttl)")]
    private partial void LogForgotten(int sources, TimeSpan ttl);
}
