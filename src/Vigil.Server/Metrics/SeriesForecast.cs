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
