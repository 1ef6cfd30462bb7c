namespace Vigil.Analytics.Metrics;

/// <summary>A series on its sampling grid: one value every <see cref="Interval"/> up to <see cref="Last"/>, NaN
/// where no sample fell.</summary>
public sealed record RegularSeries(DateTime Last, TimeSpan Interval, double[] Values)
{
    public DateTime First => Last - (Interval * (Values.Length - 1));
}

/// <summary>
/// Puts samples on their sampling grid before a forecast, whose season is a position in the grid: a forecaster fed
/// rows places its season by row, so six missing rows, or a re-sent batch of six, moved an hourly series' daily curve
/// six hours (real values far outside the 95 % interval).
/// </summary>
/// <remarks>
/// The grid is anchored on the latest timestamp (the forecast starts one interval after it, as before), and each
/// sample goes to the grid point nearest its time, whatever the row order. A grid point no sample fell on is missing
/// (NaN: the filter advances over it without an observation); samples that fall on the same grid point (a re-sent
/// batch, duplicated rows, jitter) are averaged; a missing value (NaN, ±Inf) counts only when nothing else fell there.
/// </remarks>
public static class SamplingGrid
{
    /// <summary>The samples on the grid of <paramref name="interval"/>, or null when the grid would be longer than
    /// <paramref name="maxLength"/> (a gap out of all proportion to the sampling interval).</summary>
    public static RegularSeries? Regularise(ReadOnlySpan<DateTime> times, ReadOnlySpan<double> values, TimeSpan interval, int maxLength)
    {
        if (times.Length == 0 || times.Length != values.Length || interval <= TimeSpan.Zero)
        {
            throw new ArgumentException("a non-empty series with one value per timestamp and a positive interval is needed");
        }
        var last = times[0];
        var first = times[0];
        foreach (var time in times)
        {
            last = time > last ? time : last;
            first = time < first ? time : first;
        }
        var span = StepsBack(last, first, interval) + 1;
        if (span > maxLength)
        {
            return null;
        }
        var length = (int)span;
        var sums = new double[length];
        var counts = new int[length];
        for (var i = 0; i < times.Length; i++)
        {
            var slot = length - 1 - StepsBack(last, times[i], interval);
            if (double.IsFinite(values[i]))
            {
                sums[slot] += values[i];
                counts[slot]++;
            }
        }
        var grid = new double[length];
        for (var slot = 0; slot < length; slot++)
        {
            grid[slot] = counts[slot] > 0 ? sums[slot] / counts[slot] : double.NaN;
        }
        return new RegularSeries(last, interval, grid);
    }

    /// <summary>Grid points from <paramref name="time"/> forward to <paramref name="last"/>, to the nearest.</summary>
    private static long StepsBack(DateTime last, DateTime time, TimeSpan interval) =>
        (long)Math.Round((last - time).Ticks / (double)interval.Ticks, MidpointRounding.AwayFromZero);
}
