using System.Globalization;
using System.Text;
using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Nab;

/// <summary>Runs <see cref="MetricAnomalyDetector"/> over a NAB corpus and formats the scoreboard.</summary>
public static class NabReport
{
    public static IReadOnlyList<NabProfileScores> Run(NabCorpus corpus, DetectorSettings? settings = null) =>
        Run(corpus, series => SeriesScoring.AnomalyScores(series, settings));

    /// <summary>Scores every file with <paramref name="detector"/> (one fresh call per file), then the corpus, at NAB's
    /// optimised threshold or at <paramref name="fixedThreshold"/> (see <see cref="NabBenchmark.Score"/>).</summary>
    public static IReadOnlyList<NabProfileScores> Run(NabCorpus corpus, Func<MetricSeries, double[]> detector, double? fixedThreshold = null)
    {
        var scores = new double[corpus.Files.Count][];
        Parallel.For(0, corpus.Files.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 },
            i => scores[i] = detector(corpus.Files[i].Series));
        return NabBenchmark.Score(corpus, scores, fixedThreshold);
    }

    /// <summary>One table per profile: normalised score, windows detected, false positives, the raw score, the mean credit
    /// of a detection (how early in its window it came) and what the false positives cost, per category.</summary>
    public static string Format(IReadOnlyList<NabProfileScores> results)
    {
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        foreach (var profile in results)
        {
            text.AppendLine(culture, $"profile {profile.Profile.Name} (threshold {profile.Threshold:0.####})");
            text.AppendLine(culture, $"  {"category",-24} {"score",7} {"windows",9} {"FP",5} {"raw",8} {"credit",7} {"FP cost",8}");
            foreach (var group in profile.Categories.Append(profile.Overall))
            {
                var score = double.IsNaN(group.Normalised) ? "n/a" : group.Normalised.ToString("0.0", culture);
                var credit = double.IsNaN(group.MeanCredit) ? "n/a" : group.MeanCredit.ToString("0.000", culture);
                text.AppendLine(culture, $"  {group.Group,-24} {score,7} {group.WindowsDetected,4}/{group.Windows,-4} {group.FalsePositives,5} {group.Raw,8:0.00} {credit,7} {group.Parts.FalsePositives,8:0.00}");
            }
        }
        return text.ToString();
    }
}
