using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Tests.Metrics;

/// <summary>A series stuck at one value (a hung exporter, a frozen sensor) is a <see cref="AnomalySignal.Flatline"/>.</summary>
public sealed class FlatlineTests
{
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    public static TheoryData<string> ServerDetectors => ["lightweight", "balanced", "contextual"];

    private static MetricSeries Series(int count, Func<int, double> value) =>
        new([.. Enumerable.Range(0, count).Select(i => SeriesBuilder.Start + (FiveMinutes * i))], [.. Enumerable.Range(0, count).Select(value)]);

    /// <summary>Uniform noise around 50, then the source hangs and repeats 50.1 — its own mean, so no value is unusual.</summary>
    private static MetricSeries Freezing(int freezeAt, Func<int, double>? before = null)
    {
        var random = new Random(3);
        return Series(freezeAt + 2000, i => i < freezeAt ? before?.Invoke(i) ?? (50 + (3 * (random.NextDouble() - 0.5))) : 50.1);
    }

    /// <summary>A lightweight detector that learned the first <paramref name="samples"/> samples of <paramref name="series"/>.</summary>
    private static MetricAnomalyDetector Learned(MetricSeries series, int samples)
    {
        var detector = new MetricAnomalyDetector(DetectorSettings.Lightweight);
        for (var i = 0; i < samples; i++)
        {
            detector.Update(series.Timestamps[i], series.Values[i]);
        }
        return detector;
    }

    private static List<(int Index, AnomalyScore Score)> Alerts(MetricSeries series, DetectorSettings settings) =>
        [.. SeriesScoring.Score(series, settings).Select((s, i) => (i, s)).Where(p => p.s.Score >= settings.AlertThreshold)];

    [Theory]
    [MemberData(nameof(ServerDetectors))]
    public void A_noisy_series_that_freezes_at_its_mean_alerts_once_as_a_flatline(string kind)
    {
        var settings = DetectorKinds.Settings(kind);
        var alerts = Alerts(Freezing(4000), settings);
        // Its runs were one sample long, so the run needs the minimum of 30 samples: the 30th frozen value alerts.
        var flatline = Assert.Single(alerts, a => a.Score.Signal == AnomalySignal.Flatline);
        Assert.Equal((4029, 30.0, 1.0), (flatline.Index, flatline.Score.Strength, flatline.Score.Score));

        // Without the member the lightweight detector says nothing of it in 2,000 frozen samples.
        if (kind == "lightweight")
        {
            Assert.DoesNotContain(Alerts(Freezing(4000), settings with { FlatlineRunFactor = 0 }), a => a.Index >= 4000);
        }
    }

    [Theory]
    [MemberData(nameof(ServerDetectors))]
    public void A_freeze_right_after_an_alert_is_reported_when_the_suppression_ends(string kind)
    {
        // A spike, then the source hangs on its next value: the run reaches 30 inside the spike's suppression (100
        // samples), and stays news until it can be reported.
        var random = new Random(3);
        var series = Series(6000, i => i < 4000 ? 50 + (3 * (random.NextDouble() - 0.5)) : i == 4000 ? 500 : 50.1);
        var alerts = Alerts(series, DetectorKinds.Settings(kind)).Where(a => a.Index >= 4000).ToList();
        Assert.Equal([(4000, AnomalySignal.Spike), (4101, AnomalySignal.Flatline)], alerts.Select(a => (a.Index, a.Score.Signal)));
    }

    [Fact]
    public void A_run_must_be_three_times_the_longest_before_it()
    {
        // Noise that once held 50.3 for 20 samples, then freezes at 4,000: 60 samples are three times that run.
        static MetricSeries Held(int samples)
        {
            var random = new Random(3);
            return Series(4300, i => i is >= 1000 and < 1020 ? 50.3
                : i >= 4000 && i < 4000 + samples ? 50.1
                : 50 + (3 * (random.NextDouble() - 0.5)));
        }
        var settings = DetectorSettings.Lightweight;
        Assert.DoesNotContain(Alerts(Held(59), settings), a => a.Score.Signal == AnomalySignal.Flatline);
        var flatline = Assert.Single(Alerts(Held(60), settings), a => a.Score.Signal == AnomalySignal.Flatline);
        Assert.Equal((4000 + 59, 60.0), (flatline.Index, flatline.Score.Strength));
    }

    [Theory]
    [MemberData(nameof(ServerDetectors))]
    public void A_constant_series_and_a_rate_that_drops_to_zero_never_flatline(string kind)
    {
        var settings = DetectorKinds.Settings(kind);
        // Never varied: no run before the current one to compare with.
        Assert.DoesNotContain(Alerts(Series(5000, _ => 42), settings), a => a.Score.Signal == AnomalySignal.Flatline);
        // Requests per second that stop: a run of zeros is nothing to count, not a stuck source.
        var random = new Random(3);
        Assert.DoesNotContain(Alerts(Series(6000, i => i < 4000 ? 5 + random.NextDouble() : 0), settings), a => a.Score.Signal == AnomalySignal.Flatline);
        // The same rate stuck at 2 is reported.
        random = new Random(3);
        Assert.Contains(Alerts(Series(6000, i => i < 4000 ? 5 + random.NextDouble() : 2), settings), a => a.Score.Signal == AnomalySignal.Flatline);
    }

    [Theory]
    [MemberData(nameof(ServerDetectors))]
    public void A_gauge_that_steps_now_and_then_is_not_stuck_when_it_holds_a_step(string kind)
    {
        var settings = DetectorKinds.Settings(kind);
        // Replicas: 3 for the warm-up and a little more, 4 for a burst, then 3 for days.
        Assert.DoesNotContain(Alerts(Series(5000, i => i is >= 200 and < 250 ? 4 : 3), settings), a => a.Score.Signal == AnomalySignal.Flatline);
        // up: 1, a one-sample flap to 0, then 1 again for much longer than before the flap.
        Assert.DoesNotContain(Alerts(Series(5000, i => i == 400 ? 0 : 1), settings), a => a.Score.Signal == AnomalySignal.Flatline);
    }

    [Fact]
    public void A_series_that_keeps_stalling_needs_ever_longer_runs()
    {
        // A gauge that sticks for 40 samples every 200: the first stall of 40 is news (the runs before were single
        // samples); after it, a stall must last 120, so the same stalls never alert again.
        var random = new Random(5);
        var series = Series(20_000, i => i % 200 < 160 ? 50 + (3 * (random.NextDouble() - 0.5)) : 50.25);
        var flatlines = Alerts(series, DetectorSettings.Lightweight).Where(a => a.Score.Signal == AnomalySignal.Flatline).ToList();
        Assert.Equal([189], flatlines.Select(a => a.Index));
    }

    [Fact]
    public void A_run_in_progress_survives_a_restart()
    {
        var series = Freezing(4000);
        var original = Learned(series, 4015);
        var restored = MetricAnomalyDetector.ImportState(original.ExportState(), DetectorSettings.Lightweight);
        for (var i = 4015; i < series.Count; i++)
        {
            Assert.Equal(original.Update(series.Timestamps[i], series.Values[i]), restored.Update(series.Timestamps[i], series.Values[i]));
        }
    }

    [Fact]
    public void A_version_11_state_starts_the_member_afresh()
    {
        // Version 11 was version 12 without the member: its first run ends at the series' next change, so a source that
        // was already frozen when the server restarted is reported from the run that follows.
        var series = Freezing(4000);
        var original = Learned(series, 3000);
        var fields = MetricAnomalyDetectorTests.FieldsOf(original.ExportState())[..^MetricAnomalyDetectorTests.FlatlineBytes];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(fields, 11);
        var restored = MetricAnomalyDetector.ImportState(MetricAnomalyDetectorTests.WithChecksum(fields), DetectorSettings.Lightweight);
        var flatlines = new List<int>();
        for (var i = 3000; i < series.Count; i++)
        {
            var score = restored.Update(series.Timestamps[i], series.Values[i]);
            if (score.Signal == AnomalySignal.Flatline && score.Score >= DetectorSettings.Lightweight.AlertThreshold)
            {
                flatlines.Add(i);
            }
        }
        Assert.Equal([4029], flatlines);
        Assert.Throws<FormatException>(() => MetricAnomalyDetector.ImportState(restored.ExportState(), DetectorSettings.Lightweight with { FlatlineRunFactor = 0 }));
    }

    [Fact]
    public void A_damaged_run_is_refused()
    {
        var fields = MetricAnomalyDetectorTests.FieldsOf(new MetricAnomalyDetector(DetectorSettings.Lightweight).ExportState());
        BitConverter.GetBytes(-5L).CopyTo(fields, fields.Length - 8 - 8 - 1 - 8 - 8); // the run
        Assert.Throws<FormatException>(() => MetricAnomalyDetector.ImportState(MetricAnomalyDetectorTests.WithChecksum(fields), DetectorSettings.Lightweight));
    }
}
