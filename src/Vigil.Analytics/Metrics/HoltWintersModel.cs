namespace Vigil.Analytics.Metrics;

/// <summary>
/// Fitted additive Holt-Winters with damped trend (ETS(A,Ad,A)): smoothing factors, the final level, trend and
/// seasonal indices, and the one-step residual standard deviation the intervals are built from.
/// </summary>
public sealed record HoltWintersModel(
    double Alpha, double Beta, double Gamma, double Phi, int Period,
    double Level, double Trend, double[] Seasonal, int SeasonalOffset, double ResidualStdDev)
{
    /// <summary>Values before the last level shift, left out of the fit (see <see cref="RegimeStart"/>).</summary>
    public int SkippedSamples { get; init; }

    /// <summary>
    /// The fitted values were never negative (a latency, a count, a rate, a disk's use): forecasts and their intervals
    /// stop at 0 instead of following a falling trend below it.
    /// </summary>
    public bool NonNegative { get; init; }

    public string Describe() =>
        FormattableString.Invariant($"Holt-Winters additive, damped trend (α={Alpha:0.##}, β={Beta:0.###}, γ={Gamma:0.##}, φ={Phi:0.##}), ") +
        (Period > 0 ? $"season of {Period} samples" : "no season detected") +
        (SkippedSamples > 0 ? FormattableString.Invariant($", fitted after a level shift ({SkippedSamples} earlier samples left out)") : "");
}
