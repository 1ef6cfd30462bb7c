using System.Collections.Concurrent;
using Vigil.Analytics.Metrics;
using Vigil.Core.Alerts;
using Vigil.Core.Config;
using Vigil.Core.Store;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Metrics;

/// <summary>What one batch of samples did.</summary>
public sealed record MetricsAccepted(int Accepted, int Skipped, IReadOnlyDictionary<string, int> Reasons, int Series, int Anomalies);

/// <summary>Why samples were counted and skipped (the keys of <see cref="MetricsAccepted.Reasons"/>).</summary>
public static class MetricSkipReasons
{
    public const string NonFinite = "non_finite";
    public const string OutOfOrder = "out_of_order";
    public const string Future = "future_timestamp";
    public const string SeriesLimit = "series_limit";
}

/// <summary>
/// Online metric intelligence: every series (name + labels) has its own <see cref="MetricAnomalyDetector"/>; each
/// sample is scored as it arrives, kept for the chart, and a point scoring at or above <c>metrics.threshold</c>
/// raises <c>MetricAnomaly</c> through the normal alert pipeline.
/// </summary>
/// <remarks>
/// Unlike log lines, samples are not committed per request: the detectors and recent points are saved every
/// <see cref="SaveInterval"/> and at shutdown (a crash loses at most that much learning, never alerts, which the
/// pipeline stores itself). A commit per push would make storage the bottleneck for a workload that tolerates it.
/// </remarks>
public sealed partial class MetricIngest
{
    public const int PointsKept = 720;
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(30);

    /// <summary>Samples further in the future than this are refused: one would block its series until that time.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, MetricSeriesState> _series = new(StringComparer.Ordinal);
    private readonly IVigilStore _store;
    private readonly AlertPipeline _pipeline;
    private readonly ConfigHolder _config;
    private readonly TimeProvider _time;
    private readonly ILogger<MetricIngest> _logger;
    private readonly AlertBudget _budget;

    public MetricIngest(IVigilStore store, AlertPipeline pipeline, ConfigHolder config, TimeProvider time, ILogger<MetricIngest> logger)
    {
        _store = store;
        _pipeline = pipeline;
        _config = config;
        _time = time;
        _logger = logger;
        _budget = new AlertBudget(time);
    }

    public MetricsConfig Config => _config.Current.Metrics;

    public ICollection<MetricSeriesState> Series => _series.Values;

    /// <summary>New alerts the storm guard held back since the start.</summary>
    public long SuppressedAlerts => _budget.Suppressed;

    public MetricSeriesState? Find(string id) => _series.GetValueOrDefault(id);

    /// <summary>
    /// Scores the samples (per series in timestamp order) and sends the alerts they raise. With
    /// <paramref name="alerting"/> false (a start-up backfill) points are learned and charted but raise nothing.
    /// </summary>
    public async Task<MetricsAccepted> IngestAsync(IReadOnlyList<MetricSample> samples, bool alerting, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var config = Config;
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        var alerts = new List<Alert>();
        var (accepted, anomalies) = (0, 0);
        var touched = 0;
        foreach (var group in samples.GroupBy(s => s.Series.Id, StringComparer.Ordinal))
        {
            var first = group.First();
            if (!_series.TryGetValue(group.Key, out var state))
            {
                if (_series.Count >= config.MaxSeries)
                {
                    Count(reasons, MetricSkipReasons.SeriesLimit, group.Count());
                    continue;
                }
                state = _series.GetOrAdd(group.Key, _ => new MetricSeriesState(first.Series, new MetricAnomalyDetector(), new PointBuffer(PointsKept)));
            }
            touched++;
            lock (state.Gate)
            {
                // Stable sort: a batch's own points of one series are scored in time order whatever order they came in.
                foreach (var sample in group.OrderBy(s => s.Timestamp))
                {
                    if (!double.IsFinite(sample.Value))
                    {
                        Count(reasons, MetricSkipReasons.NonFinite);
                        continue;
                    }
                    if (sample.Timestamp > now.UtcDateTime + MaxFutureSkew)
                    {
                        Count(reasons, MetricSkipReasons.Future);
                        continue;
                    }
                    var score = state.Detector.Update(sample.Timestamp, sample.Value);
                    if (score.Signal == AnomalySignal.OutOfOrder)
                    {
                        Count(reasons, MetricSkipReasons.OutOfOrder);
                        continue;
                    }
                    accepted++;
                    var point = new MetricPoint(sample.Timestamp.Ticks, sample.Value, (float)score.Score, (float)score.Expected,
                        (float)score.Lower, (float)score.Upper, score.Signal);
                    state.Points.Add(point);
                    state.Dirty = true;
                    var flagged = score.Score >= config.Threshold;
                    if (flagged)
                    {
                        anomalies++;
                        state.Anomalies++;
                        state.LastAnomaly = point;
                    }
                    // Only live points alert: history (a backfill, or a late push older than the hold window) is charted only.
                    if (alerting && now - new DateTimeOffset(sample.Timestamp) <= MetricAlerts.HoldFor && Evaluate(state, point, flagged, now) is { } alert)
                    {
                        alerts.Add(alert);
                    }
                }
            }
        }
        if (alerts.Count > 0)
        {
            try
            {
                await _pipeline.IngestAsync(alerts, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The points are scored; an alert that failed is re-sent by the next anomalous point of its series.
                LogAlertsFailed(ex, alerts.Count);
            }
        }
        return new MetricsAccepted(accepted, samples.Count - accepted, reasons, touched, anomalies);
    }

    /// <summary>
    /// A flagged point raises the alert; while it is active, points still outside the expected band keep it alive
    /// (the detector's novelty score flags an event once, the band says whether it is over). At most one send per
    /// <see cref="MetricAlerts.ResendInterval"/> per series, and new alerts are rate-limited across all series.
    /// </summary>
    private Alert? Evaluate(MetricSeriesState state, MetricPoint point, bool flagged, DateTimeOffset now)
    {
        var active = state.AnomalySentAt is { } sent && now - sent < MetricAlerts.HoldFor;
        var outside = point.Value < point.Lower || point.Value > point.Upper;
        if (!(flagged || (active && outside)))
        {
            return null;
        }
        if (active && now - state.AnomalySentAt!.Value < MetricAlerts.ResendInterval)
        {
            return null;
        }
        if (!active)
        {
            if (!_budget.TryTake(Config.MaxAlertsPerMinute))
            {
                return null;
            }
            state.AnomalyStartedAt = now;
        }
        state.AnomalySentAt = now;
        return MetricAlerts.ForAnomaly(state.Key, point, state.AnomalyStartedAt, now);
    }

    private static void Count(Dictionary<string, int> reasons, string reason, int count = 1) =>
        reasons[reason] = reasons.GetValueOrDefault(reason) + count;

    /// <summary>Writes every series changed since the last save in one commit.</summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        var changes = new ChangeSet();
        var now = _time.GetUtcNow();
        foreach (var state in _series.Values)
        {
            lock (state.Gate)
            {
                if (!state.Dirty)
                {
                    continue;
                }
                changes.MetricSeries.Add(new MetricSeriesRecord(state.Key.Id, state.Key.Name, state.Key.Labels,
                    state.Detector.ExportState(), state.Points.Encode(), now));
                state.Dirty = false;
            }
        }
        if (changes.MetricSeries.Count == 0)
        {
            return;
        }
        try
        {
            await _store.ApplyAsync([changes], ct);
        }
        catch
        {
            // Mark them dirty again so the next save retries.
            foreach (var record in changes.MetricSeries)
            {
                if (_series.TryGetValue(record.Id, out var state))
                {
                    lock (state.Gate)
                    {
                        state.Dirty = true;
                    }
                }
            }
            throw;
        }
    }

    /// <summary>Reloads every stored series' detector and points. Runs before the server accepts requests.</summary>
    public async Task RestoreAsync(CancellationToken ct)
    {
        foreach (var record in await _store.ListMetricSeriesAsync(ct))
        {
            var key = new SeriesKey(record.Name, record.Labels);
            try
            {
                var detector = MetricAnomalyDetector.ImportState(record.State);
                var points = PointBuffer.Decode(record.Points, PointsKept);
                _series[key.Id] = new MetricSeriesState(key, detector, points);
            }
            catch (FormatException ex)
            {
                // State from another detector version: the series starts learning again rather than blocking the start.
                LogRestoreFailed(key.Canonical, ex.Message);
            }
        }
        LogRestored(_series.Count);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing {Count} metric alerts failed")]
    private partial void LogAlertsFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Metric detection restored {Series} series")]
    private partial void LogRestored(int series);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metric series {Series}: stored state could not be read ({Reason}); it starts learning again")]
    private partial void LogRestoreFailed(string series, string reason);
}
