using Vigil.Core.Alerts;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.OpenSlo;
using Vigil.Core.Store;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Slo;

/// <summary>
/// The configured SLOs' evaluators, fed by native SLI events. Pushed events are committed to <c>slo_minutes</c> before
/// they are counted, and the evaluators are rebuilt from that table at start and whenever a config reload changes the
/// SLOs, so a restart or reload loses nothing that was acknowledged.
/// </summary>
public sealed class SloTracker(IVigilStore store, ConfigHolder config, AlertPipeline pipeline, TimeProvider time)
{
    // Held while committing + counting and while rebuilding: a rebuild that reads the table between a push's commit
    // and its in-memory count would otherwise count that push twice.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _snapshot;

    private sealed record Snapshot(OpenSloCatalog Catalog, IReadOnlyDictionary<string, SloState> States);

    /// <summary>The SLOs of the config in force, by name (rebuilt from storage after a reload changed them).</summary>
    public async Task<IReadOnlyDictionary<string, SloState>> CurrentAsync(CancellationToken ct)
    {
        var catalog = config.Current.Slos.Catalog;
        if (_snapshot is { } snapshot && ReferenceEquals(snapshot.Catalog, catalog))
        {
            return snapshot.States;
        }
        await _gate.WaitAsync(ct);
        try
        {
            return (await RebuildAsync(catalog, ct)).States;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Commits the events' per-minute sums, then counts them. Events of an SLO removed meanwhile are stored only.</summary>
    public async Task<int> IngestAsync(IReadOnlyList<SliEvent> events, CancellationToken ct)
    {
        var deltas = events.GroupBy(e => (e.Slo, Minute: MinuteRing.MinuteOf(e.Timestamp)))
            .Select(g => new SloMinuteRecord(g.Key.Slo, g.Key.Minute, g.Sum(e => e.Good), g.Sum(e => e.Total)))
            .ToList();
        var changes = new ChangeSet();
        changes.SloMinutes.AddRange(deltas);
        await _gate.WaitAsync(ct);
        try
        {
            // Once committed the events count whatever happens to the request, so the rest must not be cancelled.
            await store.ApplyAsync([changes], CancellationToken.None);
            var states = (_snapshot ?? await RebuildAsync(config.Current.Slos.Catalog, CancellationToken.None)).States;
            foreach (var d in deltas)
            {
                states.GetValueOrDefault(d.Slo)?.Add(d.Minute, d.Good, d.Total);
            }
        }
        finally
        {
            _gate.Release();
        }
        return deltas.Count;
    }

    /// <summary>
    /// Raises, re-sends or resolves each SLO's <c>SloBurnRate</c> alert. A changed severity or window is a new alert
    /// (other labels), so the previous one is resolved in the same batch.
    /// </summary>
    public async Task EvaluateAlertsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var alerts = new List<Alert>();
        var sent = new List<(SloState State, Alert? Alert)>();
        foreach (var state in (await CurrentAsync(ct)).Values)
        {
            var (burn, budget, _) = state.Evaluate(now);
            var alert = SloAlerts.For(state, burn, budget, now);
            if (state.Sent is { } previous && (alert is null || previous.Fingerprint != alert.Fingerprint))
            {
                alerts.Add(previous with { EndsAt = now, UpdatedAt = now, Timeout = false });
            }
            if (alert is not null)
            {
                alerts.Add(alert);
            }
            sent.Add((state, alert));
        }
        if (alerts.Count > 0)
        {
            await pipeline.IngestAsync(alerts, ct);
        }
        foreach (var (state, alert) in sent)
        {
            state.Sent = alert;
        }
    }

    /// <summary>
    /// Deletes stored minutes older than the longest configured period (at least 30 days, so removing an SLO for a
    /// while or shortening its window does not destroy history at once).
    /// </summary>
    public async Task PruneAsync(CancellationToken ct)
    {
        var keep = (await CurrentAsync(ct)).Values.Select(s => s.Period).Append(BurnRateWindows.WorkbookPeriod).Max();
        var changes = new ChangeSet { PruneSloMinutesBeforeMinute = MinuteRing.MinuteOf(time.GetUtcNow() - keep) };
        await store.ApplyAsync([changes], ct);
    }

    private async Task<Snapshot> RebuildAsync(OpenSloCatalog catalog, CancellationToken ct)
    {
        if (_snapshot is { } current && ReferenceEquals(current.Catalog, catalog))
        {
            return current;
        }
        var now = time.GetUtcNow();
        var states = catalog.Slos.Where(s => s.Objectives.Count > 0).ToDictionary(s => s.Name, s => new SloState(s), StringComparer.Ordinal);
        if (states.Count > 0)
        {
            var from = MinuteRing.MinuteOf(states.Values.Min(s => s.Oldest(now)));
            foreach (var row in await store.ListSloMinutesAsync(from, ct))
            {
                states.GetValueOrDefault(row.Slo)?.Add(row.Minute, row.Good, row.Total);
            }
        }
        foreach (var state in states.Values)
        {
            // A firing alert carries over a reload so it is re-sent (or resolved) rather than left to time out.
            state.Sent = _snapshot?.States.GetValueOrDefault(state.Name)?.Sent;
        }
        var snapshot = new Snapshot(catalog, states);
        _snapshot = snapshot;
        return snapshot;
    }
}
