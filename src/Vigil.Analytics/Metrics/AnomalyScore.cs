namespace Vigil.Analytics.Metrics;

/// <summary>
/// The verdict on one sample: <see cref="Score"/> in [0, 1], the range the detector expected the value in, the
/// detector that drove the score and its strength (a z-score-like number of typical deviations).
/// </summary>
public readonly record struct AnomalyScore(double Score, double Expected, double Lower, double Upper, AnomalySignal Signal, double Strength)
{
    public static AnomalyScore Skipped(AnomalySignal reason) => new(0, double.NaN, double.NaN, double.NaN, reason, 0);
}
