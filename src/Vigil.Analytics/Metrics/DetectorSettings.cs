namespace Vigil.Analytics.Metrics;

/// <summary>
/// The knobs of <see cref="MetricAnomalyDetector"/>. The defaults were chosen on NAB as one setting for every file
/// (nothing per file). Rates are per sample, so they follow the series' own sampling interval.
/// </summary>
public sealed record DetectorSettings
{
    public static DetectorSettings Default { get; } = new();

    /// <summary>Samples learned before the novelty scorer may report anything.</summary>
    public int WarmupSamples { get; init; } = 150;

    /// <summary>Samples after which the surprise record is kept (the first ones, with no scale yet, are not
    /// representative); the record then spans part of the warm-up, so the first scored sample is not a "record" by
    /// default.</summary>
    public int RecordStartSamples { get; init; } = 140;

    /// <summary>Smoothing of the expected level: fast, so a spike stands out against the recent values.</summary>
    public double LevelAlpha { get; init; } = 0.2;

    /// <summary>Smoothing of residual scales (a few hundred samples).</summary>
    public double ScaleAlpha { get; init; } = 0.01;

    /// <summary>The short and long means compared by the level-shift detector.</summary>
    public double ShortAlpha { get; init; } = 0.3;

    public double LongAlpha { get; init; } = 0.003;

    /// <summary>Fraction of the long-run standard deviation below which a residual scale is not trusted, so flat
    /// stretches and quantised values do not turn every small step into an "infinite" z-score.</summary>
    public double ScaleFloor { get; init; } = 0.01;

    /// <summary>Strength (in typical deviations) at which each detector counts as one unit of surprise.</summary>
    public double SpikeUnit { get; init; } = 4.0;

    public double LevelShiftUnit { get; init; } = 3.0;

    public double SeasonalUnit { get; init; } = 10.0;

    /// <summary>Lag-one-period correlation above which a series is treated as seasonal.</summary>
    public double SeasonalityCorrelation { get; init; } = 0.6;

    /// <summary>The longest season kept, in samples (one day at 1 sample / 43 s); longer seasons are ignored to bound state.</summary>
    public int MaxSeasonSamples { get; init; } = 2016;

    /// <summary>Smoothing of the surprise before it is compared with its record.</summary>
    public double SurpriseSmoothing { get; init; } = 0.5;

    /// <summary>Per-sample decay of the surprise record, so a series can alert again long after a big event
    /// (0.9999: the record halves in ~7,000 samples).</summary>
    public double RecordDecay { get; init; } = 0.9999;
}
