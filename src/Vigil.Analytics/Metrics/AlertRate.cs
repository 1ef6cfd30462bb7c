namespace Vigil.Analytics.Metrics;

/// <summary>
/// A series' recent alerts and the bar they set for its next one. Each alert counts 1 and fades by
/// <c>1 − 1/memory</c> a sample; a joined score's odds <c>s / (1 − s)</c> are divided by <c>1 + damping · rate</c>
/// (so the score becomes <c>s / (1 + damping · rate · (1 − s))</c>: monotone, 0 and 1 fixed, one division). A series
/// that keeps alerting needs a clearer anomaly to alert again, a quiet one is judged as before, and a score of 1 (every
/// member certain) always alerts. It is a prior, kept per series, that anomalies are rare: each recent alert makes the
/// next one less likely to be news. The same counter damps CAD by its own recent high scores. See
/// <see cref="DetectorSettings.AlertRateDamping"/> and <see cref="DetectorSettings.ContextualRateDamping"/>.
/// </summary>
internal struct AlertRate(double damping, int memory)
{
    private readonly double _damping = damping;
    private readonly double _decay = 1.0 - (1.0 / Math.Max(1, memory));
    private double _rate;

    /// <summary>The decayed count of recent alerts.</summary>
    public readonly double Rate => _rate;

    /// <summary>One sample passes: every earlier alert weighs a little less.</summary>
    public void Fade() => _rate *= _decay;

    /// <summary>The sample alerted (or, for a member's own rate, spoke).</summary>
    public void Count() => _rate += 1;

    /// <summary><paramref name="score"/> (in [0, 1]) as the series' recent alerts let it stand.</summary>
    public readonly double Damped(double score) =>
        _rate > 0 && _damping > 0 ? score / (1.0 + (_damping * _rate * (1.0 - score))) : score;

    /// <summary>The score a member or the ensemble must reach for its damped score to reach <paramref name="threshold"/>
    /// (in (0, 1]): the inverse of <see cref="Damped"/>, <c>t(1 + b) / (1 + b·t)</c> with <c>b = damping · rate</c>.</summary>
    public readonly double Needed(double threshold)
    {
        var b = _damping * _rate;
        return b > 0 ? threshold * (1.0 + b) / (1.0 + (b * threshold)) : threshold;
    }

    internal readonly void Write(ref StateWriter writer) => writer.Write(_rate);

    internal void Read(ref StateReader reader)
    {
        var rate = reader.ReadDouble();
        _rate = double.IsFinite(rate) && rate >= 0 ? rate : throw new FormatException("detector state: bad alert rate");
    }
}
