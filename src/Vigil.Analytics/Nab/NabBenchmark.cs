namespace Vigil.Analytics.Nab;

/// <summary>
/// Scores a detector's output over a NAB corpus the way NAB's runner does: for each profile, one threshold
/// optimised over the whole corpus (<c>optimizer.py</c>), then each file scored at it, then the sum normalised between
/// the null detector (a constant 0.5 score, its threshold optimised the same way) and the perfect detector
/// (<c>tpWeight</c> per labelled window).
/// </summary>
public static class NabBenchmark
{
    private const double NullDetectorScore = 0.5;

    /// <param name="anomalyScores">One array of scores per file of <paramref name="corpus"/>, row for row.</param>
    /// <param name="fixedThreshold">Scores the detector at this threshold in every profile instead of NAB's optimised
    /// one: what a detector earns at the threshold it runs with (the null detector is still optimised, as in NAB, so
    /// the normalised scores stay comparable).</param>
    public static IReadOnlyList<NabProfileScores> Score(NabCorpus corpus, IReadOnlyList<double[]> anomalyScores, double? fixedThreshold = null)
    {
        if (anomalyScores.Count != corpus.Files.Count)
        {
            throw new ArgumentException("one score array per file is required", nameof(anomalyScores));
        }
        var results = new List<NabProfileScores>();
        foreach (var profile in corpus.Profiles)
        {
            var detector = SweepAll(corpus, i => anomalyScores[i], profile.Costs);
            var baseline = SweepAll(corpus, i => ConstantScores(corpus.Files[i].Series.Count), profile.Costs);
            var threshold = fixedThreshold ?? NabSweeper.BestThreshold(detector.SelectMany(r => r).ToList(), profile.Costs).Threshold;
            var nullThreshold = NabSweeper.BestThreshold(baseline.SelectMany(r => r).ToList(), profile.Costs).Threshold;

            NabScore Group(string name, IEnumerable<int> files)
            {
                int count = 0, windows = 0, detected = 0, falsePositives = 0;
                var parts = default(ScoreParts);
                var nullScore = 0.0;
                foreach (var i in files)
                {
                    count++;
                    windows += corpus.Files[i].Windows.Count;
                    parts += NabSweeper.PartsAt(detector[i], profile.Costs, threshold);
                    nullScore += NabSweeper.ScoreAt(baseline[i], profile.Costs, nullThreshold);
                    var (hits, misses) = Detections(detector[i], threshold);
                    detected += hits;
                    falsePositives += misses;
                }
                return new NabScore(name, count, windows, detected, falsePositives, parts, nullScore, windows * profile.Costs.TruePositiveWeight);
            }

            var indices = Enumerable.Range(0, corpus.Files.Count).ToList();
            var categories = indices.GroupBy(i => corpus.Files[i].Category).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Group(g.Key, g)).ToList();
            results.Add(new NabProfileScores(profile, threshold, Group("overall", indices), categories));
        }
        return results;
    }

    private static List<List<SweepRow>> SweepAll(NabCorpus corpus, Func<int, double[]> scores, CostMatrix costs)
    {
        var rows = new List<List<SweepRow>>(corpus.Files.Count);
        var windowId = 0;
        for (var i = 0; i < corpus.Files.Count; i++)
        {
            var file = corpus.Files[i];
            rows.Add(NabSweeper.Sweep(file.Series.Timestamps, scores(i), file.Windows, costs, windowId));
            windowId += file.Windows.Count;
        }
        return rows;
    }

    private static double[] ConstantScores(int count)
    {
        var scores = new double[count];
        Array.Fill(scores, NullDetectorScore);
        return scores;
    }

    /// <summary>Windows with at least one detection and detections outside every window.</summary>
    private static (int Windows, int FalsePositives) Detections(List<SweepRow> rows, double threshold)
    {
        var windows = new HashSet<int>();
        var falsePositives = 0;
        foreach (var row in rows)
        {
            if (row.AnomalyScore < threshold)
            {
                continue;
            }
            if (row.InWindow)
            {
                windows.Add(row.Window);
            }
            else
            {
                falsePositives++;
            }
        }
        return (windows.Count, falsePositives);
    }
}
