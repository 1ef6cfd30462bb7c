using Vigil.Analytics.Metrics;
using Vigil.Analytics.Metrics.Cad;

namespace Vigil.Analytics.Nab;

/// <summary>
/// The detector variants <c>vigil metrics nab --detector</c> can score, so every figure in the docs is reproducible.
/// Each scores a whole file row by row, streaming (no look-ahead) except where NAB's own rules hand the detector
/// the file's min/max and length.
/// </summary>
public static class NabDetectors
{
    public const string Default = "default";

    public static IReadOnlyDictionary<string, Func<MetricSeries, double[]>> All { get; } = new Dictionary<string, Func<MetricSeries, double[]>>(StringComparer.Ordinal)
    {
        [Default] = series => SeriesScoring.AnomalyScores(series),
        ["cad-nab"] = CadWithNabInputs,
    };

    /// <summary>
    /// CAD OSE exactly as NAB runs it: the range is the file's min/max and the rest period 3% of its length
    /// (<c>floor(0.15 · rows) / 5</c>), both of which NAB gives every detector before the first row.
    /// </summary>
    public static double[] CadWithNabInputs(MetricSeries series)
    {
        var values = series.Values;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }
        var rest = Math.Max(1, (int)(Math.Floor(0.15 * values.Length) / 5.0));
        var detector = new ContextualAnomalyDetector(min, max, rest);
        var scores = new double[values.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = double.IsFinite(values[i]) ? detector.Score(values[i]) : 0.0;
        }
        return scores;
    }
}
