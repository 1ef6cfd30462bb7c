using Vigil.Core.Alerts;
using Vigil.Core.Config;

namespace Vigil.Server.Metrics;

public sealed partial class MetricIngest
{
    /// <summary>
    /// Forecasts every series selected by a capacity rule and raises <c>CapacityForecast</c> when the forecast
    /// reaches the rule's threshold within its horizon, and keeps raising it once the series is past the threshold
    /// (the same alert: the incident it opened stays open when the disk actually fills, rather than resolving then).
    /// A threshold is a ceiling approached from below, or a floor for a falling rule. A series that stopped sending is
    /// not forecast. The alert is held for three evaluation rounds so it does not flap between them.
    /// </summary>
    public async Task<int> EvaluateCapacityAsync(CancellationToken ct)
    {
        var config = Config;
        if (config.Capacity.Count == 0)
        {
            return 0;
        }
        var now = _time.GetUtcNow();
        var holdFor = config.ForecastInterval * 3 > MetricAlerts.HoldFor ? config.ForecastInterval * 3 : MetricAlerts.HoldFor;
        var alerts = new List<Alert>();
        foreach (var state in _series.Values)
        {
            ct.ThrowIfCancellationRequested();
            if (state.CapacityRule(config) is not { } rule)
            {
                continue;
            }
            MetricPoint[] points;
            (DateTime[], double[])? hourly;
            lock (state.Gate)
            {
                points = state.Points.ToArray();
                hourly = state.Hourly?.ToSeries();
            }
            Alert? alert;
            try
            {
                alert = CapacityAlert(state.Key, rule, points, hourly, now, holdFor);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // One series whose history cannot be forecast must not stop the round for every other.
                LogCapacityFailed(state.Key.Canonical, ex.Message);
                continue;
            }
            if (alert is null)
            {
                continue;
            }
            var active = state.CapacitySentAt is { } sent && now - sent < holdFor;
            if (!active && !_budget.TryTake(config.MaxAlertsPerMinute))
            {
                continue;
            }
            state.CapacitySentAt = now;
            alerts.Add(alert);
        }
        if (alerts.Count > 0)
        {
            await _pipeline.IngestAsync(alerts, ct);
        }
        return alerts.Count;
    }

    /// <summary>The alert a capacity rule raises for a series, or null: the series is past the threshold already (even
    /// if it has stopped sending since: a disk that filled may well take its exporter down with it), or it is still
    /// sending and its forecast reaches the threshold within the rule's horizon.</summary>
    private static Alert? CapacityAlert(SeriesKey key, CapacityRule rule, MetricPoint[] points, (DateTime[], double[])? hourly, DateTimeOffset now, TimeSpan holdFor)
    {
        if (points.Length == 0)
        {
            return null;
        }
        var stale = SeriesForecast.IsStale(points, now.UtcDateTime, holdFor);
        if (SeriesForecast.PastSince(points, rule) is { } since)
        {
            return MetricAlerts.ForCapacityReached(key, rule.Threshold, since, points[^1], stale, now, holdFor);
        }
        if (stale || SeriesForecast.CapacityCrossingOf(points, hourly, rule) is not { } crossing
            || crossing.Point.Timestamp - now.UtcDateTime > rule.Horizon)
        {
            return null;
        }
        return MetricAlerts.ForCapacity(key, rule.Threshold, crossing, points[^1].Value, now, holdFor);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metric series {Series}: capacity forecast failed ({Reason}); skipped this round")]
    private partial void LogCapacityFailed(string series, string reason);
}
