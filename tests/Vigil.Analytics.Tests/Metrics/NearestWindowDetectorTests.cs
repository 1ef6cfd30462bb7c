using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Tests.Metrics;

public sealed class NearestWindowDetectorTests
{
    private static double Wave(int i, Random random) => 50 + (10 * Math.Sin(2 * Math.PI * i / 48)) + random.NextDouble();

    [Fact]
    public void A_shape_the_series_never_had_breaks_the_record_while_the_usual_one_does_not()
    {
        var random = new Random(3);
        var detector = new NearestWindowDetector(1000);
        var usual = new List<double>();
        for (var i = 0; i < 3000; i++)
        {
            usual.Add(detector.Score(Wave(i, random)));
        }
        // The same range, another shape: the wave flattened to its extremes (a square wave) for two of its periods.
        var changed = new List<double>();
        for (var i = 3000; i < 3096; i++)
        {
            changed.Add(detector.Score(Wave(i, random) >= 50 ? 60 : 40));
        }

        Assert.All(usual.Take(300), s => Assert.Equal(0, s)); // warming up
        // A record among noisy distances is broken now and then (about ln(3000 / 1000) ≈ 1 more time in the last 2,000
        // samples), by a hair; the new shape breaks it by far.
        var usualRecords = usual.Skip(1000).Where(s => s >= 0.5).ToList();
        Assert.True(usualRecords.Count <= 2 && usualRecords.All(s => s < 0.6), $"usual stretch: {string.Join(", ", usualRecords)}");
        Assert.True(changed.Max() >= 0.9, $"the new shape scored at most {changed.Max():0.00}");
    }

    [Fact]
    public void A_series_that_repeats_exactly_never_speaks()
    {
        // Whole periods repeat to rounding (~1e-14 of the range); a ratio of two such distances is noise.
        var detector = new NearestWindowDetector(1000);
        for (var i = 0; i < 5000; i++)
        {
            Assert.Equal(0, detector.Score(Math.Sin(2 * Math.PI * i / 50)));
        }
        var flat = new NearestWindowDetector(1000);
        for (var i = 0; i < 2000; i++)
        {
            Assert.Equal(0, flat.Score(42));
        }
    }

    [Fact]
    public void Distances_carried_along_the_series_score_as_distances_computed_by_definition()
    {
        // The O(1) update of each lag against the brute force (every earlier window, every value): same scores, on a
        // series with bursts (large squares added and later taken away) through two of the periodic recomputations.
        const int history = 200;
        var random = new Random(5);
        var values = Enumerable.Range(0, 2500).Select(i => Wave(i, random) * (i % 700 < 5 ? 30 : 1)).ToArray();
        var detector = new NearestWindowDetector(history);
        var record = 0.0;
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        const int m = NearestWindowDetector.Window;
        for (var t = 0; t < values.Length; t++)
        {
            var score = detector.Score(values[t]);
            (low, high) = (Math.Min(low, values[t]), Math.Max(high, values[t]));
            if (t + 1 <= 300)
            {
                continue;
            }
            var nearest = double.PositiveInfinity;
            for (var lag = m; lag < m + history && t - lag - m + 1 >= 0; lag++)
            {
                nearest = Math.Min(nearest, Enumerable.Range(0, m).Sum(k => Math.Pow(values[t - k] - values[t - k - lag], 2)));
            }
            var distance = Math.Sqrt(nearest) / (high - low);
            var expected = t + 1 > 300 + m && record > 0
                ? (distance / record <= 1 ? 0.5 * Math.Pow(distance / record, 8) : Math.Min(1, 0.5 + (distance / record) - 1))
                : 0;
            Assert.True(Math.Abs(expected - score) < 1e-6, $"sample {t}: {score} against {expected}");
            record = Math.Max(record, distance);
        }
    }

    [Fact]
    public void A_wild_stretch_long_ago_stops_muting_it()
    {
        // The record is the largest distance of the last ~20,000 samples, not of all time: with an all-time record, the
        // square wave at 2,000 (five times the usual amplitude) kept the same shape at the usual amplitude, 24,000
        // samples later, at a score of 0 (0.81 now).
        var random = new Random(7);
        var detector = new NearestWindowDetector(1000);
        for (var i = 0; i < 26_000; i++)
        {
            var wild = i is >= 2000 and < 2096;
            detector.Score(wild ? (Wave(i, random) >= 50 ? 100 : 0) : Wave(i, random));
        }
        var scores = Enumerable.Range(26_000, 96).Select(i => detector.Score(Wave(i, random) >= 50 ? 60 : 40)).ToList();
        Assert.True(scores.Max() >= 0.75, $"the square wave scored at most {scores.Max():0.00}");
    }
}
