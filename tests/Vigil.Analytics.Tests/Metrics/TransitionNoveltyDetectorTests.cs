using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Tests.Metrics;

public class TransitionNoveltyDetectorTests
{
    // Start 150, range of the first 600 values widened by half its span on each side, rest 100 (CAD's settings).
    private static readonly DetectorSettings Settings = DetectorSettings.Balanced;

    /// <summary>0, 1, 2, 1, 0, 1, 2, 1, …: levels 2, 4, 6, 4 of the range [-1, 3] (8 levels of 0.5 each), so the
    /// moves seen are 2→4, 4→6, 6→4 and 4→2.</summary>
    private static readonly double[] Wave = [0, 1, 2, 1];

    private static TransitionNoveltyDetector Learned(int samples, out List<double> scores)
    {
        var detector = new TransitionNoveltyDetector(Settings);
        scores = [];
        for (var i = 0; i < samples; i++)
        {
            scores.Add(detector.Score(Wave[i % Wave.Length]));
        }
        return detector;
    }

    [Fact]
    public void A_familiar_sequence_scores_nothing_and_knows_only_its_own_moves()
    {
        var detector = Learned(2000, out var scores);
        Assert.All(scores, s => Assert.Equal(0, s));
        Assert.Equal(4, detector.MovesSeen);
    }

    [Fact]
    public void A_move_never_seen_scores_one_even_between_familiar_values()
    {
        // Ends on 2 (level 6): the move 6→2 (2 straight down to 0) never happened, though both values are everyday.
        var detector = Learned(1003, out _);
        Assert.Equal(1.0, detector.Score(0));
        // Learned now: the same move later is familiar (after the rest).
        for (var i = 0; i < Settings.ContextualRestPeriod; i++)
        {
            detector.Score(Wave[(1004 + i) % Wave.Length]);
        }
        Assert.Equal(0.0, detector.Score(2));
        Assert.Equal(0.0, detector.Score(0));
    }

    [Fact]
    public void After_a_score_it_rests_until_the_rest_period_is_over_then_scores_again()
    {
        var detector = Learned(1003, out _);
        Assert.Equal(1.0, detector.Score(0)); // 2 → 0: new; starts the rest
        var during = new List<double>();
        for (var i = 0; i < Settings.ContextualRestPeriod; i++)
        {
            // 0 → 2 and 2 → 0 alternately: 0 → 2 is new the first time, but the detector rests.
            during.Add(detector.Score(i % 2 == 0 ? 2 : 0));
        }
        Assert.All(during, s => Assert.Equal(0, s));
        // The rest is over. What came during it was learned, so 0 → 2 is familiar now; 2 → 1.5 (level 6 → 5) is new.
        Assert.Equal(0.0, detector.Score(2));
        Assert.Equal(1.0, detector.Score(1.5));
    }

    [Fact]
    public void A_value_outside_the_range_is_scored_even_during_a_rest()
    {
        var detector = Learned(1003, out _);
        Assert.Equal(1.0, detector.Score(0)); // starts the rest
        // Far above the range [-1, 3]: rebuilt on the recent values and this one (where 0, 1, 2 share one level), the
        // detector has never seen the move up to this value's level, and scores it despite the rest.
        Assert.Equal(1.0, detector.Score(50));
    }

    [Fact]
    public void Nothing_is_scored_during_the_warm_up()
    {
        var detector = new TransitionNoveltyDetector(Settings);
        var random = new Random(1);
        for (var i = 0; i < Settings.ContextualStartSamples - 1; i++)
        {
            Assert.Equal(0.0, detector.Score(random.NextDouble() * 100));
        }
    }

    [Fact]
    public void The_member_takes_part_whenever_it_is_on_even_without_the_pattern_detectors()
    {
        // The statistical ensemble with the member on, the lightweight detector (before, a detector without CAD and ARTime
        // returned the novelty score and never asked the member). The wave with a little noise; then 2 straight down to 0, a move it
        // never made, which the statistical parts find ordinary (the wave moves that far every two samples).
        var withMember = new MetricAnomalyDetector(DetectorSettings.Lightweight);
        var without = new MetricAnomalyDetector(DetectorSettings.Statistical);
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var random = new Random(1);
        for (var i = 0; i < 2003; i++) // past the young-series rule's 1,500 samples; ends on 2
        {
            var value = Wave[i % Wave.Length] + ((random.NextDouble() - 0.5) * 0.6);
            withMember.Update(start.AddMinutes(5 * i), value);
            without.Update(start.AddMinutes(5 * i), value);
        }
        var at = start.AddMinutes(5 * 2003);
        var (scoreWith, scoreWithout) = (withMember.Update(at, 0).Score, without.Update(at, 0).Score);
        Assert.True(scoreWith > scoreWithout + 0.3, $"with the member {scoreWith}, without {scoreWithout}");
    }
}
