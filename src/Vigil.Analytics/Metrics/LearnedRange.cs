namespace Vigil.Analytics.Metrics;

/// <summary>
/// The range a pattern member (CAD, the transition novelty) cuts values into, learned from the series itself: NAB
/// hands its detectors the whole file's min/max, a live series has no such thing. It is fitted on the first
/// <c>ContextualStartSamples</c> values, fitted again once the buffer of <c>ContextualRangeSamples</c> recent values is
/// full (the first fit is provisional) and whenever a value leaves it — each time on the recent values and the new one,
/// widened by <c>ContextualRangeMargin</c> of their span on each side. The member rebuilds itself at each fit from
/// <see cref="Recent"/> (a replay), so a re-range needs no new warm-up.
/// </summary>
internal sealed class LearnedRange(DetectorSettings settings)
{
    public RecentValues Recent { get; private set; } = new(Math.Max(2, settings.ContextualRangeSamples));

    public double Low { get; private set; }

    public double High { get; private set; }

    public bool IsFitted { get; private set; }

    /// <summary>What <paramref name="value"/> asks of the member; a value of the warm-up is remembered here (the member
    /// scores it 0), any other the member remembers with <see cref="Remember"/> once it has scored it.</summary>
    public RangeStep Next(double value)
    {
        if (!IsFitted && Recent.Count + 1 < Math.Min(settings.ContextualStartSamples, Recent.Capacity))
        {
            Remember(value);
            return RangeStep.WarmingUp;
        }
        if (IsFitted && (value < Low || value > High))
        {
            return RangeStep.OutOfRange;
        }
        return !IsFitted || Recent.Count + 1 == Recent.Capacity ? RangeStep.Fit : RangeStep.InRange;
    }

    /// <summary>Fits the range to the recent values and <paramref name="value"/>.</summary>
    public void Fit(double value)
    {
        (Low, High) = Recent.Range(settings.ContextualRangeMargin, including: value);
        IsFitted = true;
    }

    public void Remember(double value) => Recent.Add(value, out _);

    /// <summary>The range a saved member was using.</summary>
    public void Restore(double low, double high)
    {
        (Low, High) = (low, high);
        IsFitted = true;
    }

    public void WriteRecent(ref StateWriter writer) => Recent.Write(ref writer);

    public void ReadRecent(ref StateReader reader) => Recent = RecentValues.Read(ref reader, Recent.Capacity);
}

/// <summary>What a value asks of a member with a <see cref="LearnedRange"/>.</summary>
internal enum RangeStep
{
    /// <summary>Still in the warm-up: remembered, not scored.</summary>
    WarmingUp,

    /// <summary>Inside the range: scored as it is.</summary>
    InRange,

    /// <summary>The first fit, or the buffer of recent values just filled: fit the range, rebuild, then score.</summary>
    Fit,

    /// <summary>Outside the range: fit it to include the value, rebuild, then score the value (the likeliest anomaly).</summary>
    OutOfRange,
}
