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

    /// <summary>Bounds the work of one fit (linear in the samples, gaps included).</summary>
    public const int MaxGridLength = 100_000;

    /// <summary>Hourly means take over a capacity forecast beyond the recent points' reach once they hold this many
    /// hours (two days: a daily season can be seen) and reach further back than the points.</summary>
    public const int MinimumHours = 48;

    /// <summary>The forecast <paramref name="horizon"/> ahead of the last point, or null with too little history.</summary>
    public static Forecast? Predict(MetricPoint[] points, TimeSpan? horizon = null)
    {
        var values = new double[points.Length];
        var times = new DateTime[points.Length];
        for (var i = 0; i < points.Length; i++)
        {
            (values[i], times[i]) = (points[i].Value, points[i].Timestamp);
        }
        return Predict(times, values, horizon);
    }

    /// <summary>The forecast of hourly means <paramref name="horizon"/> ahead, or null with too little history or
    /// means that cannot be fitted (not numbers): a series' hourly means only ever add to its points' forecast.</summary>
    public static Forecast? PredictHourly(DateTime[] times, double[] values, TimeSpan? horizon)
    {
        try
        {
            return Predict(times, values, horizon);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The forecast <paramref name="horizon"/> ahead of the last of <paramref name="times"/> (or a quarter
    /// of the span they cover), or null with too little history.</summary>
    private static Forecast? Predict(DateTime[] times, double[] values, TimeSpan? horizon)
    {
        if (values.Length < MinimumPoints)
        {
            return null;
        }
        var interval = SeasonalPeriod.MedianInterval(times);
        if (interval <= TimeSpan.Zero)
        {
            return null;
        }
        // On the sampling grid, so a gap or a re-sent sample does not move the season (SamplingGrid); a gap far
        // longer than the history gives no forecast rather than a fit over mostly missing samples.
        if (SamplingGrid.Regularise(times, values, interval, MaxGridLength) is not { } grid)
        {
            return null;
        }
        // Default horizon for the chart: a quarter of the shown history.
        var steps = horizon is { } h ? (int)Math.Min(MaxSteps, Math.Ceiling(h / interval)) : Math.Clamp(grid.Values.Length / 4, 5, 500);
        HoltWintersModel model;
        try
        {
            model = HoltWintersForecaster.Fit(grid.Values, SeasonalPeriod.Detect(grid.Values, interval));
        }
        catch (ArgumentException)
        {
            return null; // fewer than three values, or values too large to forecast: no cone, no capacity answer
        }
        return HoltWintersForecaster.Predict(model, grid.Last, interval, Math.Max(1, steps));
    }

    /// <summary>When the forecast over the rule's horizon first reaches its threshold from the rule's side, or null
    /// (too little history, or it does not within the horizon).</summary>
    private static ForecastPoint? Crossing(MetricPoint[] points, CapacityRule rule) =>
        Predict(points, rule.Horizon)?.FirstReaching(rule.Threshold, rising: !rule.Falling);

    /// <summary>
    /// When a capacity rule's threshold is expected to be reached, and from what history. A forecast is trusted about
    /// as far ahead as the history it was fitted to: the chart's recent points (12 hours of one-minute samples) answer
    /// for as far ahead as they reach back — a fast fill shows there first — and beyond that the hourly means answer,
    /// once they hold <see cref="MinimumHours"/> and reach further back than the points (a daily pattern, the trend
    /// across days). One exception inside the points' reach: a crossing the points see is dropped when the hourly
    /// means' model, which has found a season, foresaw the last complete hour within its 95 % interval and sees no
    /// crossing itself — the rise is the series' usual day (logs growing until their nightly rotation), not a fill.
    /// Without hourly means, the recent points answer for the whole horizon, as they always did.
    /// </summary>
    public static CapacityCrossing? CapacityCrossingOf(MetricPoint[] points, (DateTime[] Times, double[] Values)? hourly, CapacityRule rule)
    {
        var recent = Crossing(points, rule) is { } r ? new CapacityCrossing(r, $"{points.Length} recent points") : null;
        if (hourly is not { } means || means.Values.Length < MinimumHours || points.Length == 0 || means.Times[0] >= points[0].Timestamp)
        {
            return recent;
        }
        var reach = points[^1].Timestamp - points[0].Timestamp;
        var recentWithinReach = recent is not null && recent.Point.Timestamp - points[^1].Timestamp <= reach;
        if (recentWithinReach && !UsualDay(means))
        {
            return recent;
        }
        if (PredictHourly(means.Times, means.Values, rule.Horizon) is not { } forecast)
        {
            return recent; // means that cannot be fitted: the points' answer stands
        }
        var far = forecast.FirstReaching(rule.Threshold, rising: !rule.Falling);
        if (recentWithinReach)
        {
            return far is null ? null : recent; // both see it coming: the points say when more precisely
        }
        // Within the points' reach the points answer, also when they see no crossing (a fill that has stopped).
        if (far is not { } crossing || crossing.Timestamp - points[^1].Timestamp <= reach)
        {
            return null;
        }
        return new CapacityCrossing(crossing, $"hourly means of {MetricAlerts.Humanize(means.Times[^1] - means.Times[0] + TimeSpan.FromHours(1))}");
    }

    /// <summary>
    /// Whether the hourly means' own model has found a season and, fitted to every hour before the last complete one,
    /// foresaw that hour within its 95 % interval: what the series does now is what it usually does at this time.
    /// </summary>
    private static bool UsualDay((DateTime[] Times, double[] Values) means)
    {
        // The last entry is the hour being filled (a partial mean); the one before it is the last complete hour.
        if (means.Values.Length < MinimumHours + 2)
        {
            return false;
        }
        var next = PredictHourly(means.Times[..^2], means.Values[..^2], TimeSpan.FromHours(1));
        if (next is null || next.Model.Period == 0 || next.Points.Count == 0 || next.Points[0].Timestamp != means.Times[^2])
        {
            return false;
        }
        var (expected, actual) = (next.Points[0], means.Values[^2]);
        return actual >= expected.Lower && actual <= expected.Upper;
    }

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

/// <summary>When a forecast reaches a capacity rule's threshold, and the history it was fitted to ("720 recent points",
/// "hourly means of 14 days").</summary>
public sealed record CapacityCrossing(ForecastPoint Point, string Basis);
