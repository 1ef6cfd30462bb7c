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
        ["likelihood"] = Likelihood,
        ["capped"] = series => SeriesScoring.AnomalyScores(series, new DetectorSettings { ContextualMaxContexts = (int)Env("CAP", 4096), ContextualRestPeriod = (int)Env("RP_R", 100), ContextualRangeSamples = (int)Env("RP_N", 600), ContextualRangeMargin = Env("RP_M", 0.5) }),
        ["replay"] = Replay,
        ["mix"] = Combined,
        ["cad-online"] = series => Online(series, Env("CAD_N", 150), Env("CAD_M", 0.5), (int)Env("CAD_R", 150)),
    };

    public static double[] Replay(MetricSeries series)
    {
        var n = (int)Env("RP_N", 300);
        var margin = Env("RP_M", 1.0);
        var rest = (int)Env("RP_R", 150);
        var values = series.Values;
        var scores = new double[values.Length];
        var buffer = new List<double>();
        ContextualAnomalyDetector? detector = null;
        double lo = 0, hi = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (!double.IsFinite(v)) continue;
            if (detector is null && buffer.Count + 1 < n) { buffer.Add(v); continue; }
            if (detector is null || v < lo || v > hi)
            {
                double min = v, max = v;
                foreach (var b in buffer) { min = Math.Min(min, b); max = Math.Max(max, b); }
                var span = max - min;
                if (span == 0) span = Math.Max(Math.Abs(max) * 0.01, 1e-9);
                lo = min - margin * span; hi = max + margin * span;
                detector = new ContextualAnomalyDetector(lo, hi, rest);
                foreach (var b in buffer) detector.Score(b);
            }
            scores[i] = detector.Score(v);
            buffer.Add(v);
            if (buffer.Count > n) buffer.RemoveAt(0);
        }
        return scores;
    }

    public static double[] Likelihood(MetricSeries series)
    {
        var detector = new MetricAnomalyDetector();
        var likelihood = new AnomalyLikelihood();
        var scores = new double[series.Count];
        var alpha = Env("LH_A", 0.001);
        var arm = Env("LH_ARM", 300);
        var mode = (int)Env("LH_T", 0);
        for (var i = 0; i < scores.Length; i++)
        {
            var s = detector.Update(series.Timestamps[i], series.Values[i]);
            if (s.Signal is AnomalySignal.Missing or AnomalySignal.OutOfOrder) continue;
            var raw = detector.LastSurprise;
            raw = mode switch { 0 => raw / (1 + raw), 1 => Math.Min(1, raw), _ => raw };
            scores[i] = likelihood.Update(raw, detector.Samples >= arm, alpha);
        }
        return scores;
    }

    public static double[] Combined(MetricSeries series)
    {
        var cad = CadWithNabInputs(series);
        var cadOnline = Replay(series);
        var lh = Likelihood(series);
        var nov = SeriesScoring.AnomalyScores(series);
        var mode = (int)Env("MIX", 0);
        var w = Env("MIX_W", 0.5);
        var result = new double[cad.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = mode switch
            {
                0 => Math.Max(cad[i], lh[i]),
                1 => Math.Max(cadOnline[i], lh[i]),
                2 => (w * cad[i]) + ((1 - w) * lh[i]),
                3 => (w * cadOnline[i]) + ((1 - w) * lh[i]),
                4 => Math.Max(cadOnline[i], Math.Min(1, nov[i] * w)),
                _ => Math.Max(cad[i], Math.Min(1, nov[i] * w)),
            };
        }
        return result;
    }

    private static double Env(string name, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : fallback;

    public static double[] Online(MetricSeries series, double n, double margin, int rest)
    {
        var values = series.Values;
        var scores = new double[values.Length];
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        ContextualAnomalyDetector? detector = null;
        var seen = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (!double.IsFinite(v)) continue;
            if (detector is null)
            {
                min = Math.Min(min, v); max = Math.Max(max, v);
                if (++seen >= n)
                {
                    var span = max - min;
                    detector = new ContextualAnomalyDetector(min - margin * span, max + margin * span, rest);
                }
                continue;
            }
            scores[i] = detector.Score(v);
        }
        return scores;
    }

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
