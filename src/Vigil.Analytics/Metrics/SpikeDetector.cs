namespace Vigil.Analytics.Metrics;

/// <summary>
/// Residual against a fast exponentially smoothed level, scaled by the mean absolute residual (a robust spread:
/// <c>σ ≈ 1.2533 · mean |r|</c> for Gaussian noise). Outliers move the level by at most five spreads, so one spike
/// does not drag the expectation along.
/// </summary>
internal struct SpikeDetector
{
    private const double GaussianSigmaPerMeanAbsDeviation = 1.2533;

    private double _level;
    private double _meanAbsResidual;
    private long _count;

    public readonly double Level => _level;

    public readonly double Sigma(double floor) => Math.Max(GaussianSigmaPerMeanAbsDeviation * _meanAbsResidual, floor);

    /// <summary>Strength of <paramref name="value"/>: |residual| in spreads.</summary>
    public readonly double Strength(double value, double floor) => _count == 0 ? 0 : Math.Abs(value - _level) / Sigma(floor);

    public void Learn(double value, double floor, DetectorSettings settings)
    {
        if (_count++ == 0)
        {
            _level = value;
            return;
        }
        var residual = value - _level;
        var sigma = Sigma(floor);
        _level += settings.LevelAlpha * Math.Clamp(residual, -5 * sigma, 5 * sigma);
        _meanAbsResidual += settings.ScaleAlpha * (Math.Abs(residual) - _meanAbsResidual);
    }

    internal readonly void Write(ref StateWriter writer)
    {
        writer.Write(_level);
        writer.Write(_meanAbsResidual);
        writer.Write(_count);
    }

    internal void Read(ref StateReader reader)
    {
        _level = reader.ReadDouble();
        _meanAbsResidual = reader.ReadDouble();
        _count = reader.ReadInt64();
    }
}
