namespace Vigil.Analytics.Metrics;

/// <summary>One forecast step: the point forecast and its prediction interval.</summary>
public readonly record struct ForecastPoint(DateTime Timestamp, double Value, double Lower, double Upper);

/// <summary>A forecast with the model that made it (for the explanation printed next to it).</summary>
public sealed record Forecast(IReadOnlyList<ForecastPoint> Points, HoltWintersModel Model, double IntervalLevel)
{
    /// <summary>The first step whose point forecast reaches <paramref name="threshold"/> (from below or above,
    /// whichever side the series starts on), or null when it does not within the horizon.</summary>
    public ForecastPoint? FirstCrossing(double threshold, double lastValue) => FirstReaching(threshold, rising: lastValue < threshold);

    /// <summary>The first step whose point forecast reaches <paramref name="threshold"/> from below
    /// (<paramref name="rising"/>) or from above, or null when none does within the horizon.</summary>
    public ForecastPoint? FirstReaching(double threshold, bool rising)
    {
        foreach (var point in Points)
        {
            if (rising ? point.Value >= threshold : point.Value <= threshold)
            {
                return point;
            }
        }
        return null;
    }
}
