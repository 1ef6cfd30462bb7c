using Vigil.Analytics.Metrics;
using Vigil.Core.Config;
using Vigil.Core.Matching;
using Vigil.Core.Security;
using Vigil.Core.Store;

namespace Vigil.Server.Metrics;

public sealed partial class MetricIngest
{
    /// <summary>
    /// Drops what a series has learned: it starts again, with the detector <c>metrics.detectors</c> gives it now (a
    /// series otherwise keeps the detector it was created with), and its chart keeps its points. For a series whose
    /// normal has changed for good (a release, a migration) or that a new rule should take. Null for an unknown id.
    /// </summary>
    public async Task<MetricSeriesState?> RelearnAsync(string id, string actor, CancellationToken ct) =>
        _series.TryGetValue(id, out var state) ? (await RelearnAsync([state], actor, ct))[0] : null;

    /// <summary>Relearns every series whose labels (name as <c>__name__</c>) match all of <paramref name="matchers"/>.</summary>
    public Task<IReadOnlyList<MetricSeriesState>> RelearnAsync(IReadOnlyList<Matcher> matchers, string actor, CancellationToken ct) =>
        RelearnAsync([.. _series.Values.Where(s => matchers.MatchesAll(s.Key.ToLabelSet())).OrderBy(s => s.Key.Id, StringComparer.Ordinal)], actor, ct);

    /// <summary>
    /// Relearns <paramref name="states"/> in one commit, durable before it returns: the fresh detectors are saved, the
    /// series' journaled samples are dropped (a restart must not replay what came before into them) and the audit log
    /// records who did it; if that write fails nothing changes.
    /// </summary>
    /// <remarks>Held until the fresh detectors are in place: two relearns of one series (a double click) take turns, so
    /// the second sees the first one's rule, and a checkpoint's older snapshot cannot land after the fresh row.</remarks>
    private Task<IReadOnlyList<MetricSeriesState>> RelearnAsync(IReadOnlyList<MetricSeriesState> states, string actor, CancellationToken ct) =>
        InRowWriteTurnAsync(() => RelearnRowsAsync(states, actor, ct), ct);

    private async Task<IReadOnlyList<MetricSeriesState>> RelearnRowsAsync(IReadOnlyList<MetricSeriesState> states, string actor, CancellationToken ct)
    {
        var config = Config;
        var now = _time.GetUtcNow();
        var changes = new ChangeSet();
        var fresh = new List<(MetricSeriesState State, MetricAnomalyDetector Detector, MetricDetectorKind Kind, MetricDetectorRule? Rule, string? OldRule)>();
        foreach (var state in states)
        {
            // The series gives up its place in its old rule first, so a full rule can take it back.
            var (oldKind, oldRule) = (state.Kind, state.RuleKey);
            ReleaseRule(oldRule);
            var (kind, rule) = ChooseDetector(state.Key, config);
            var detector = NewDetector(kind);
            lock (state.Gate)
            {
                changes.MetricSeries.Add(Record(state, detector, kind, now));
            }
            changes.DroppedMetricJournals.Add(state.Key.Id);
            changes.Audit.Add(new AuditEntry(now, actor, "metric_series.relearn", $"metric_series/{state.Key.Id}",
                $"series={state.Key.Canonical} detector={MetricDetectorNames.Of(oldKind)}->{MetricDetectorNames.Of(kind)}"));
            fresh.Add((state, detector, kind, rule, oldRule));
        }
        try
        {
            await _store.ApplyAsync([changes], ct);
        }
        catch
        {
            foreach (var (_, _, _, rule, oldRule) in fresh)
            {
                ReleaseRule(rule?.Key);
                TakeRule(oldRule);
            }
            throw;
        }
        foreach (var (state, detector, kind, rule, _) in fresh)
        {
            lock (state.Gate)
            {
                // Samples learned by the old detector since the write above (milliseconds) are charted, not relearned.
                state.Relearn(detector, kind, rule?.Key);
                state.MarkChanged(now);
                // What the old detector learned is dropped on purpose, saved or not.
                state.RowSaved(state.FailedJournalCommits);
            }
        }
        return states;
    }

    private void TakeRule(string? key)
    {
        if (key is not null)
        {
            _seriesPerRule.AddOrUpdate(key, 1, (_, count) => count + 1);
        }
    }

    private void ReleaseRule(string? key)
    {
        if (key is not null)
        {
            _seriesPerRule.AddOrUpdate(key, 0, (_, count) => count - 1);
        }
    }
}
