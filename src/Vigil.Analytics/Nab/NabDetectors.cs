using Vigil.Analytics.Metrics;
using Vigil.Analytics.Metrics.Cad;

namespace Vigil.Analytics.Nab;

/// <summary>
/// The detector variants <c>vigil metrics nab --detector</c> scores, so every figure in docs/metric-detection.md is
/// reproducible. Each scores a whole file row by row, streaming, except <c>cad-nab</c> and <c>artime-nab</c>, which get
/// what NAB hands every detector before the first row (the file's min/max and length).
/// </summary>
public static class NabDetectors
{
    public const string Default = "default";

    /// <summary>The alert threshold every variant below was measured with, before decision 021 re-fitted it.</summary>
    private const double ThresholdBeforeRefit = 0.69;

    /// <summary>The default before the threshold was re-fitted (decision 021).</summary>
    private static readonly DetectorSettings DefaultBeforeRefit = DetectorSettings.Default with { AlertThreshold = ThresholdBeforeRefit, FlatlineRunFactor = 0 };

    /// <summary>The default before the alert-rate damping (decision 019); the variants measured before then build on it
    /// (or on settings without the damping), so they still reproduce their rows.</summary>
    private static readonly DetectorSettings Undamped = DefaultBeforeRefit with { AlertRateDamping = 0, ContextualRateDamping = 0 };

    /// <summary>The default before the nearest-window member (decision 018).</summary>
    private static readonly DetectorSettings BeforeNearestWindow = Undamped with { NearestWindowHistory = 0 };

    /// <summary>The default before ARTime joined it; the <c>default-…</c> variants below are this with the named rules
    /// off, so each reproduces the row of docs/metric-detection.md it was added for.</summary>
    private static readonly DetectorSettings WithoutArt = BeforeNearestWindow with { ArtSamples = 0, SeasonalShiftUnit = 0 };

    /// <summary>The default before ARTime ran at two time scales; the variants measured before then build on it, so
    /// they still reproduce their rows.</summary>
    private static readonly DetectorSettings OneArtScale = BeforeNearestWindow with { ArtLongSamples = 0 };

    /// <summary>The transition novelty member's gate before decision 024 (CAD's, <see cref="DetectorSettings.ContextualGate"/>).</summary>
    private const double TransitionGateBefore024 = 0.5;

    /// <summary>The balanced detector before decision 024 gave its transition novelty member a gate of its own and the
    /// detector its own threshold; the balanced variants of earlier rounds build on it.</summary>
    private static readonly DetectorSettings BalancedBefore024 =
        DetectorSettings.Balanced with { TransitionGate = TransitionGateBefore024, AlertThreshold = SeriesScoring.DefaultAlertThreshold, FlatlineRunFactor = 0 };

    /// <summary>The lightweight detector before decision 024; its variants of earlier rounds build on it.</summary>
    private static readonly DetectorSettings LightweightBefore024 = DetectorSettings.Lightweight with { TransitionGate = TransitionGateBefore024, FlatlineRunFactor = 0 };

    /// <summary>The balanced detector before ARTime's long time scale joined it (decision 022); the balanced variants
    /// of earlier rounds build on it, so they still reproduce their rows.</summary>
    private static readonly DetectorSettings OneArtScaleBalanced = BalancedBefore024 with { ArtLongSamples = 0 };

    /// <summary>The cheaper detectors before the alert-rate damping; their variants below build on these.</summary>
    private static readonly DetectorSettings UndampedBalanced = OneArtScaleBalanced with { AlertRateDamping = 0, AlertThreshold = ThresholdBeforeRefit };

    /// <summary>The lightweight detector before the nearest window joined it, and before the seasonal shift as well
    /// (decision 020).</summary>
    private static readonly DetectorSettings LightweightWithoutNearestWindow =
        LightweightBefore024 with { NearestWindowHistory = 0, AlertThreshold = ThresholdBeforeRefit };

    private static readonly DetectorSettings LightweightWithoutShift = LightweightWithoutNearestWindow with { SeasonalShiftUnit = 0 };

    private static readonly DetectorSettings UndampedLightweight = LightweightWithoutShift with { AlertRateDamping = 0 };

    /// <summary>The balanced detector with the young-series rule it had until its latest change; the
    /// <c>balanced-…</c> variants below are this with the named parts off.</summary>
    private static readonly DetectorSettings BalancedWithYoungRule =
        UndampedBalanced with { YoungSeriesSamples = DetectorSettings.Default.YoungSeriesSamples };

    public static IReadOnlyDictionary<string, Func<MetricSeries, double[]>> All { get; } = new Dictionary<string, Func<MetricSeries, double[]>>(StringComparer.Ordinal)
    {
        [Default] = series => SeriesScoring.AnomalyScores(series),
        // The names metrics.detector takes in the server's config (and README's accuracy table) score here too, so
        // 'vigil metrics nab --detector contextual' reproduces the row of the detector a user is choosing.
        ["contextual"] = series => SeriesScoring.AnomalyScores(series),
        ["default-threshold-0.69"] = series => SeriesScoring.AnomalyScores(series, DefaultBeforeRefit),
        ["default-alert-rate-only"] = series => SeriesScoring.AnomalyScores(series, DefaultBeforeRefit with { ContextualRateDamping = 0 }),
        ["default-undamped"] = series => SeriesScoring.AnomalyScores(series, Undamped),
        ["default-without-nearest-window"] = series => SeriesScoring.AnomalyScores(series, BeforeNearestWindow),
        ["balanced-one-art-scale"] = series => SeriesScoring.AnomalyScores(series, OneArtScaleBalanced),
        ["balanced-undamped"] = series => SeriesScoring.AnomalyScores(series, UndampedBalanced),
        ["lightweight-undamped"] = series => SeriesScoring.AnomalyScores(series, UndampedLightweight),
        ["lightweight-threshold-0.62"] = series => SeriesScoring.AnomalyScores(series, LightweightBefore024 with { AlertThreshold = SeriesScoring.DefaultAlertThreshold }),
        ["lightweight-transition-gate-0.5"] = series => SeriesScoring.AnomalyScores(series, LightweightBefore024),
        ["balanced-transition-gate-0.5"] = series => SeriesScoring.AnomalyScores(series, BalancedBefore024),
        ["default-without-flatline"] = series => SeriesScoring.AnomalyScores(series, DetectorSettings.Default with { FlatlineRunFactor = 0 }),
        ["balanced-without-flatline"] = series => SeriesScoring.AnomalyScores(series, DetectorSettings.Balanced with { FlatlineRunFactor = 0 }),
        ["lightweight-without-flatline"] = series => SeriesScoring.AnomalyScores(series, DetectorSettings.Lightweight with { FlatlineRunFactor = 0 }),
        ["lightweight-without-nearest-window"] = series => SeriesScoring.AnomalyScores(series, LightweightWithoutNearestWindow),
        ["lightweight-without-shift"] = series => SeriesScoring.AnomalyScores(series, LightweightWithoutShift),
        ["default-without-shift"] = series => SeriesScoring.AnomalyScores(series, OneArtScale with { SeasonalShiftUnit = 0 }),
        ["balanced-young-rule"] = series => SeriesScoring.AnomalyScores(series, BalancedWithYoungRule),
        ["balanced-without-transitions"] = series => SeriesScoring.AnomalyScores(series, BalancedWithYoungRule with { TransitionNovelty = false }),
        ["balanced-without-shift"] = series => SeriesScoring.AnomalyScores(series, BalancedWithYoungRule with { TransitionNovelty = false, SeasonalShiftUnit = 0 }),
        ["default-with-transitions"] = series => SeriesScoring.AnomalyScores(series, OneArtScale with { TransitionNovelty = true, TransitionGate = TransitionGateBefore024 }),
        ["default-without-art"] = series => SeriesScoring.AnomalyScores(series, WithoutArt),
        ["default-unbroken"] = series => SeriesScoring.AnomalyScores(series, WithoutArt with { SuppressionBreakFactor = 0 }),
        ["default-rebuild-rested"] = series => SeriesScoring.AnomalyScores(series, WithoutArt with { ContextualRestAfterReportedHigh = false, ContextualRebuildScoresItsCause = false, SuppressionBreakFactor = 0 }),
        ["default-cad-ose-rest"] = series => SeriesScoring.AnomalyScores(series, WithoutArt with { ContextualRestAfterReportedHigh = false, SuppressionBreakFactor = 0 }),
        ["default-cad-at-600"] = series => SeriesScoring.AnomalyScores(series, WithoutArt with { ContextualStartSamples = 600, ContextualRestAfterReportedHigh = false, ContextualRebuildScoresItsCause = false, SuppressionBreakFactor = 0 }),
        ["default-unsuppressed"] = series => SeriesScoring.AnomalyScores(series, WithoutArt with { SuppressionSamples = 0 }),
        ["cad-online"] = CadOnline,
        ["default-ungated"] = series => SeriesScoring.AnomalyScores(series, WithoutArt with { ContextualGate = 0 }),
        ["lightweight"] = series => SeriesScoring.AnomalyScores(series, DetectorSettings.Lightweight),
        ["balanced"] = series => SeriesScoring.AnomalyScores(series, DetectorSettings.Balanced),
        ["default-not-young"] = series => SeriesScoring.AnomalyScores(series, WithoutArt with { YoungSeriesSamples = 0 }),
        ["lightweight-any-jump"] = series => SeriesScoring.AnomalyScores(series, UndampedLightweight with { TransitionMinimumJump = 0, YoungSeriesSamples = 0 }),
        ["lightweight-uncalibrated"] = series => SeriesScoring.AnomalyScores(series, UndampedLightweight with { NoveltyAlertScore = 0 }),
        ["balanced-calibrated"] = series => SeriesScoring.AnomalyScores(series, UndampedBalanced with { NoveltyAlertScore = 0.07 }),
        ["lightweight-not-young"] = series => SeriesScoring.AnomalyScores(series, UndampedLightweight with { YoungSeriesSamples = 0 }),
        ["lightweight-young-spikes"] = series => SeriesScoring.AnomalyScores(series, UndampedLightweight with { YoungSeriesQuietsPatterns = false }),
        ["statistical"] = series => SeriesScoring.AnomalyScores(series, DetectorSettings.Statistical),
        ["statistical-not-young"] = series => SeriesScoring.AnomalyScores(series, DetectorSettings.Statistical with { YoungSeriesSamples = 0 }),
        ["likelihood"] = Likelihood,
        ["cad-nab"] = CadWithNabInputs,
        ["cad-nab+likelihood"] = series => Max(CadWithNabInputs(series), Likelihood(series)),
        ["artime-nab"] = ArtimeWithNabInputs,
        ["artime-online"] = ArtimeOnline,
        ["artime-two-scales"] = ArtimeOnlineTwoScales,
        ["default-one-art-scale"] = series => SeriesScoring.AnomalyScores(series, OneArtScale),
        ["balanced-two-art-scales"] = series => SeriesScoring.AnomalyScores(series, UndampedBalanced with { ArtLongSamples = DetectorSettings.Default.ArtLongSamples }),
    };

    /// <summary>ARTime as NAB runs it: normalised to the file's min/max, its probation NAB's (from the file's length).</summary>
    public static double[] ArtimeWithNabInputs(MetricSeries series)
    {
        var (min, max) = FileRange(series.Values);
        return ScoreEach(series, new Metrics.Art.ArtimeDetector(min, max, Metrics.Art.ArtimeDetector.NabProbation(series.Count)).Score);
    }

    /// <summary>The default's ARTime member alone at its short time scale: its probation and range from the first
    /// samples, no look-ahead.</summary>
    public static double[] ArtimeOnline(MetricSeries series) => ScoreEach(series, Metrics.Art.OnlineArtDetector.Short(DetectorSettings.Default)!.Score);

    /// <summary>The default's ARTime member alone, at both its time scales (the higher score of the two).</summary>
    public static double[] ArtimeOnlineTwoScales(MetricSeries series)
    {
        var fast = Metrics.Art.OnlineArtDetector.Short(DetectorSettings.Default)!;
        var slow = Metrics.Art.OnlineArtDetector.Long(DetectorSettings.Default)!;
        return ScoreEach(series, value => Math.Max(fast.Score(value), slow.Score(value)));
    }

    /// <summary>
    /// CAD OSE exactly as NAB runs it: the range is the file's min/max and the rest period 3% of its length
    /// (<c>floor(0.15 · rows) / 5</c>), both of which NAB gives every detector before the first row.
    /// </summary>
    public static double[] CadWithNabInputs(MetricSeries series)
    {
        var (min, max) = FileRange(series.Values);
        var rest = Math.Max(1, (int)(Math.Floor(0.15 * series.Count) / 5.0));
        return ScoreEach(series, new ContextualAnomalyDetector(min, max, rest).Score);
    }

    /// <summary>The file's min and max over its finite values (what NAB hands a detector as inputMin/inputMax).</summary>
    private static (double Min, double Max) FileRange(double[] values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }
        return (min, max);
    }

    /// <summary>Each finite value scored in order; a missing one scores 0 and is not shown to the detector.</summary>
    private static double[] ScoreEach(MetricSeries series, Func<double, double> score)
    {
        var scores = new double[series.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = double.IsFinite(series.Values[i]) ? score(series.Values[i]) : 0.0;
        }
        return scores;
    }

    /// <summary>
    /// Numenta's anomaly likelihood applied to the statistical ensemble's surprise (squashed to [0, 1) as
    /// <c>s / (1 + s)</c>, like HTM's raw score), armed after 300 samples.
    /// </summary>
    public static double[] Likelihood(MetricSeries series)
    {
        var detector = new MetricAnomalyDetector(DetectorSettings.Statistical);
        var likelihood = new AnomalyLikelihood();
        var scores = new double[series.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            var score = detector.Update(series.Timestamps[i], series.Values[i]);
            if (score.Signal is not (AnomalySignal.Missing or AnomalySignal.OutOfOrder))
            {
                var raw = detector.LastSurprise;
                scores[i] = likelihood.Update(raw / (1 + raw), detector.Samples >= 300, alpha: 0.001);
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
