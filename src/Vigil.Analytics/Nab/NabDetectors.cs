using Vigil.Analytics.Metrics;
using Vigil.Analytics.Metrics.Cad;

namespace Vigil.Analytics.Nab;

/// <summary>
/// The detector variants <c>vigil metrics nab --detector</c> scores, so every figure in docs/metric-detection.md is
/// reproducible. Each scores a whole file row by row, streaming, except <c>cad-nab</c>, which gets what NAB hands
/// every detector before the first row (the file's min/max and length).
/// </summary>
public static class NabDetectors
{
    public const string Default = "default";

    public static IReadOnlyDictionary<string, Func<MetricSeries, double[]>> All { get; } = new Dictionary<string, Func<MetricSeries, double[]>>(StringComparer.Ordinal)
    {
        [Default] = series => SeriesScoring.AnomalyScores(series),
        ["default-unsuppressed"] = series => SeriesScoring.AnomalyScores(series, new DetectorSettings { SuppressionSamples = 0 }),
        ["cad-online"] = CadOnline,
        ["default-ungated"] = series => SeriesScoring.AnomalyScores(series, new DetectorSettings { ContextualGate = 0 }),
        ["lightweight"] = series => SeriesScoring.AnomalyScores(series, DetectorSettings.Lightweight),
        ["likelihood"] = Likelihood,
        ["cad-nab"] = CadWithNabInputs,
        ["cad-nab+likelihood"] = series => Max(CadWithNabInputs(series), Likelihood(series)),
        ["x-default+likelihood"] = series => Max(SeriesScoring.AnomalyScores(series), Likelihood(series)),
        ["x-default+light"] = series => Max(SeriesScoring.AnomalyScores(series), SeriesScoring.AnomalyScores(series, DetectorSettings.Lightweight)),
        ["x-re"] = RelativeEntropy,
        ["x-re+default"] = series => Max(SeriesScoring.AnomalyScores(series), RelativeEntropy(series)),
        ["x-noisyor-lh"] = series => NoisyOr(SeriesScoring.AnomalyScores(series), Likelihood(series)),
        ["x-noisyor-lh-supp"] = series => Suppress(NoisyOr(SeriesScoring.AnomalyScores(series), Likelihood(series)), 0.7, 100),
        ["x-max-lh-supp"] = series => Suppress(Max(SeriesScoring.AnomalyScores(series), Likelihood(series)), 0.7, 100),
        ["x-noisyor-lh-a0001"] = series => NoisyOr(SeriesScoring.AnomalyScores(series), Likelihood(series, 0.0001)),
        ["x-noisyor-lh-a01"] = series => NoisyOr(SeriesScoring.AnomalyScores(series), Likelihood(series, 0.01)),
        ["x-cadraw-lh"] = CadRawLikelihood,
        ["x-cadraw-lh-or"] = series => NoisyOr(CadRawLikelihood(series), Likelihood(series)),
        ["x-cadraw-lh-or-default"] = series => NoisyOr(SeriesScoring.AnomalyScores(series), CadRawLikelihood(series)),
        ["x-supp50"] = series => Suppress(NoisyOr(SeriesScoring.AnomalyScores(series), Likelihood(series)), 0.7, 50),
        ["x-supp200"] = series => Suppress(NoisyOr(SeriesScoring.AnomalyScores(series), Likelihood(series)), 0.7, 200),
        ["x-supp-lvl5"] = series => Suppress(NoisyOr(SeriesScoring.AnomalyScores(series), Likelihood(series)), 0.5, 100),
        ["x-supp-re"] = series => Suppress(NoisyOr(NoisyOr(SeriesScoring.AnomalyScores(series), Likelihood(series)), Half(RelativeEntropy(series))), 0.7, 100),
        ["x-rest50"] = series => SeriesScoring.AnomalyScores(series, new DetectorSettings { ContextualRestPeriod = 50 }),
        ["x-rest200"] = series => SeriesScoring.AnomalyScores(series, new DetectorSettings { ContextualRestPeriod = 200 }),
        ["x-range300"] = series => SeriesScoring.AnomalyScores(series, new DetectorSettings { ContextualRangeSamples = 300 }),
        ["x-range1000"] = series => SeriesScoring.AnomalyScores(series, new DetectorSettings { ContextualRangeSamples = 1000 }),
        ["x-margin0.2"] = series => SeriesScoring.AnomalyScores(series, new DetectorSettings { ContextualRangeMargin = 0.2 }),
        ["x-margin1"] = series => SeriesScoring.AnomalyScores(series, new DetectorSettings { ContextualRangeMargin = 1.0 }),
        ["x-gate1"] = series => SeriesScoring.AnomalyScores(series, new DetectorSettings { ContextualGate = 1.0 }),
        ["x-ctx16k"] = series => SeriesScoring.AnomalyScores(series, new DetectorSettings { ContextualMaxContexts = 16384 }),
        ["x-ctx1k"] = series => SeriesScoring.AnomalyScores(series, new DetectorSettings { ContextualMaxContexts = 1024 }),
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

    /// <summary>
    /// Numenta's anomaly likelihood applied to the lightweight ensemble's surprise (squashed to [0, 1) as
    /// <c>s / (1 + s)</c>, like HTM's raw score), armed after 300 samples.
    /// </summary>
    public static double[] Likelihood(MetricSeries series) => Likelihood(series, 0.001);

    public static double[] CadRawLikelihood(MetricSeries series)
    {
        var detector = new MetricAnomalyDetector();
        var likelihood = new AnomalyLikelihood();
        var scores = new double[series.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var score = detector.Update(series.Timestamps[i], series.Values[i]);
            if (score.Signal is not (AnomalySignal.Missing or AnomalySignal.OutOfOrder))
            {
                scores[i] = likelihood.Update(detector.LastContextualRaw, detector.Samples >= 700, alpha: 0.001);
            }
        }
        return scores;
    }

    private static double[] Half(double[] a)
    {
        for (var i = 0; i < a.Length; i++)
        {
            a[i] *= 0.5;
        }
        return a;
    }

    private static double[] Suppress(double[] scores, double level, int rest)
    {
        var quiet = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (quiet > 0)
            {
                quiet--;
                scores[i] = 0;
            }
            else if (scores[i] >= level)
            {
                quiet = rest;
            }
        }
        return scores;
    }

    public static double[] Likelihood(MetricSeries series, double alpha)
    {
        var detector = new MetricAnomalyDetector(DetectorSettings.Lightweight);
        var likelihood = new AnomalyLikelihood();
        var scores = new double[series.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var score = detector.Update(series.Timestamps[i], series.Values[i]);
            if (score.Signal is not (AnomalySignal.Missing or AnomalySignal.OutOfOrder))
            {
                var raw = detector.LastSurprise;
                scores[i] = likelihood.Update(raw / (1 + raw), detector.Samples >= 300, alpha);
            }
        }
        return scores;
    }

    /// <summary>The contextual ensemble before the likelihood and suppression were added (the default until state
    /// version 3): CAD OSE on a learned range, gated by the statistical surprise.</summary>
    public static double[] CadOnline(MetricSeries series)
    {
        var detector = new MetricAnomalyDetector();
        var scores = new double[series.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var score = detector.Update(series.Timestamps[i], series.Values[i]);
            scores[i] = score.Signal is AnomalySignal.Missing or AnomalySignal.OutOfOrder ? 0.0 : detector.LastContextualScore;
        }
        return scores;
    }

    public static double[] RelativeEntropy(MetricSeries series)
    {
        var detector = new RelativeEntropyDetector();
        var scores = new double[series.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = double.IsFinite(series.Values[i]) ? detector.Score(series.Values[i]) : 0.0;
        }
        return scores;
    }

    private static double[] NoisyOr(double[] a, double[] b)
    {
        var result = new double[a.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = 1 - ((1 - a[i]) * (1 - b[i]));
        }
        return result;
    }

    private static double[] Max(double[] a, double[] b)
    {
        var result = new double[a.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Math.Max(a[i], b[i]);
        }
        return result;
    }
}
