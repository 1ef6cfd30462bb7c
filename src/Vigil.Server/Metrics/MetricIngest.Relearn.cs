using Vigil.Analytics.Metrics;
using Vigil.Core.Config;
using Vigil.Core.Security;
using Vigil.Core.Store;

namespace Vigil.Server.Metrics;

public sealed partial class MetricIngest
{
    /// <summary>
    /// Drops what a series has learned: it starts again, with the detector <c>metrics.detectors</c> gives it now (a
    /// series otherwise keeps the detector it was created with), and its chart keeps its points. For a series whose
    /// normal has changed for good (a release, a migration) or that a new rule should take. Durable before it returns:
    /// the fresh detector is saved, the series' journaled samples are dropped (a restart must not replay what came
    /// before into it) and the audit log records who did it; if that write fails nothing changes. Null for an unknown id.
    /// </summary>
    public async Task<MetricSeriesState?> RelearnAsync(string id, string actor, CancellationToken ct)
    {
        if (!_series.TryGetValue(id, out var state))
        {
            return null;
        }
        var config = Config;
        var now = _time.GetUtcNow();
        // The series gives up its place in its old rule first, so a full rule can take it back.
        var (oldKind, oldRule) = (state.Kind, state.RuleKey);
        ReleaseRule(oldRule);
        var (kind, rule) = ChooseDetector(state.Key, config);
        var detector = NewDetector(kind);
        var changes = new ChangeSet();
        lock (state.Gate)
        {
            changes.MetricSeries.Add(new MetricSeriesRecord(state.Key.Id, state.Key.Name, state.Key.Labels, detector.ExportState(),
                state.Points.Encode(), now, MetricDetectorNames.Of(kind)));
        }
        changes.DroppedMetricJournals.Add(id);
        changes.Audit.Add(new AuditEntry(now, actor, "metric_series.relearn", $"metric_series/{id}",
            $"series={state.Key.Canonical} detector={MetricDetectorNames.Of(oldKind)}->{MetricDetectorNames.Of(kind)}"));
        try
        {
            await _store.ApplyAsync([changes], ct);
        }
        catch
        {
            ReleaseRule(rule?.Key);
            TakeRule(oldRule);
            throw;
        }
        lock (state.Gate)
        {
            // Samples learned by the old detector since the write above (milliseconds) are charted, not relearned.
            state.Relearn(detector, kind, rule?.Key);
            state.MarkChanged(now);
        }
        return state;
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
