using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Tests.Metrics;

/// <summary>
/// The server's default detector on the ordinary series a fleet is made of: trending gauges and new series must not
/// page (docs/metric-detection.md, "The lightweight detector with the member"; decision 015).
/// </summary>
public sealed class LightweightDetectorTests
{
    private static readonly DateTime Start = new(2026, 1, 1, 0, 7, 0, DateTimeKind.Utc);

    /// <summary>The statistical detector's own threshold: its novelty score alone is on another scale.</summary>
    private const double StatisticalThreshold = 0.07;

    /// <summary>The lightweight detector's threshold (decision 023), where the server reports it.</summary>
    private static readonly double Threshold = DetectorSettings.Lightweight.AlertThreshold;

    /// <summary>Flags at <paramref name="threshold"/>, by default the detector's own (the server's default for it).</summary>
    private static int Flags(DetectorSettings settings, Func<int, Random, double> value, int count, TimeSpan interval, double? threshold = null)
    {
        var limit = threshold ?? settings.AlertThreshold;
        var random = new Random(1);
        var detector = new MetricAnomalyDetector(settings);
        var flags = 0;
        for (var i = 0; i < count; i++)
        {
            flags += detector.Update(Start + (interval * i), value(i, random)).Score >= limit ? 1 : 0;
        }
        return flags;
    }

    [Fact]
    public void A_disk_filling_for_a_day_raises_nothing()
    {
        // 55 % to 80 % over a day in 30-second samples, the demo's log disk before its first rotation. With every move
        // between levels news, the member flagged it every 80 minutes or so (10 flags with its gate at 0.5, before
        // decision 024; 3 with the gate at one unit).
        double Filling(int i, Random random) => 55 + (25.0 * i / 2880) + (0.1 * random.NextGaussian());
        Assert.Equal(0, Flags(DetectorSettings.Lightweight, Filling, 2880, TimeSpan.FromSeconds(30)));
        Assert.True(Flags(DetectorSettings.Lightweight with { TransitionMinimumJump = 0 }, Filling, 2880, TimeSpan.FromSeconds(30)) >= 2);
        Assert.True(Flags(DetectorSettings.Lightweight with { TransitionMinimumJump = 0, TransitionGate = 0.5 }, Filling, 2880, TimeSpan.FromSeconds(30)) >= 5);
    }

    [Fact]
    public void A_wandering_gauge_raises_no_more_than_the_statistical_detector_did()
    {
        var walk = 100.0;
        double Walk(int i, Random random) => walk += random.NextGaussian();
        var flags = Flags(DetectorSettings.Lightweight, Walk, 20_000, TimeSpan.FromMinutes(5));
        walk = 100.0;
        var before = Flags(DetectorSettings.Statistical, Walk, 20_000, TimeSpan.FromMinutes(5), StatisticalThreshold);
        walk = 100.0;
        var everyMove = Flags(DetectorSettings.Lightweight with { TransitionMinimumJump = 0 }, Walk, 20_000, TimeSpan.FromMinutes(5));
        Assert.True(flags <= before, $"lightweight {flags}, statistical {before}");
        Assert.True(everyMove >= 10, $"with every move news {everyMove}");
    }

    [Fact]
    public void A_new_series_of_ordinary_noise_raises_nothing_until_its_spike()
    {
        // Uniform noise in 1-second samples: its 211th value (20.998) lies in a level the first 150 never reached, a
        // move never seen on a value 1.5σ from the level — a pattern the young-series rule covers. Since decision 024
        // the member's own gate (one unit of surprise) scales that move down below the threshold as well, so the
        // series is quiet without the rule too; with the gate at CAD's 0.5, as before, only the rule keeps it quiet.
        var random = new Random(11);
        var detector = new MetricAnomalyDetector(DetectorSettings.Lightweight);
        var unquieted = new MetricAnomalyDetector(DetectorSettings.Lightweight with { YoungSeriesQuietsPatterns = false, TransitionGate = 0.5 });
        var flags = 0;
        var unquietedFlags = 0;
        for (var i = 0; i < 300; i++)
        {
            var value = 20 + random.NextDouble();
            flags += detector.Update(Start.AddSeconds(i), value).Score >= Threshold ? 1 : 0;
            unquietedFlags += unquieted.Update(Start.AddSeconds(i), value).Score >= Threshold ? 1 : 0;
        }
        Assert.Equal(0, flags);
        Assert.True(unquietedFlags > 0);
        var spike = detector.Update(Start.AddSeconds(300), 95);
        Assert.True(spike.Score >= Threshold, $"spike score {spike.Score}");
        Assert.Equal(AnomalySignal.Spike, spike.Signal);
    }

    [Fact]
    public void A_series_saved_by_the_lightweight_detector_before_the_member_keeps_what_it_learned()
    {
        // The statistical detector is the lightweight one as it was: its state has no member. Loaded with today's
        // settings the member starts afresh, and the statistical parts carry on as saved: the same expected values
        // and bands as the statistical detector's own, point for point.
        var series = new SeriesBuilder(3000, TimeSpan.FromMinutes(5)).Level(20).Daily(5).Noise(2).Build();
        var before = new MetricAnomalyDetector(DetectorSettings.Statistical);
        for (var i = 0; i < 2000; i++)
        {
            before.Update(series.Timestamps[i], series.Values[i]);
        }
        var upgraded = MetricAnomalyDetector.ImportState(before.ExportState(), DetectorSettings.Lightweight);
        Assert.Equal(before.Samples, upgraded.Samples);
        Assert.Equal(before.SeasonalPeriod, upgraded.SeasonalPeriod);
        for (var i = 2000; i < series.Count; i++)
        {
            var (old, now) = (before.Update(series.Timestamps[i], series.Values[i]), upgraded.Update(series.Timestamps[i], series.Values[i]));
            Assert.Equal((old.Expected, old.Lower, old.Upper), (now.Expected, now.Lower, now.Upper));
        }
        // And a state with the member does not load as the statistical detector's (another kind of series).
        Assert.Throws<FormatException>(() => MetricAnomalyDetector.ImportState(upgraded.ExportState(), DetectorSettings.Statistical));
    }

    [Fact]
    public void A_series_saved_before_the_seasonal_shift_and_the_nearest_window_carries_on_and_they_start_silent()
    {
        // Decision 020: the lightweight detector as it was has neither. Loaded with today's settings, the shift learns
        // from zero (silent for its first day of pairs) and the nearest window starts afresh (silent for 300 samples),
        // so for the next day the upgraded series scores exactly as the saved one would have.
        var before = DetectorSettings.Lightweight with { SeasonalShiftUnit = 0, NearestWindowHistory = 0 };
        var series = new SeriesBuilder(3000, TimeSpan.FromMinutes(5)).Level(20).Daily(5).Noise(2).Build();
        var saved = new MetricAnomalyDetector(before);
        for (var i = 0; i < 2000; i++)
        {
            saved.Update(series.Timestamps[i], series.Values[i]);
        }
        var upgraded = MetricAnomalyDetector.ImportState(saved.ExportState(), DetectorSettings.Lightweight);
        for (var i = 2000; i < 2000 + 288; i++)
        {
            Assert.Equal(saved.Update(series.Timestamps[i], series.Values[i]), upgraded.Update(series.Timestamps[i], series.Values[i]));
        }
        // Its state now holds the nearest window, so it does not load as the detector before.
        Assert.Throws<FormatException>(() => MetricAnomalyDetector.ImportState(upgraded.ExportState(), before));
    }
}
