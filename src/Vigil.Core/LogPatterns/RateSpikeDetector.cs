namespace Vigil.Core.LogPatterns;

/// <summary>Settings of <see cref="RateSpikeDetector"/>; the rule and defaults are documented in docs/api.md ("Log-pattern alerts").</summary>
public sealed record RateSpikeOptions
{
    /// <summary>How many past minutes make a template's history.</summary>
    public int HistoryMinutes { get; init; } = 60;

    /// <summary>No verdict until a template has this many minutes of history (a new template has no "normal" yet).</summary>
    public int MinHistoryMinutes { get; init; } = 15;

    /// <summary>A minute with fewer lines is never a spike: a handful of lines is noise, whatever the history.</summary>
    public long MinCount { get; init; } = 20;

    /// <summary>A spike is also at least this many times the median, so a busy steady template's jitter does not fire.</summary>
    public double MinRatio { get; init; } = 2.0;

    /// <summary>Robust z-score above which a minute is a spike.</summary>
    public double Threshold { get; init; } = 6.0;
}

/// <summary>Why a minute counts as a spike.</summary>
/// <param name="Score">Robust z-score: (count - median) / max(1.4826 × MAD, 1).</param>
public readonly record struct RateSpike(long Minute, long Count, double Median, double Mad, double Score);

/// <summary>
/// Flags a template whose lines per minute depart from its own recent history. The rule is a robust z-score: the
/// median and the median absolute deviation (MAD) of the previous <see cref="RateSpikeOptions.HistoryMinutes"/>
/// minutes (minutes without lines count as zero) are insensitive to the spikes they are meant to find, unlike mean
/// and standard deviation. 1.4826 × MAD estimates the standard deviation for normal data; it is floored at one line
/// so a flat history (MAD 0, the usual case for sparse logs) still needs a real jump. Not thread-safe: one instance
/// per source, used under the source's lock.
/// </summary>
public sealed class RateSpikeDetector(RateSpikeOptions options, TimeProvider time)
{
    private readonly Dictionary<long, MinuteSeries> _series = [];
    private readonly long[] _scratch = new long[options.HistoryMinutes];

    public RateSpikeOptions Options => options;

    public int Count => _series.Count;

    /// <summary>Counts <paramref name="lines"/> lines of template <paramref name="templateId"/> at <paramref name="at"/>.</summary>
    public void Record(long templateId, DateTimeOffset at, long lines)
    {
        if (!_series.TryGetValue(templateId, out var series))
        {
            series = new MinuteSeries(options.HistoryMinutes + 1);
            _series[templateId] = series;
        }
        series.Add(MinuteSeries.MinuteOf(at), lines);
    }

    /// <summary>Drops a template's history (evicted by the miner).</summary>
    public void Forget(long templateId) => _series.Remove(templateId);

    /// <summary>Folds the history of a template merged away into its survivor's.</summary>
    public void Merge(long from, long into)
    {
        if (!_series.Remove(from, out var merged))
        {
            return;
        }
        if (!_series.TryGetValue(into, out var survivor))
        {
            _series[into] = merged;
            return;
        }
        survivor.AddFrom(merged);
    }

    /// <summary>
    /// Whether the template spikes now: the current minute (partial — its count can only grow, so a spike seen early
    /// is real) or the last complete one, each judged against the minutes before it. Null when not spiking.
    /// </summary>
    public RateSpike? Check(long templateId)
    {
        if (!_series.TryGetValue(templateId, out var series))
        {
            return null;
        }
        var now = MinuteSeries.MinuteOf(time.GetUtcNow());
        var current = Score(series, now);
        var previous = Score(series, now - 1);
        return (current, previous) switch
        {
            ({ } c, { } p) => c.Score >= p.Score ? c : p,
            ({ } c, null) => c,
            (null, { } p) => p,
            _ => null,
        };
    }

    private RateSpike? Score(MinuteSeries series, long minute)
    {
        var count = series[minute];
        if (count < options.MinCount)
        {
            return null;
        }
        var start = Math.Max(minute - options.HistoryMinutes, series.FirstMinute);
        var n = (int)Math.Max(0, minute - start);
        if (n < options.MinHistoryMinutes)
        {
            return null;
        }
        var history = _scratch.AsSpan(0, n);
        for (var i = 0; i < n; i++)
        {
            history[i] = series[start + i];
        }
        var median = Median(history);
        for (var i = 0; i < n; i++)
        {
            history[i] = (long)Math.Round(Math.Abs(history[i] - median) * 2);
        }
        // Deviations were doubled to keep half-integers exact in longs; halve the median back.
        var mad = Median(history) / 2;
        var score = (count - median) / Math.Max(1.4826 * mad, 1.0);
        return score >= options.Threshold && count >= options.MinRatio * median
            ? new RateSpike(minute, count, median, mad, score)
            : null;
    }

    private static double Median(Span<long> values)
    {
        values.Sort();
        var mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2.0;
    }
}
