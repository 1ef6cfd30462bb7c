using Vigil.Analytics.Metrics;
using Vigil.Core.Alerts;
using Vigil.Core.Config;
using Vigil.Core.Matching;

namespace Vigil.Server.Metrics;

/// <summary>Holt-Winters forecasts of a series from its recent points (for the chart's cone and capacity rules).</summary>
public static class SeriesForecast
{
    /// <summary>Fewer points than this give no forecast: the smoothing factors would be fitted to noise.</summary>
    public const int MinimumPoints = 20;

    /// <summary>Bounds the work of one forecast (Predict is linear in its steps).</summary>
    public const int MaxSteps = 20_000;

    /// <summary>The forecast <paramref name="horizon"/> ahead of the last point, or null with too little history.</summary>
    public static Forecast? Predict(MetricPoint[] points, TimeSpan? horizon = null)
    {
        if (points.Length < MinimumPoints)
        {
            return null;
        }
        var values = new double[points.Length];
        var times = new DateTime[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            (values[i], times[i]) = (points[i].Value, points[i].Timestamp);
        }
        var interval = SeasonalPeriod.MedianInterval(times);
        if (interval <= TimeSpan.Zero)
        {
            return null;
        }
        // Default horizon for the chart: a quarter of the shown history.
        var steps = horizon is { } h ? (int)Math.Min(MaxSteps, Math.Ceiling(h / interval)) : Math.Clamp(points.Length / 4, 5, 500);
        var model = HoltWintersForecaster.Fit(values, SeasonalPeriod.Detect(values, interval));
        return HoltWintersForecaster.Predict(model, times[^1], interval, Math.Max(1, steps));
    }

    /// <summary>When the forecast over the rule's horizon first reaches its threshold from the rule's side, or null
    /// (too little history, or it does not within the horizon).</summary>
    public static ForecastPoint? Crossing(MetricPoint[] points, CapacityRule rule) =>
        Predict(points, rule.Horizon)?.FirstReaching(rule.Threshold, rising: !rule.Falling);

    /// <summary>
    /// When the series' last value is past the rule's threshold (at or above it, or at or below it for a falling
    /// rule): the first point of the latest run of points past it (when it crossed, as far as the kept points tell);
    /// null while it is short of it.
    /// </summary>
    public static DateTime? PastSince(MetricPoint[] points, CapacityRule rule)
    {
        if (points.Length == 0 || !rule.IsPast(points[^1].Value))
        {
            return null;
        }
        var first = points.Length - 1;
        while (first > 0 && rule.IsPast(points[first - 1].Value))
        {
            first--;
        }
        return points[first].Timestamp;
    }

    /// <summary>
    /// Whether the series has stopped, as far as a forecast is concerned: its last point is older than three of its
    /// own sampling intervals (at least <paramref name="minimum"/>). A stopped series is not forecast into the
    /// present: its last slope would "reach the threshold" every round until the series is forgotten.
    /// </summary>
    public static bool IsStale(MetricPoint[] points, DateTime now, TimeSpan minimum)
    {
        if (points.Length == 0)
        {
            return true;
        }
        var times = new DateTime[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            times[i] = points[i].Timestamp;
        }
        var interval = SeasonalPeriod.MedianInterval(times) * 3;
        return now - points[^1].Timestamp > (interval > minimum ? interval : minimum);
    }

    /// <summary>The first capacity rule whose matchers select the series (the name is matched as <c>__name__</c>).</summary>
    public static CapacityRule? RuleFor(SeriesKey key, IReadOnlyList<CapacityRule> rules)
    {
        if (rules.Count == 0)
        {
            return null;
        }
        var labels = key.ToLabelSet();
        return rules.FirstOrDefault(r => r.Matchers.MatchesAll(labels));
    }
}
