using Vigil.Core.Alerts;

namespace Vigil.Server.Metrics;

public sealed partial class MetricIngest
{
    /// <summary>
    /// Forecasts every series selected by a capacity rule and raises <c>CapacityForecast</c> when the forecast
    /// reaches the rule's threshold within its horizon. Only rising series alert (a value already past the threshold
    /// is a job for a plain threshold rule); the alert is held for three evaluation rounds so it does not flap between them.
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
            if (SeriesForecast.RuleFor(state.Key, config.Capacity) is not { } rule)
            {
                continue;
            }
            MetricPoint[] points;
            lock (state.Gate)
            {
                points = state.Points.ToArray();
            }
            if (points.Length == 0 || points[^1].Value >= rule.Threshold || SeriesForecast.Predict(points, rule.Horizon) is not { } forecast)
            {
                continue;
            }
            if (forecast.FirstCrossing(rule.Threshold, points[^1].Value) is not { } crossing
                || crossing.Timestamp - now.UtcDateTime > rule.Horizon)
            {
                continue;
            }
            var active = state.CapacitySentAt is { } sent && now - sent < holdFor;
            if (!active && !_budget.TryTake(config.MaxAlertsPerMinute))
            {
                continue;
            }
            state.CapacitySentAt = now;
            alerts.Add(MetricAlerts.ForCapacity(state.Key, rule.Threshold, crossing, points[^1].Value, now, holdFor));
        }
        if (alerts.Count > 0)
        {
            await _pipeline.IngestAsync(alerts, ct);
        }
        return alerts.Count;
    }
}
