namespace Vigil.Analytics.Metrics;

/// <summary>
/// Where the current regime of a series starts: just after its last abrupt, lasting level shift — a disk cleaned up,
/// a volume grown, a deploy that moved a baseline. A forecast fitted across such a step learns a level and a trend
/// that no longer exist (a disk filling at 3 %/h after a clean-up was forecast flat: the fit's error was dominated by
/// the drop), so forecasts start from the regime.
/// </summary>
/// <remarks>
/// The series' typical drift (the median one-sample change) is taken out first, so a steady trend is flat and a step
/// is a step. A step is then a one-sample change more than <see cref="StepFactor"/> robust spreads (1.4826 × median
/// absolute deviation) of the one-sample changes; it starts a regime only when the whole regime after it sits apart
/// from as many samples before it: medians at least <see cref="SideFactor"/> times either side's own spread apart,
/// and <see cref="HoldingShare"/> of the later samples past the midpoint. A spike, a burst that settles back, or the
/// ordinary ups and downs of a noisy series fail one of those.
/// </remarks>
public static class RegimeStart
{
    public const double StepFactor = 12;
    public const double SideFactor = 5;
    public const double HoldingShare = 0.9;

    /// <summary>Steps examined, latest first, before giving up: a bursty series has a candidate every few samples,
    /// and each costs two sorts of the regime's length.</summary>
    public const int MaxCandidates = 64;

    /// <summary>
    /// Index of the first value of the current regime (0 when there was no lasting step), ignoring steps that would
    /// leave fewer than <paramref name="minimumLength"/> values.
    /// </summary>
    public static int Find(ReadOnlySpan<double> values, int minimumLength)
    {
        var n = values.Length;
        minimumLength = Math.Max(minimumLength, 2);
        if (n < 2 * minimumLength)
        {
            return 0;
        }
        var changes = new double[n - 1];
        for (var i = 0; i < changes.Length; i++)
        {
            changes[i] = values[i + 1] - values[i];
        }
        var (drift, spread) = MedianAndSpread(changes);
        var level = new double[n]; // the values with the drift taken out
        for (var i = 0; i < n; i++)
        {
            level[i] = values[i] - (drift * i);
        }
        // A series that moves in exact steps (spread 0) gets a tiny floor, so float noise is not a regime change.
        var step = StepFactor * Math.Max(spread, 1e-9 * (Math.Abs(values[n - 1]) + 1));
        // Latest first: the regime that matters is the current one. start = index of the first value after the step.
        var candidates = 0;
        for (var start = n - minimumLength; start >= minimumLength && candidates < MaxCandidates; start--)
        {
            var change = changes[start - 1] - drift;
            // NaN (a difference of values near ±double.MaxValue, ∞ − ∞) is no step: Math.Sign would throw on it.
            if (double.IsNaN(change) || Math.Abs(change) <= step)
            {
                continue;
            }
            if (Lasts(level, start, Math.Sign(change), step))
            {
                return start;
            }
            candidates++;
        }
        return 0;
    }

    private static bool Lasts(double[] level, int start, int direction, double step)
    {
        var after = level.AsSpan(start);
        var before = level.AsSpan(Math.Max(0, start - after.Length), Math.Min(start, after.Length));
        var (afterMedian, afterSpread) = MedianAndSpread(after);
        var (beforeMedian, beforeSpread) = MedianAndSpread(before);
        var shift = afterMedian - beforeMedian;
        if (double.IsNaN(shift) || Math.Sign(shift) != direction || Math.Abs(shift) < step / 2 || Math.Abs(shift) < SideFactor * Math.Max(afterSpread, beforeSpread))
        {
            return false;
        }
        var midpoint = beforeMedian + (shift / 2);
        var allowedMisses = (1 - HoldingShare) * after.Length;
        var misses = 0;
        for (var i = 0; i < after.Length && misses <= allowedMisses; i++)
        {
            misses += (after[i] - midpoint) * direction > 0 ? 0 : 1;
        }
        return misses <= allowedMisses;
    }

    /// <summary>The median, and 1.4826 × the median absolute deviation from it (σ for normal noise).</summary>
    private static (double Median, double Spread) MedianAndSpread(ReadOnlySpan<double> values)
    {
        var work = values.ToArray();
        var median = Median(work);
        for (var i = 0; i < work.Length; i++)
        {
            work[i] = Math.Abs(work[i] - median);
        }
        return (median, 1.4826 * Median(work));
    }

    /// <summary>The median; sorts <paramref name="values"/> in place.</summary>
    private static double Median(double[] values)
    {
        Array.Sort(values);
        var middle = values.Length / 2;
        return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
