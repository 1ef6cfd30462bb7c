namespace Vigil.Analytics.Metrics;

/// <summary>
/// Batch seasonality for forecasting: the candidate period (one day or one week, in samples at the series'
/// median interval) with the highest autocorrelation, if it reaches <see cref="MinimumAutocorrelation"/> and at
/// least two full periods are available.
/// </summary>
public static class SeasonalPeriod
{
    public const double MinimumAutocorrelation = 0.3;

    public static int Detect(ReadOnlySpan<double> values, TimeSpan interval)
    {
        if (interval <= TimeSpan.Zero)
        {
            return 0;
        }
        var best = 0;
        var bestCorrelation = MinimumAutocorrelation;
        foreach (var season in (ReadOnlySpan<TimeSpan>)[TimeSpan.FromDays(1), TimeSpan.FromDays(7)])
        {
            var period = (int)Math.Round(season / interval);
            if (period < 2 || period * 2 > values.Length)
            {
                continue;
            }
            var correlation = Autocorrelation(values, period);
            if (correlation > bestCorrelation)
            {
                (best, bestCorrelation) = (period, correlation);
            }
        }
        return best;
    }

    /// <summary>
    /// The lag-<paramref name="lag"/> autocorrelation of the finite values: a missing sample (NaN, ±Inf) takes no part
    /// in the mean, the variance or any lagged product. One NaN row used to make the mean NaN, every correlation NaN,
    /// and the forecast of a seasonal file seasonless.
    /// </summary>
    public static double Autocorrelation(ReadOnlySpan<double> values, int lag)
    {
        var mean = 0.0;
        var count = 0;
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                mean += v;
                count++;
            }
        }
        if (count == 0)
        {
            return 0;
        }
        mean /= count;
        double numerator = 0, denominator = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                continue;
            }
            var d = values[i] - mean;
            denominator += d * d;
            if (i >= lag && double.IsFinite(values[i - lag]))
            {
                numerator += d * (values[i - lag] - mean);
            }
        }
        var correlation = denominator > 0 ? numerator / denominator : 0;
        return double.IsFinite(correlation) ? correlation : 0;
    }

    /// <summary>The median spacing of consecutive timestamps in time order (robust to a few gaps, and to rows out of
    /// order: in file order a re-sent batch or a shuffled file has negative spacings).</summary>
    public static TimeSpan MedianInterval(ReadOnlySpan<DateTime> timestamps)
    {
        if (timestamps.Length < 2)
        {
            return TimeSpan.Zero;
        }
        var sorted = timestamps.ToArray();
        Array.Sort(sorted);
        timestamps = sorted;
        var deltas = new long[timestamps.Length - 1];
        for (var i = 1; i < timestamps.Length; i++)
        {
            deltas[i - 1] = (timestamps[i] - timestamps[i - 1]).Ticks;
        }
        Array.Sort(deltas);
        return TimeSpan.FromTicks(deltas[deltas.Length / 2]);
    }
}
