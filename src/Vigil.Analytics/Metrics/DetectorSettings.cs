namespace Vigil.Analytics.Metrics;

/// <summary>
/// The knobs of <see cref="MetricAnomalyDetector"/>. The defaults are the settings measured on NAB (one setting for
/// every file, nothing per file); they are expressed in samples, so they adapt to any sampling interval.
/// </summary>
public sealed record DetectorSettings
{
    public static DetectorSettings Default { get; } = new();

    /// <summary>Samples before any score above zero: the statistics need something to stand on.</summary>
    public int WarmupSamples { get; init; } = 30;

    /// <summary>Smoothing of the expected level (fast: follows the series, so a spike stands out against it).</summary>
    public double LevelAlpha { get; init; } = 0.2;

    /// <summary>Smoothing of the residual scale (slow: a few hundred samples).</summary>
    public double ScaleAlpha { get; init; } = 0.01;

    /// <summary>Short and long means compared for level shifts.</summary>
    public double ShortAlpha { get; init; } = 0.1;

    public double LongAlpha { get; init; } = 0.003;

    /// <summary>Smoothing of the surprise history the score is calibrated against.</summary>
    public double SurpriseAlpha { get; init; } = 0.002;

    public double SurpriseShortAlpha { get; init; } = 0.5;
}
