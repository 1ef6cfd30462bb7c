using Vigil.Analytics.Metrics;
using Vigil.Analytics.Nab;

namespace Vigil.Analytics.Tests.Metrics;

/// <summary>Hand-computed NAB cases on a 20-row file: probation = ⌊0.15 · 20⌋ = 3 rows, one window on rows 10..14.</summary>
public sealed class NabSweeperTests
{
    private static readonly DateTime Start = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime[] Rows = [.. Enumerable.Range(0, 20).Select(i => Start.AddMinutes(5 * i))];
    private static readonly NabWindow[] Window = [new(Rows[10], Rows[14])];
    private static readonly CostMatrix Standard = NabProfile.Standard.Costs;

    /// <summary>Scores of 1 on <paramref name="rows"/>, 0 elsewhere.</summary>
    private static double[] Detections(params int[] rows)
    {
        var scores = new double[Rows.Length];
        foreach (var row in rows)
        {
            scores[row] = 1.0;
        }
        return scores;
    }

    private static double Score(CostMatrix costs, params int[] detections) =>
        NabSweeper.ScoreAt(NabSweeper.Sweep(Rows, Detections(detections), Window, costs), costs, 0.5);

    /// <summary>The 20-row file as a one-file corpus scored with NAB's three profiles.</summary>
    private static NabCorpus OneFile() =>
        new([new NabDataFile("cat/a.csv", "cat", new MetricSeries(Rows, new double[Rows.Length]), Window)], NabProfile.Published);

    [Fact]
    public void Scaled_sigmoid_matches_NAB_reference_points()
    {
        Assert.Equal(0.98661, ScaledSigmoid.Of(-1.0), 5);
        Assert.Equal(0.84828, ScaledSigmoid.Of(-0.5), 5);
        Assert.Equal(0.0, ScaledSigmoid.Of(0.0), 12);
        Assert.Equal(-0.98661, ScaledSigmoid.Of(1.0), 5);
        Assert.Equal(-1.0, ScaledSigmoid.Of(3.0));
    }

    [Fact]
    public void Probationary_period_is_fifteen_percent_capped_at_750_rows() =>
        Assert.Equal((3, 150, 750), (NabSweeper.ProbationaryLength(20), NabSweeper.ProbationaryLength(1000), NabSweeper.ProbationaryLength(10_000)));

    [Fact]
    public void Detection_on_the_first_row_of_a_window_earns_the_full_true_positive_weight() =>
        Assert.Equal(1.0, Score(Standard, 10), 9);

    [Fact]
    public void Detection_on_the_last_row_of_a_window_earns_little()
    {
        // position −(14 − 14 + 1)/5 = −0.2: (2·sigmoid(1) − 1) / (2·sigmoid(5) − 1) = 0.4621172 / 0.9866143
        Assert.Equal(0.4621172 / 0.9866143, Score(Standard, 14), 6);
    }

    [Fact]
    public void Only_the_earliest_detection_in_a_window_counts() =>
        Assert.Equal(Score(Standard, 10), Score(Standard, 10, 11, 12, 13), 12);

    [Fact]
    public void Missed_window_costs_the_false_negative_weight()
    {
        Assert.Equal(-1.0, Score(Standard), 12);
        Assert.Equal(-2.0, Score(NabProfile.RewardLowFalseNegatives.Costs), 12);
    }

    [Fact]
    public void False_positive_before_any_window_costs_the_full_weight() =>
        Assert.Equal(-1.0 - 0.22, Score(NabProfile.RewardLowFalsePositives.Costs, 5), 12);

    [Fact]
    public void False_positive_after_a_window_is_weighted_by_its_distance()
    {
        // row 16: |14 − 16| / (5 − 1) = 0.5 → 2·sigmoid(−2.5) − 1 = −0.8482836, times fpWeight 0.11, plus the missed window
        Assert.Equal(-1.0 + (0.11 * -0.8482836), Score(Standard, 16), 6);
    }

    [Fact]
    public void The_parts_of_a_score_are_its_detections_false_positives_and_misses()
    {
        static ScoreParts Parts(params int[] detections) =>
            NabSweeper.PartsAt(NabSweeper.Sweep(Rows, Detections(detections), Window, Standard), Standard, 0.5);

        Assert.Equal(new ScoreParts(1.0, -0.11, 0), Parts(5, 10, 12)); // the later detection in the window adds nothing
        Assert.Equal(new ScoreParts(0, -0.11, -1.0), Parts(5));
        var late = Parts(14);
        Assert.Equal(0.4621172 / 0.9866143, late.Detections, 6);
        Assert.Equal(Score(Standard, 14), late.Total, 12);
    }

    [Fact]
    public void Detections_in_the_probationary_period_are_ignored() => Assert.Equal(-1.0, Score(Standard, 0, 1, 2), 12);

    [Fact]
    public void Threshold_optimisation_picks_the_cut_with_the_best_total()
    {
        var scores = new double[Rows.Length];
        scores[10] = 0.9; // true positive at the window start
        scores[5] = 0.6;  // false positive before the window
        var rows = NabSweeper.Sweep(Rows, scores, Window, Standard);
        var sweep = NabSweeper.ScoreByThreshold(rows, Standard);
        Assert.Equal([1.1, 0.9, 0.6, 0.0], sweep.Select(s => s.Threshold));
        Assert.Equal([-1.0, 1.0, 0.89], sweep.Take(3).Select(s => Math.Round(s.Score, 9)));
        var best = NabSweeper.BestThreshold(rows, Standard);
        Assert.Equal((0.9, 1.0, 1, 0), (best.Threshold, Math.Round(best.Score, 9), best.TruePositives, best.FalsePositives));
    }

    [Fact]
    public void Normalised_score_is_100_for_the_perfect_detector_and_0_for_the_null_detector()
    {
        var corpus = OneFile();
        Assert.All(NabBenchmark.Score(corpus, [Detections(10)]), p => Assert.Equal(100.0, p.Overall.Normalised, 9));
        Assert.All(NabBenchmark.Score(corpus, [Detections()]), p => Assert.Equal(0.0, p.Overall.Normalised, 9));
    }

    [Fact]
    public void Mean_credit_is_the_share_of_a_window_its_detection_earned()
    {
        var corpus = OneFile();
        Assert.All(NabBenchmark.Score(corpus, [Detections(10)]), p => Assert.Equal(1.0, p.Overall.MeanCredit, 9));
        // Late in the window, after a false positive the optimised threshold cannot leave out without the detection.
        var standard = NabBenchmark.Score(corpus, [Detections(5, 14)])[0];
        Assert.Equal(0.4621172 / 0.9866143, standard.Overall.MeanCredit, 6);
        Assert.Equal(-0.11, standard.Overall.Parts.FalsePositives, 9);
        Assert.True(double.IsNaN(new NabScore("none detected", 1, 1, 0, 0, new ScoreParts(0, 0, -1), -1, 1).MeanCredit));
    }

    /// <summary>NAB's optimiser sorts by score with Python's stable sort, so on a tie the highest threshold wins.</summary>
    [Fact]
    public void Ties_keep_the_highest_threshold()
    {
        var scores = new double[Rows.Length];
        scores[10] = 0.9;
        scores[11] = 0.8; // also in the window: only the earliest detection counts, so 0.8 scores the same as 0.9
        var best = NabSweeper.BestThreshold(NabSweeper.Sweep(Rows, scores, Window, Standard), Standard);
        Assert.Equal(0.9, best.Threshold);
        Assert.Equal(1.0, best.Score, 9);
    }

    /// <summary>
    /// NAB enters a window on its first row even inside the probationary period; the probationary rows are then
    /// dropped, so a detection on the first scored row (3) of a window on rows 1..5 sits at −(5 − 3 + 1)/5 = −0.6.
    /// </summary>
    [Fact]
    public void A_window_that_starts_in_probation_counts_from_the_first_scored_row()
    {
        NabWindow[] early = [new(Rows[1], Rows[5])];
        double At(int row)
        {
            var scores = new double[Rows.Length];
            scores[row] = 1.0;
            return NabSweeper.ScoreAt(NabSweeper.Sweep(Rows, scores, early, Standard), Standard, 0.5);
        }
        Assert.Equal(ScaledSigmoid.Of(-0.6) / ScaledSigmoid.MaxTruePositive, At(3), 12);
        Assert.Equal(-1.0, At(2), 12); // in probation: ignored, the window counts as missed
    }
}
