using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Tests.Metrics;

public sealed class MetricAnomalyDetectorTests
{
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    /// <summary>The statistical detector's NAB threshold (the server's for the lightweight detector until the transition
    /// novelty joined it: its novelty score alone is on another scale).</summary>
    private const double StatisticalThreshold = 0.07;

    [Fact]
    public void A_spike_in_noisy_data_is_the_highest_score_and_names_the_spike_detector()
    {
        var series = new SeriesBuilder(2000, FiveMinutes).Level(50).Noise(4).Set(1500, 90).Build();
        var scores = SeriesScoring.Score(series);
        var top = Array.IndexOf(scores, scores.MaxBy(s => s.Score));
        Assert.Equal(1500, top);
        Assert.Equal(AnomalySignal.Spike, scores[1500].Signal);
        Assert.True(scores[1500].Strength > 10);
        Assert.InRange(scores[1500].Expected, 45, 55);
    }

    [Fact]
    public void A_young_series_does_not_flag_ordinary_noise_but_still_flags_a_real_spike()
    {
        // Gaussian noise (heavier tails than the builder's uniform noise): the demo's settlement queue, 30 s samples.
        var random = new Random(5);
        double[] values = [.. Enumerable.Range(0, 1400).Select(_ => 1200 + (60 * random.NextGaussian()))];
        for (var i = 75; i < 115; i++)
        {
            values[i] += 3600; // a backlog during warm-up, as in the demo: it inflates the scales, which then settle
        }
        values[1000] = 4800;
        var series = new MetricSeries([.. Enumerable.Range(0, values.Length).Select(i => SeriesBuilder.Start + (FiveMinutes * i))], values);
        var quiet = SeriesScoring.Score(series, DetectorSettings.Statistical);
        var noisy = SeriesScoring.Score(series, DetectorSettings.Statistical with { YoungSeriesSamples = 0 });

        bool InBandFlag(AnomalyScore s, int i, double threshold) => s.Score >= threshold && series.Values[i] >= s.Lower && series.Values[i] <= s.Upper;
        // Without the rule the young record is broken by noise inside ±3σ; with it, never — and the spike still scores.
        Assert.Contains(noisy.Select((s, i) => (s, i)), p => p.i != 1000 && InBandFlag(p.s, p.i, StatisticalThreshold));
        Assert.DoesNotContain(quiet.Select((s, i) => (s, i)), p => InBandFlag(p.s, p.i, StatisticalThreshold));
        Assert.True(quiet[1000].Score >= StatisticalThreshold, $"spike score {quiet[1000].Score}");
        Assert.Equal(AnomalySignal.Spike, quiet[1000].Signal);

        // The detectors with a pattern member and the likelihood flag no value inside its band at their threshold either:
        // lightweight through the same rule (its novelty score is the statistical one's, calibrated), balanced without it.
        foreach (var settings in new[] { DetectorSettings.Lightweight, DetectorSettings.Balanced })
        {
            var scores = SeriesScoring.Score(series, settings);
            Assert.DoesNotContain(scores.Select((s, i) => (s, i)), p => InBandFlag(p.s, p.i, settings.AlertThreshold));
            Assert.True(scores[1000].Score >= settings.AlertThreshold, $"spike score {scores[1000].Score}");
        }
    }

    [Fact]
    public void A_level_shift_is_flagged_at_its_start_and_not_for_every_sample_after()
    {
        var series = new SeriesBuilder(3000, FiveMinutes).Level(10).Noise(1).ShiftFrom(2000, 8).Build();
        var scores = SeriesScoring.AnomalyScores(series);
        Assert.True(scores.Skip(2000).Take(5).Max() >= SeriesScoring.DefaultAlertThreshold);
        Assert.True(scores.Skip(2050).Count(s => s >= SeriesScoring.DefaultAlertThreshold) <= 2);
    }

    [Fact]
    public void Scores_use_only_earlier_points()
    {
        var series = new SeriesBuilder(1200, FiveMinutes).Level(5).Daily(2).Noise(1).Build();
        var full = SeriesScoring.AnomalyScores(series);
        var prefix = SeriesScoring.AnomalyScores(new MetricSeries(series.Timestamps[..700], series.Values[..700]));
        Assert.Equal(prefix, full[..700]);
    }

    [Fact]
    public void Daily_seasonality_is_detected_from_the_sampling_interval()
    {
        var detector = new MetricAnomalyDetector();
        var series = new SeriesBuilder(288 * 3, FiveMinutes).Level(100).Daily(30).Noise(2).Build();
        for (var i = 0; i < series.Count; i++)
        {
            detector.Update(series.Timestamps[i], series.Values[i]);
        }
        Assert.Equal(288, detector.SeasonalPeriod);
    }

    private const int Day = 288;

    /// <summary>Twelve days of a daily cycle (±10 around 100, noise ±0.5); on the eleventh the peak and the trough do not
    /// come (the cycle is ±3): every value of that day is within the usual range and changes no faster than usual, only
    /// the run of them differs from yesterday (the busy hours that did not come).</summary>
    private static (MetricSeries Ordinary, MetricSeries QuietDay) DayUnlikeYesterday(double noise = 1, double flattening = 7)
    {
        var ordinary = new SeriesBuilder(Day * 12, FiveMinutes).Level(100).Daily(10).Noise(noise, seed: 7).Build();
        var flattened = (double[])ordinary.Values.Clone();
        for (var i = Day * 10; i < Day * 11; i++)
        {
            flattened[i] -= flattening * Math.Sin(2 * Math.PI * i / Day);
        }
        return (ordinary, new MetricSeries(ordinary.Timestamps, flattened));
    }

    [Theory]
    [InlineData("default")]
    [InlineData("balanced")]
    public void A_day_unlike_yesterday_alerts_as_a_seasonal_shift_and_an_ordinary_day_does_not(string kind)
    {
        var settings = DetectorKinds.Settings(kind);
        var (ordinary, quietDay) = DayUnlikeYesterday();
        var scores = SeriesScoring.Score(quietDay, settings);

        // An alert the member led: it scored (strength past its unit) and more than any other member. (Its strength, ~15,
        // scores 0.6 alone; the noisy-or with what the others see of that day takes it past the threshold.)
        var flagged = scores.Skip(Day * 10).Take(Day).Where(s => s.Score >= settings.AlertThreshold).ToList();
        Assert.Contains(flagged, s => s.Signal == AnomalySignal.SeasonalShift && s.Strength > settings.SeasonalShiftUnit);
        // On the ordinary days the member adds no alert: the same alerts as without it.
        var usual = SeriesScoring.Score(ordinary, settings);
        Assert.DoesNotContain(usual, s => s.Signal == AnomalySignal.SeasonalShift);
        int Alerts(IEnumerable<AnomalyScore> scores) => scores.Count(s => s.Score >= settings.AlertThreshold);
        Assert.Equal(Alerts(SeriesScoring.Score(ordinary, settings with { SeasonalShiftUnit = 0 })), Alerts(usual));
    }

    /// <summary>The lightweight detector has the seasonal shift too (decision 020): on a noisier day whose cycle all but
    /// vanishes, its statistics alone (each value's residual against yesterday) stay silent, and the shift alerts.</summary>
    [Fact]
    public void The_lightweight_detector_sees_a_day_unlike_yesterday_its_statistics_alone_miss()
    {
        var (ordinary, quietDay) = DayUnlikeYesterday(noise: 2, flattening: 8);
        var lightweight = DetectorSettings.Lightweight;
        int Alerts(IEnumerable<AnomalyScore> scores) => scores.Count(s => s.Score >= lightweight.AlertThreshold);

        var day = SeriesScoring.Score(quietDay, lightweight).Skip(Day * 10).Take(Day).ToList();
        Assert.Contains(day, s => s.Score >= lightweight.AlertThreshold && s.Signal == AnomalySignal.SeasonalShift);
        Assert.Equal(0, Alerts(SeriesScoring.Score(quietDay, lightweight with { SeasonalShiftUnit = 0 }).Skip(Day * 10).Take(Day)));
        var usual = SeriesScoring.Score(ordinary, lightweight);
        Assert.DoesNotContain(usual, s => s.Signal == AnomalySignal.SeasonalShift);
        Assert.Equal(Alerts(SeriesScoring.Score(ordinary, lightweight with { SeasonalShiftUnit = 0 })), Alerts(usual));
    }

    [Fact]
    public void A_series_flat_for_its_first_days_does_not_turn_every_later_wobble_into_a_seasonal_shift()
    {
        // A gauge stuck at 100 before launch, then a daily cycle with noise: the shift's spread learned from the flat days is 0.
        // Clipped against 0, it would stay 0 for good and every ordinary day would alert.
        var values = new SeriesBuilder(Day * 20, FiveMinutes).Level(100).Daily(10).Noise(8, seed: 3).Build().Values;
        Array.Fill(values, 100, 0, Day * 3); // three days: past the shift's first day of pairs, where its clip begins
        var series = new MetricSeries([.. Enumerable.Range(0, values.Length).Select(i => SeriesBuilder.Start + (FiveMinutes * i))], values);
        var shifts = SeriesScoring.Score(series).Skip(Day * 4).Count(s => s.Signal == AnomalySignal.SeasonalShift && s.Score >= SeriesScoring.DefaultAlertThreshold);
        Assert.True(shifts == 0, $"{shifts} seasonal-shift alerts on ordinary days");
    }

    [Theory]
    [InlineData("default")]
    [InlineData("balanced")]
    [InlineData("lightweight")]
    public void Weekends_of_a_weekly_series_are_a_seasonal_shift_at_most_once_not_every_week(string kind)
    {
        // Business traffic: a daily cycle on weekdays, 15 lower and flatter at weekends, five weeks from a Monday.
        var settings = DetectorKinds.Settings(kind);
        var random = new Random(11);
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var detector = new MetricAnomalyDetector(settings);
        var shiftAlerts = new List<DateTime>();
        for (var i = 0; i < Day * 35; i++)
        {
            var t = start + (FiveMinutes * i);
            var cycle = Math.Sin(2 * Math.PI * i / Day);
            var value = 100 + (t.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? -15 + (3 * cycle) : 20 * cycle) + (6 * (random.NextDouble() - 0.5));
            var score = detector.Update(t, value);
            if (score.Score >= settings.AlertThreshold && score.Signal == AnomalySignal.SeasonalShift)
            {
                shiftAlerts.Add(t);
            }
        }
        Assert.True(shiftAlerts.Count <= 1 && shiftAlerts.All(t => t < start.AddDays(7)), $"seasonal-shift alerts at {string.Join(", ", shiftAlerts)}");
    }

    [Fact]
    public void The_statistical_detector_neither_has_the_seasonal_shift_nor_learns_it()
    {
        var (_, quietDay) = DayUnlikeYesterday();
        var detector = new MetricAnomalyDetector(DetectorSettings.Statistical);
        for (var i = 0; i < quietDay.Count; i++)
        {
            Assert.NotEqual(AnomalySignal.SeasonalShift, detector.Update(quietDay.Timestamps[i], quietDay.Values[i]).Signal);
        }
        var state = FieldsOf(detector.ExportState());
        Assert.Equal(288, detector.SeasonalPeriod);
        // The shift's three numbers come just before the transition novelty's flag (off here, so nothing follows it),
        // then two flags (no long ARTime, no nearest window) and the two rates; they were never learned.
        var flag = state.Length - 16 - 1 - 1 - 1;
        Assert.Equal(0, state[flag]);
        Assert.All(state[(flag - 24)..flag], b => Assert.Equal(0, b));
    }

    [Fact]
    public void A_version_5_state_starts_the_seasonal_shift_afresh_silent_for_a_day_then_it_sees_the_day_unlike_yesterday()
    {
        var (_, quietDay) = DayUnlikeYesterday();
        // ARTime at one time scale, as in version 5 (the long scale, version 8, appends its state at the end).
        var oneScale = DetectorSettings.Default with { ArtLongSamples = 0, NearestWindowHistory = 0 };
        var original = new MetricAnomalyDetector(oneScale);
        var restoreAt = Day * 8;
        for (var i = 0; i < restoreAt; i++)
        {
            original.Update(quietDay.Timestamps[i], quietDay.Values[i]);
        }
        var state = FieldsOf(original.ExportState());
        var version5 = state.AsSpan(0, state.Length - 24 - 1 - 1 - 1 - 16 - FlatlineBytes).ToArray(); // version 5 ended before the shift's numbers (and the three flags, the two rates and the flatline member after them)
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(version5, 5);
        var restored = MetricAnomalyDetector.ImportState(version5, oneScale);
        var signals = new List<AnomalySignal>();
        for (var i = restoreAt; i < quietDay.Count; i++)
        {
            signals.Add(restored.Update(quietDay.Timestamps[i], quietDay.Values[i]).Signal);
        }
        Assert.DoesNotContain(AnomalySignal.SeasonalShift, signals.Take(Day));
        Assert.Contains(AnomalySignal.SeasonalShift, signals.Skip(Day * 2).Take(Day));
    }

    [Fact]
    public void A_version_6_balanced_state_loads_and_starts_the_sequence_novelty_afresh()
    {
        // Version 6 was version 7 without the transition novelty (a flag, false in a detector without the member).
        var series = new SeriesBuilder(1500, FiveMinutes).Level(20).Daily(5).Noise(2).Build();
        // The balanced detector of then: without the member, and with ARTime at one time scale (decision 022 added the
        // second; a state without it starts it afresh, silent for its probation of 750 values).
        var withoutMember = DetectorSettings.Balanced with { TransitionNovelty = false, ArtLongSamples = 0 };
        var original = new MetricAnomalyDetector(withoutMember);
        for (var i = 0; i < 1000; i++)
        {
            original.Update(series.Timestamps[i], series.Values[i]);
        }
        var exported = original.ExportState();
        var state = FieldsOf(exported);
        var version6 = state.AsSpan(0, state.Length - 3 - 16 - FlatlineBytes).ToArray(); // without the member's flag, the long ARTime's, the nearest window's, the two rates and the flatline member
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(version6, 6);
        var restored = MetricAnomalyDetector.ImportState(version6, DetectorSettings.Balanced);
        // The member learns its first values before it scores, so until then the restored detector scores as before.
        for (var i = 1000; i < 1000 + DetectorSettings.Balanced.ContextualStartSamples - 1; i++)
        {
            Assert.Equal(original.Update(series.Timestamps[i], series.Values[i]), restored.Update(series.Timestamps[i], series.Values[i]));
        }
        // A version-7 state saved without the member (the lightweight detector's before it had one) loads the same way;
        // one with the member does not load into settings without it.
        var version7 = state.AsSpan(0, state.Length - 2 - 16 - FlatlineBytes).ToArray(); // without the long ARTime's flag, the nearest window's, the two rates and the flatline member
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(version7, 7);
        Assert.Equal(
            MetricAnomalyDetector.ImportState(version6, DetectorSettings.Balanced).ExportState(),
            MetricAnomalyDetector.ImportState(version7, DetectorSettings.Balanced).ExportState());
        // Today's state of the same detector loads the same, but for the flatline member, which a version-6 state
        // starts afresh.
        var current = MetricAnomalyDetector.ImportState(exported, DetectorSettings.Balanced);
        Assert.Equal(
            FieldsOf(MetricAnomalyDetector.ImportState(version6, DetectorSettings.Balanced).ExportState())[..^FlatlineBytes],
            FieldsOf(current.ExportState())[..^FlatlineBytes]);
        var withMember = MetricAnomalyDetector.ImportState(exported, DetectorSettings.Balanced).ExportState();
        Assert.Throws<FormatException>(() => MetricAnomalyDetector.ImportState(withMember, withoutMember));
    }

    [Fact]
    public void A_version_9_state_loads_with_the_nearest_window_starting_afresh()
    {
        // Version 9 was version 10 without the nearest-window member (a flag, false in a detector without it), and
        // version 10 was version 11 without the two rates (16 bytes; off here, so only the member differs).
        var series = new SeriesBuilder(2000, FiveMinutes).Level(20).Daily(5).Noise(2).Build();
        var withoutMember = DetectorSettings.Default with { NearestWindowHistory = 0, AlertRateDamping = 0, ContextualRateDamping = 0 };
        var original = new MetricAnomalyDetector(withoutMember);
        for (var i = 0; i < 1000; i++)
        {
            original.Update(series.Timestamps[i], series.Values[i]);
        }
        var fields = FieldsOf(original.ExportState())[..^(1 + 16 + FlatlineBytes)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(fields, 9);
        var restored = MetricAnomalyDetector.ImportState(WithChecksum(fields), DetectorSettings.Default with { AlertRateDamping = 0, ContextualRateDamping = 0 });
        // The member learns 300 values before it scores, so until then the restored detector scores as before.
        for (var i = 1000; i < 1300; i++)
        {
            Assert.Equal(original.Update(series.Timestamps[i], series.Values[i]), restored.Update(series.Timestamps[i], series.Values[i]));
        }
        Assert.Throws<FormatException>(() => MetricAnomalyDetector.ImportState(restored.ExportState(), withoutMember));
    }

    [Fact]
    public void A_version_10_state_loads_with_the_alert_rates_at_zero()
    {
        // White noise alerts now and then, so the rates are above 0 when the state is saved.
        var noise = new SeriesBuilder(8000, FiveMinutes).Level(0).Noise(10, seed: 3).Build();
        var original = new MetricAnomalyDetector();
        for (var i = 0; i < 6000; i++)
        {
            original.Update(noise.Timestamps[i], noise.Values[i]);
        }
        var fields = FieldsOf(original.ExportState());
        var rates = fields.Length - FlatlineBytes - 16; // the two rates come before the flatline member
        Assert.NotEqual(0.0, BitConverter.ToDouble(fields, rates)); // the series' alert rate
        Assert.NotEqual(0.0, BitConverter.ToDouble(fields, rates + 8)); // CAD's own rate
        var version10 = fields[..rates];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(version10, 10);
        var forgotten = fields.ToArray();
        Array.Clear(forgotten, rates, 16);
        var fromVersion10 = MetricAnomalyDetector.ImportState(WithChecksum(version10));
        var withRatesZero = MetricAnomalyDetector.ImportState(WithChecksum(forgotten));
        for (var i = 6000; i < noise.Count; i++)
        {
            Assert.Equal(withRatesZero.Update(noise.Timestamps[i], noise.Values[i]), fromVersion10.Update(noise.Timestamps[i], noise.Values[i]));
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(8)]
    public void A_damaged_alert_rate_is_refused(int fromEnd)
    {
        var fields = FieldsOf(new MetricAnomalyDetector().ExportState());
        foreach (var rate in new[] { -1.0, double.NaN, double.PositiveInfinity })
        {
            BitConverter.GetBytes(rate).CopyTo(fields, fields.Length - FlatlineBytes - fromEnd);
            Assert.Throws<FormatException>(() => MetricAnomalyDetector.ImportState(WithChecksum(fields)));
        }
    }

    [Fact]
    public void Exported_state_continues_exactly_where_it_left_off()
    {
        var series = new SeriesBuilder(1500, FiveMinutes).Level(20).Daily(5).Noise(2).Set(1300, 60).Build();
        var original = new MetricAnomalyDetector();
        for (var i = 0; i < 1000; i++)
        {
            original.Update(series.Timestamps[i], series.Values[i]);
        }
        var restored = MetricAnomalyDetector.ImportState(original.ExportState());
        for (var i = 1000; i < series.Count; i++)
        {
            Assert.Equal(original.Update(series.Timestamps[i], series.Values[i]), restored.Update(series.Timestamps[i], series.Values[i]));
        }
    }

    /// <summary>Version 11 was version 12 without the flatline member (a flag, false for the statistical detector);
    /// version 10 was version 11 without the two rates (two numbers, 0 for the statistical detector, which has
    /// no alerts of its own to count); version 9 was version 10 without the nearest-window member (a flag, false for a detector without it);
    /// version 8 was version 9 without the trailing checksum; version 7 was version 8 without ARTime's long time scale (a flag, false for a detector without it);
    /// version 6 was version 7 without the transition novelty member (a flag, false for a detector without it);
    /// version 5 was version 6 without the seasonal shift's statistics (three numbers, the statistical detector
    /// ignores them); version 4 was version 5 without ARTime (a flag, false for the statistical detector); version 3 was
    /// version 4 without the surprise that armed the suppression (a number); version 2 was version 3 without the
    /// likelihood (an int and five numbers) and the suppression counter. The statistical detector (the lightweight one
    /// before the member joined it) has every part these versions differ by and none they lack.</summary>
    [Theory]
    [InlineData(11, 1)]
    [InlineData(10, 1 + 16)]
    [InlineData(9, 1 + 16 + 1)]
    [InlineData(8, 1 + 16 + 1)]
    [InlineData(7, 1 + 16 + 1 + 1)]
    [InlineData(6, 1 + 16 + 1 + 1 + 1)]
    [InlineData(5, 1 + 16 + 1 + 1 + 1 + 24)]
    [InlineData(4, 1 + 16 + 1 + 1 + 1 + 24 + 1)]
    [InlineData(3, 1 + 16 + 1 + 1 + 1 + 24 + 1 + 8)]
    [InlineData(2, 1 + 16 + 1 + 1 + 1 + 24 + 1 + 8 + 4 + (5 * 8) + 4)]
    public void Older_state_versions_still_load(int version, int bytesAdded)
    {
        var series = new SeriesBuilder(1500, FiveMinutes).Level(20).Daily(5).Noise(2).Set(1300, 60).Build();
        var original = new MetricAnomalyDetector(DetectorSettings.Statistical);
        for (var i = 0; i < 1000; i++)
        {
            original.Update(series.Timestamps[i], series.Values[i]);
        }
        var state = FieldsOf(original.ExportState());
        var older = state.AsSpan(0, state.Length - bytesAdded).ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(older, version);
        if (version >= 9)
        {
            older = WithChecksum(older); // versions 9 to 11 ended with their checksum
        }
        var restored = MetricAnomalyDetector.ImportState(older, DetectorSettings.Statistical);
        for (var i = 1000; i < series.Count; i++)
        {
            Assert.Equal(original.Update(series.Timestamps[i], series.Values[i]), restored.Update(series.Timestamps[i], series.Values[i]));
        }
    }

    [Theory]
    [InlineData("default")]
    [InlineData("balanced")]
    [InlineData("lightweight")]
    public void Values_near_the_limits_of_a_double_score_within_0_and_1_and_their_state_restores(string kind)
    {
        // ±1e308 overflows every sum and span (∞ − ∞ is NaN); the score must stay a probability and the state loadable.
        var settings = DetectorKinds.Settings(kind);
        // A flat stretch then one huge value (an infinite surprise); huge values of both signs in noise from the start
        // (spans of ∞, so NaN surprises).
        // A daily cycle of ±1e307 sampled hourly (a seasonal series after a day, so the seasonal shift runs: its residual
        // means square to ∞), with ±1e308 now and then.
        (TimeSpan Interval, Func<int, Random, double> Value)[] scenarios =
        [
            (TimeSpan.FromMinutes(1), (i, random) => i == 700 ? 1e308 : 0),
            (TimeSpan.FromMinutes(1), (i, random) => i % 7 == 0 ? 1e308 : i % 11 == 0 ? -1e308 : random.NextDouble()),
            (TimeSpan.FromHours(1), (i, random) => (1e307 * Math.Sin(2 * Math.PI * i / 24)) + (i % 97 == 0 ? 1e308 : i % 89 == 0 ? -1e308 : 0)),
        ];
        foreach (var (interval, scenario) in scenarios)
        {
            var detector = new MetricAnomalyDetector(settings);
            var random = new Random(1);
            for (var i = 0; i < 2000; i++)
            {
                var score = detector.Update(SeriesBuilder.Start + (interval * i), scenario(i, random)).Score;
                Assert.True(score is >= 0 and <= 1, $"sample {i}: score {score}");
                if (i % 500 == 499)
                {
                    detector = MetricAnomalyDetector.ImportState(detector.ExportState(), settings);
                }
            }
        }
    }

    [Fact]
    public void Damaged_state_is_a_format_error()
    {
        var state = new MetricAnomalyDetector().ExportState();
        Assert.Throws<FormatException>(() => MetricAnomalyDetector.ImportState(state.AsSpan(0, state.Length - 3)));
        Assert.Throws<FormatException>(() => MetricAnomalyDetector.ImportState([9, 9, 9, 9]));
    }

    /// <summary>An exported state without its trailing checksum (version 9): older versions are made from these fields,
    /// which they end with less of, and load unchecked.</summary>
    internal static byte[] FieldsOf(byte[] state) => state[..^sizeof(uint)];

    /// <summary>The flatline member's state at the end of the fields (version 12): a flag, the value, the run, the
    /// longest run, whether the run was reported, the samples learned and the changes; a detector without the member
    /// writes the flag alone.</summary>
    internal const int FlatlineBytes = 1 + 8 + 8 + 8 + 1 + 8 + 8;

    /// <summary>The reverse of <see cref="FieldsOf"/>: fields (of any checksummed version) with their CRC-32 after them.</summary>
    internal static byte[] WithChecksum(byte[] fields) => [.. fields, .. BitConverter.GetBytes(System.IO.Hashing.Crc32.HashToUInt32(fields))];

    public static TheoryData<string> DetectorNames => ["lightweight", "statistical", "balanced", "contextual"];

    /// <summary>
    /// A stored state damaged anywhere (a flipped bit, a torn or doubled write) is refused as a format error, which the
    /// server reads as "start this series afresh". Without the checksum, a fuzzer found damaged states that imported
    /// and then scored NaN or threw <see cref="IndexOutOfRangeException"/> from ARTime on the next sample.
    /// </summary>
    [Theory]
    [MemberData(nameof(DetectorNames))]
    public void A_state_damaged_anywhere_is_refused(string name)
    {
        var settings = DetectorKinds.Settings(name);
        var random = new Random(7);
        var detector = new MetricAnomalyDetector(settings);
        for (var i = 0; i < 1200; i++)
        {
            detector.Update(SeriesBuilder.Start + (FiveMinutes * i), 50 + (10 * Math.Sin(i / 20.0)) + random.NextDouble());
        }
        var state = detector.ExportState();
        Assert.Equal(state, MetricAnomalyDetector.ImportState(state, settings).ExportState());
        for (var trial = 0; trial < 300; trial++)
        {
            var damaged = (byte[])state.Clone();
            var at = random.Next(sizeof(int), state.Length);
            damaged[at] ^= (byte)(1 << random.Next(8));
            Assert.Throws<FormatException>(() => MetricAnomalyDetector.ImportState(damaged, settings));
            Assert.Throws<FormatException>(() => MetricAnomalyDetector.ImportState(state.AsSpan(0, at), settings));
            byte[] doubled = [.. state[..at], .. state[(at - sizeof(int))..]];
            Assert.Throws<FormatException>(() => MetricAnomalyDetector.ImportState(doubled, settings));
        }
    }

    [Fact]
    public void Missing_values_and_out_of_order_or_duplicate_timestamps_are_skipped_and_not_learned()
    {
        var detector = new MetricAnomalyDetector();
        var t = SeriesBuilder.Start;
        detector.Update(t, 1);
        detector.Update(t.AddMinutes(5), 2);
        Assert.Equal(AnomalySignal.Missing, detector.Update(t.AddMinutes(10), double.NaN).Signal);
        Assert.Equal(AnomalySignal.Missing, detector.Update(t.AddMinutes(10), double.PositiveInfinity).Signal);
        Assert.Equal(AnomalySignal.OutOfOrder, detector.Update(t.AddMinutes(5), 3).Signal);
        Assert.Equal(AnomalySignal.OutOfOrder, detector.Update(t, 3).Signal);
        Assert.Equal(2, detector.Samples);
    }

    [Theory]
    [InlineData("default")]
    [InlineData("balanced")]
    [InlineData("lightweight")]
    public void Constant_and_tiny_series_never_alert(string kind)
    {
        var settings = DetectorKinds.Settings(kind);
        var constant = new SeriesBuilder(5000, FiveMinutes).Level(42).Build();
        Assert.All(SeriesScoring.AnomalyScores(constant, settings), s => Assert.Equal(0, s));
        var three = new SeriesBuilder(3, FiveMinutes).Level(1).Set(2, 1e9).Build();
        Assert.All(SeriesScoring.AnomalyScores(three, settings), s => Assert.Equal(0, s));
    }

    [Theory]
    [InlineData("default")]
    [InlineData("balanced")]
    public void Gaps_and_white_noise_do_not_cause_an_alert_storm(string kind)
    {
        var noise = new SeriesBuilder(20_000, FiveMinutes).Level(0).Noise(10, seed: 3).Build();
        var timestamps = noise.Timestamps.Select((t, i) => i >= 10_000 ? t.AddDays(3) : t).ToArray(); // a three-day gap
        var settings = DetectorKinds.Settings(kind);
        var scores = SeriesScoring.AnomalyScores(new MetricSeries(timestamps, noise.Values), settings);
        var flagged = scores.Count(s => s >= settings.AlertThreshold);
        // One flag in 2,000 samples at most (about a week of 5-minute samples). The nearest-window member raised the
        // default's count on this series from 20 to 22 (a record distance between noise windows is broken now and then,
        // and its half-weight score tips CAD's near misses over the threshold); the alert-rate damping took it to 10
        // (balanced: 6) and CAD's own rate to 5: each false alarm on the noise raises the bar for the next. At today's
        // thresholds (decisions 021 and 024) the default flags it 9 times and balanced 6 (10 with its transition
        // novelty gated at 0.5 and the threshold of 0.62).
        Assert.True(flagged <= 10, $"white noise flagged {flagged} times");
    }
}
