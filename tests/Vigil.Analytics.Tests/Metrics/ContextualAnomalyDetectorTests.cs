using Vigil.Analytics.Metrics;
using Vigil.Analytics.Metrics.Cad;
using Vigil.Analytics.Nab;
using Xunit.Abstractions;

namespace Vigil.Analytics.Tests.Metrics;

/// <summary>The CAD OSE port on inputs small enough to follow by hand, and against NAB's published output.</summary>
public sealed class ContextualAnomalyDetectorTests(ITestOutputHelper output)
{
    [Fact]
    public void Tuple_hash_is_cpython_2_on_64_bits()
    {
        Assert.Equal(3527539L, PythonHash.OfTuple([]));
        Assert.Equal(3430019387558L, PythonHash.OfTuple([1]));
        Assert.Equal(3713081631934410656L, PythonHash.OfTuple([1, 2]));
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.99, 0)]
    [InlineData(1.0, 1)]
    [InlineData(6.5, 6)]
    [InlineData(7.0, 7)]
    public void Values_are_cut_into_eight_buckets_of_the_range(double value, int bucket)
    {
        Assert.Equal(bucket, new ContextualAnomalyDetector(0, 7, restPeriod: 1).Bucket(value));
    }

    /// <summary>
    /// Step 1: nothing known, nothing predicted: (1 − 0 + 0)/2 = 0.5, but CAD starts inside its rest period (its score
    /// history starts at 1.0), so 0. Step 2: the first context (0 → 0) is new: (1 − 0 + 1/1)/2 = 1. Steps 3–4: the
    /// context predicts 0 correctly: 0. Step 5: 7 was not predicted and its context is the only new one: 1.
    /// </summary>
    [Fact]
    public void A_repeated_value_is_learned_in_one_step_and_a_new_one_scores_one()
    {
        var cad = new ContextualAnomalyDetector(0, 7, restPeriod: 1);
        double[] scores = [cad.Score(0), cad.Score(0), cad.Score(0), cad.Score(0), cad.Score(7)];
        Assert.Equal([0.0, 1.0, 0.0, 0.0, 1.0], scores);
        Assert.Equal(2, cad.ContextCount);
    }

    [Fact]
    public void After_a_high_score_the_detector_rests()
    {
        var cad = new ContextualAnomalyDetector(0, 7, restPeriod: 3);
        var scores = new[] { 0.0, 0, 0, 0, 0, 7, 0, 7, 3 }.Select(cad.Score).ToArray();
        // Step 2 (a new context, raw score 1) starts a rest of 3 steps: steps 3–5 report 0 whatever happens; step 6
        // (an unseen 7) scores 1 and starts another rest, so steps 7 and 8 report 0 although both are new contexts.
        Assert.All(scores[..5], s => Assert.Equal(0.0, s));
        Assert.Equal(1.0, scores[5]);
        Assert.Equal(0.0, scores[6]);
        Assert.Equal(0.0, scores[7]);
    }

    /// <summary>NAB's published contextOSE results for art_daily_jumpsup.csv (results/contextOSE/…), row for row.</summary>
    [Fact]
    public void Scores_match_the_published_nab_results()
    {
        if (NabData.RootOrSkip(output) is not { } root)
        {
            return; // the hand-checked cases above still run
        }
        var series = SeriesCsv.Read(Path.Combine(root, "data", "artificialWithAnomaly", "art_daily_jumpsup.csv"));
        var scores = NabDetectors.CadWithNabInputs(series);
        double At(string time) => scores[Array.IndexOf(series.Timestamps, DateTime.Parse(time, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(0.491168478261, At("2014-04-02 09:00:00"), 12);
        Assert.Equal(0.441287878788, At("2014-04-02 09:05:00"), 12);
        Assert.Equal(0.212264150943, At("2014-04-08 00:00:00"), 12);
        Assert.Equal(0.0867346938776, At("2014-04-08 09:05:00"), 12);
        Assert.Equal(0.253019323671, At("2014-04-08 15:40:00"), 12);
        Assert.Equal(0.516092603049, At("2014-04-08 18:00:00"), 12);
    }

    /// <summary>
    /// CAD starts with the statistical parts' warm-up (150 values) on the range of those values widened by half its
    /// span (0 … 10 → −5 … 15), and refits it once when 600 values are in (0 … 14 → −7 … 21) even though no value left
    /// the provisional range.
    /// </summary>
    [Fact]
    public void The_contextual_detector_starts_after_the_warm_up_and_refits_its_range_at_the_range_samples()
    {
        var online = new OnlineContextDetector(DetectorSettings.Default);
        double ValueAt(int i) => i < 150 ? i % 11 : i % 15;
        for (var i = 0; i < 149; i++)
        {
            online.Score(ValueAt(i));
        }
        Assert.False(online.Ready);
        online.Score(ValueAt(149));
        Assert.True(online.Ready);
        Assert.Equal((-5.0, 15.0), online.Range);
        for (var i = 150; i < 599; i++)
        {
            online.Score(ValueAt(i));
        }
        Assert.Equal((-5.0, 15.0), online.Range);
        online.Score(ValueAt(599));
        Assert.Equal((-7.0, 21.0), online.Range);
    }

    /// <summary>
    /// Random buckets keep bringing new contexts, so raw scores are high again and again. CAD OSE restarts its rest at
    /// each of them, reported or not, and stays silent after its first report; restarting it only at a reported high
    /// reports again once the rest is over, never sooner.
    /// </summary>
    [Fact]
    public void The_rest_period_can_restart_only_at_a_reported_high()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 300).Select(_ => (double)random.Next(8)).ToArray();
        List<int> Reported(ContextualAnomalyDetector cad) =>
            [.. values.Select((v, i) => (Score: cad.Score(v), i)).Where(p => p.Score >= 0.75).Select(p => p.i)];

        var ose = Reported(new ContextualAnomalyDetector(0, 7, restPeriod: 10));
        var afterReported = Reported(new ContextualAnomalyDetector(0, 7, restPeriod: 10, restAfterReportedHigh: true));

        Assert.True(afterReported.Count > ose.Count + 2, $"CAD OSE {ose.Count}, rest after reported highs {afterReported.Count}");
        Assert.All(afterReported.Zip(afterReported.Skip(1)), pair => Assert.True(pair.Second - pair.First > 10));
    }

    /// <summary>A wandering level makes the replay after a rebuild score high now and then (CAD re-learns it from
    /// nothing); that must not put the rebuilt CAD in its rest period when it scores the value that left the range.</summary>
    [Fact]
    public void A_value_that_leaves_the_range_is_scored_after_the_rebuild_it_causes()
    {
        var scores = new List<double>();
        for (var seed = 1; seed <= 20; seed++)
        {
            var online = new OnlineContextDetector(DetectorSettings.Default);
            var random = new Random(seed);
            var level = 5.0;
            for (var i = 0; i < 800; i++)
            {
                level = Math.Clamp(level + random.NextDouble() - 0.5, 0, 10);
                online.Score(level);
            }
            scores.Add(online.Score(online.Range.High + 3));
        }
        Assert.True(scores.All(s => s > 0.5), string.Join(" ", scores));
    }

    [Fact]
    public void Contextual_state_round_trips_bit_for_bit_across_the_range_refit()
    {
        var series = new SeriesBuilder(1200, TimeSpan.FromMinutes(5)).Level(10).Noise(3).Build();
        var original = new MetricAnomalyDetector();
        for (var i = 0; i < 400; i++)
        {
            original.Update(series.Timestamps[i], series.Values[i]);
        }
        var restored = MetricAnomalyDetector.ImportState(original.ExportState());
        for (var i = 400; i < series.Count; i++)
        {
            Assert.Equal(original.Update(series.Timestamps[i], series.Values[i]), restored.Update(series.Timestamps[i], series.Values[i]));
        }
        Assert.Equal(original.ExportState(), restored.ExportState());
    }

    [Fact]
    public void Contextual_state_round_trips_bit_for_bit_through_a_rebuild()
    {
        // Noise makes many contexts, so a small memory limit forces rebuilds before and after the export.
        var settings = new DetectorSettings { ContextualMaxContexts = 600, ContextualRangeSamples = 200 };
        var series = new SeriesBuilder(3000, TimeSpan.FromMinutes(5)).Level(10).Noise(3).ShiftFrom(2500, 30).Build();
        var original = new MetricAnomalyDetector(settings);
        for (var i = 0; i < 1200; i++)
        {
            original.Update(series.Timestamps[i], series.Values[i]);
        }
        var restored = MetricAnomalyDetector.ImportState(original.ExportState(), settings);
        for (var i = 1200; i < series.Count; i++)
        {
            Assert.Equal(original.Update(series.Timestamps[i], series.Values[i]), restored.Update(series.Timestamps[i], series.Values[i]));
        }
        Assert.Equal(original.ExportState(), restored.ExportState());
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(-1e9)] // below the low end: an inverted range
    public void A_restored_range_that_is_not_finite_or_inverted_is_a_format_error(double damagedHigh)
    {
        var online = new OnlineContextDetector(DetectorSettings.Default);
        for (var i = 0; i < 200; i++)
        {
            online.Score(i % 11);
        }
        var writer = new StateWriter(1024);
        online.Write(ref writer);
        var state = writer.Written.ToArray();
        // The range is written as two little-endian doubles, low then high.
        var range = BitConverter.GetBytes(online.Range.Low).Concat(BitConverter.GetBytes(online.Range.High)).ToArray();
        var at = state.AsSpan().IndexOf(range);
        Assert.True(at >= 0, "the range is in the state");
        BitConverter.GetBytes(damagedHigh).CopyTo(state, at + 8);

        var error = Assert.Throws<FormatException>(() =>
        {
            var reader = new StateReader(state);
            OnlineContextDetector.Read(ref reader, DetectorSettings.Default);
        });
        Assert.Contains("range", error.Message);
    }

    [Theory]
    [InlineData(-1L, "out of range")]
    [InlineData(1L << 32, "out of range")] // would wrap to 0 if read as a uint unchecked
    [InlineData(65540L, "out of order")] // above the next fact (the value's second bit: 65538 or 65539)
    public void A_restored_fact_out_of_range_or_order_is_a_format_error(long damagedFact, string expected)
    {
        var cad = new ContextualAnomalyDetector(0, 10);
        for (var i = 0; i < 50; i++)
        {
            cad.Score(i % 7);
        }
        var writer = new StateWriter(1024);
        cad.Write(ref writer);
        var state = writer.Written.ToArray();
        // The state starts with the latest left facts: their count, then each as a little-endian long.
        Assert.Equal(ValueFacts.First, BitConverter.ToInt64(state, 4) & ~1L);
        BitConverter.GetBytes(damagedFact).CopyTo(state, 4);

        var error = Assert.Throws<FormatException>(() =>
        {
            var reader = new StateReader(state);
            new ContextualAnomalyDetector(0, 10).Read(ref reader);
        });
        Assert.Contains(expected, error.Message);
    }
}
