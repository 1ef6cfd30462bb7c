using System.Globalization;
using Vigil.Analytics.Metrics;
using Vigil.Analytics.Metrics.Art;
using Vigil.Analytics.Nab;
using Xunit.Abstractions;

namespace Vigil.Analytics.Tests.Metrics;

/// <summary>The ARTime port against NAB's published output, and what the streaming wrapper adds to it.</summary>
public sealed class ArtimeDetectorTests(ITestOutputHelper output)
{
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    /// <summary>
    /// NAB's published ARTime results (numenta/NAB results/ARTime/…): every non-zero score of the two files, all other
    /// rows 0. ARTime scores only a few rows per file, so these are the whole of its output. The same rows, and the same
    /// scores to within 2e-6: the published ones have six decimals, and the ART keeps its weights in single precision
    /// (one score comes out 0.882398 instead of 0.882399).
    /// </summary>
    [Theory]
    [InlineData("artificialWithAnomaly/art_daily_jumpsup.csv", "2014-04-11 09:05:00=1")]
    [InlineData("realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv", "2014-02-19 00:37:00=0.882399;2014-02-24 18:57:00=0.619275;2014-02-24 22:17:00=1")]
    public void Scores_match_the_published_nab_results(string file, string published)
    {
        if (NabData.RootOrSkip(output) is not { } root)
        {
            return;
        }
        var series = SeriesCsv.Read(Path.Combine(root, "data", file));
        var scores = NabDetectors.ArtimeWithNabInputs(series);
        var expected = published.Split(';').Select(p => p.Split('='))
            .ToDictionary(p => DateTime.Parse(p[0], CultureInfo.InvariantCulture), p => double.Parse(p[1], CultureInfo.InvariantCulture));
        var flagged = Enumerable.Range(0, scores.Length).Where(i => scores[i] != 0)
            .ToDictionary(i => series.Timestamps[i], i => scores[i]);
        Assert.Equal(expected.Keys.Order(), flagged.Keys.Order());
        foreach (var (timestamp, score) in expected)
        {
            Assert.Equal(score, flagged[timestamp], 2e-6);
        }
    }

    [Fact]
    public void A_wave_that_freezes_founds_a_new_cluster_and_nothing_else_does()
    {
        // Ten days of a daily wave, then half a day where it stops moving (NAB's art_daily_flatmiddle shape).
        var series = new SeriesBuilder(288 * 14, FiveMinutes).Level(50).Daily(20).Noise(1).Build();
        var values = series.Values.ToArray();
        const int FreezeStart = (288 * 10) + 100;
        for (var i = FreezeStart; i < FreezeStart + 144; i++)
        {
            values[i] = values[FreezeStart];
        }
        var detector = new ArtimeDetector(values.Min(), values.Max(), probation: 750);
        var flagged = Enumerable.Range(0, values.Length).Where(i => detector.Score(values[i]) > 0).ToList();
        output.WriteLine($"flagged rows: {string.Join(", ", flagged)}");
        Assert.Contains(flagged, i => i >= FreezeStart && i < FreezeStart + 144);
        Assert.True(flagged.Count(i => i < FreezeStart || i >= FreezeStart + 144 + 288) <= 2, $"flagged {flagged.Count} rows");
    }

    /// <summary>
    /// The ART's scans take the minimum with MinNative, which differs from Math.Min only for a NaN or −0 first
    /// operand, the coded sample: so the features must be in [0, 1] and never −0 or NaN, whatever the input.
    /// </summary>
    [Theory]
    [InlineData("noise inside the range")]
    [InlineData("far outside the range")]
    [InlineData("constant")]
    [InlineData("near double.MaxValue")]
    [InlineData("empty range")]
    public void Its_features_are_never_nan_or_negative_zero(string input)
    {
        var random = new Random(5);
        Func<int, double> value = input switch
        {
            "noise inside the range" => _ => random.NextDouble(),
            "far outside the range" => i => i % 3 == 0 ? -1e6 : 1e6 * random.NextDouble(),
            "constant" => _ => 0.5,
            "near double.MaxValue" => i => i % 5 == 0 ? double.MaxValue : i % 7 == 0 ? -double.MaxValue : random.NextDouble(),
            _ => i => i % 2,
        };
        var detector = input == "empty range" ? new ArtimeDetector(1, 1, probation: 64) : new ArtimeDetector(0, 1, probation: 64);
        for (var i = 0; i < 5_000; i++)
        {
            detector.Score(value(i));
            foreach (var feature in detector.Features)
            {
                Assert.True(!double.IsNegative(feature) && feature <= 1, $"feature {feature} after value {i}");
            }
        }
    }

    [Fact]
    public void Its_categories_stay_within_their_bound_on_noise()
    {
        var random = new Random(3);
        var detector = new ArtimeDetector(0, 1, probation: 300, maxCategories: 64);
        for (var i = 0; i < 20_000; i++)
        {
            detector.Score(random.NextDouble());
        }
        Assert.Equal(64, detector.Categories);
    }

    [Fact]
    public void Past_its_bound_the_art_drops_the_category_that_resonated_least_recently_also_after_a_restore()
    {
        static double[] Sample(double value) => Enumerable.Repeat(value, DualVigilanceArt.Features).ToArray();
        var art = new DualVigilanceArt(maxCategories: 3) { RhoLow = 0.99, RhoHigh = 0.99 };
        art.Train(Sample(0.3)); // the first sample only makes the all-ones category
        art.Train(Sample(0.1));
        art.Train(Sample(0.5));
        art.Train(Sample(0.9)); // a fourth category: the all-ones one goes
        Assert.True(art.Train(Sample(0.1)).Resonated); // 0.1 is now the most recent, 0.5 the least
        var writer = new StateWriter(4096);
        art.Write(ref writer);
        var reader = new StateReader(writer.Written);
        var restored = DualVigilanceArt.Read(ref reader, maxCategories: 3);

        Assert.False(restored.Train(Sample(0.7)).Resonated); // a new cluster: 0.5 goes, not 0.1
        Assert.True(restored.Train(Sample(0.1)).Resonated);
        Assert.False(restored.Train(Sample(0.5)).Resonated);
        Assert.Equal(3, restored.Categories);
    }

    [Fact]
    public void A_restored_streaming_range_that_differs_from_its_artimes_is_a_format_error()
    {
        // The state writes the range twice (the streaming wrapper's, then ARTime's own); they must agree.
        var detector = OnlineArtDetector.Short(DetectorSettings.Default)!;
        var random = new Random(5);
        for (var i = 0; i < DetectorSettings.Default.ArtSamples + 50; i++)
        {
            detector.Score(10 + random.NextDouble());
        }
        var writer = new StateWriter(1024);
        detector.Write(ref writer);
        var state = writer.Written.ToArray();
        var range = BitConverter.GetBytes(detector.Range.Low).Concat(BitConverter.GetBytes(detector.Range.High)).ToArray();
        var at = state.AsSpan().IndexOf(range);
        Assert.True(at >= 0 && state.AsSpan(at + 16).StartsWith(range), "the range is in the state twice in a row");
        var reader = new StateReader(state);
        Assert.Equal(detector.Range, OnlineArtDetector.Short(DetectorSettings.Default)!.Read(ref reader).Range);

        BitConverter.GetBytes(detector.Range.High + 1).CopyTo(state, at + 8);
        var error = Assert.Throws<FormatException>(() =>
        {
            var damaged = new StateReader(state);
            OnlineArtDetector.Short(DetectorSettings.Default)!.Read(ref damaged);
        });
        Assert.Contains("range", error.Message);
    }

    [Fact]
    public void The_streaming_detector_rebuilds_for_a_lasting_shift_but_not_for_a_spike()
    {
        var settings = DetectorSettings.Default;
        var detector = OnlineArtDetector.Short(settings)!;
        var random = new Random(5);
        for (var i = 0; i < settings.ArtSamples; i++)
        {
            detector.Score(10 + random.NextDouble());
        }
        var range = detector.Range;
        Assert.True(range.Low < 10 && range.High > 11, $"{range}");
        detector.Score(100);
        for (var i = 0; i < settings.ArtSamples / 2; i++)
        {
            detector.Score(10 + random.NextDouble());
        }
        Assert.Equal(range, detector.Range);
        for (var i = 0; i < (settings.ArtSamples / 2) + 1; i++)
        {
            detector.Score(50 + random.NextDouble());
        }
        Assert.True(detector.Range.High > 50, $"{detector.Range}");
    }

    [Theory]
    [InlineData(256, false)]
    [InlineData(16, false)] // categories dropped all the time: which one goes next is state too
    [InlineData(256, true)] // the balanced detector: ARTime without CAD
    public void Exported_state_continues_exactly_across_its_rebuilds(int maxCategories, bool balanced)
    {
        var settings = (balanced ? DetectorSettings.Balanced : DetectorSettings.Default) with { ArtMaxCategories = maxCategories };
        // A lasting shift at 1,000 rebuilds ARTime about 150 samples later; a restore every 13 samples crosses it and
        // lands inside ARTime's masks (the noise founds clusters often).
        var series = new SeriesBuilder(1600, FiveMinutes).Level(20).Daily(5).Noise(6).Build();
        var values = series.Values.Select((v, i) => i >= 1000 ? v + 200 : v).ToArray();
        var original = new MetricAnomalyDetector(settings);
        var restored = new MetricAnomalyDetector(settings);
        for (var i = 0; i < values.Length; i++)
        {
            if (i % 13 == 0)
            {
                restored = MetricAnomalyDetector.ImportState(restored.ExportState(), settings);
            }
            Assert.Equal(original.Update(series.Timestamps[i], values[i]), restored.Update(series.Timestamps[i], values[i]));
        }
    }

    /// <summary>A wave of 120 samples that runs at twice its pace for 400 samples: every value and every step is as
    /// usual, only the shape over dozens of samples changes. ARTime at its short time scale (a window of 8 steps of 2
    /// samples) and CAD miss it; at the long scale (steps of 7) the member founds a cluster 30 samples in.</summary>
    [Fact]
    public void A_slow_wave_that_doubles_its_pace_is_seen_at_the_long_time_scale()
    {
        static List<int> Alerts(DetectorSettings settings)
        {
            var random = new Random(3);
            var detector = new MetricAnomalyDetector(settings);
            var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            var phase = 0.0;
            var alerts = new List<int>();
            for (var i = 0; i < 4000; i++)
            {
                phase += 2 * Math.PI / (i is >= 3000 and < 3400 ? 60 : 120);
                var value = 50 + (10 * Math.Sin(phase)) + random.NextDouble();
                if (detector.Update(start.AddMinutes(5 * i), value).Score >= SeriesScoring.DefaultAlertThreshold)
                {
                    alerts.Add(i);
                }
            }
            return alerts;
        }

        Assert.Contains(Alerts(DetectorSettings.Default), i => i is >= 3000 and < 3100);
        Assert.DoesNotContain(Alerts(DetectorSettings.Default with { ArtLongSamples = 0 }), i => i is >= 3000 and < 3400);
    }

    [Fact]
    public void A_version_7_state_loads_with_the_long_time_scale_starting_afresh()
    {
        // Version 7 was version 8 without the long scale (a flag at the end, false in a detector without it).
        var series = new SeriesBuilder(3000, FiveMinutes).Level(20).Daily(5).Noise(2).Build();
        // Without the nearest-window member (version 10), whose own warm-up would end within the long scale's probation,
        // and without the alert-rate damping (version 11), which a version-7 state starts at 0.
        var twoScales = DetectorSettings.Default with { NearestWindowHistory = 0, AlertRateDamping = 0, ContextualRateDamping = 0 };
        var oneScale = twoScales with { ArtLongSamples = 0 };
        var original = new MetricAnomalyDetector(oneScale);
        for (var i = 0; i < 1000; i++)
        {
            original.Update(series.Timestamps[i], series.Values[i]);
        }
        var state = MetricAnomalyDetectorTests.FieldsOf(original.ExportState());
        var version7 = state.AsSpan(0, state.Length - 2 - 16 - MetricAnomalyDetectorTests.FlatlineBytes).ToArray(); // without the two flags, the two rates and the flatline member
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(version7, 7);
        var restored = MetricAnomalyDetector.ImportState(version7, twoScales);
        // The long scale learns its probation before it scores, so until then the restored detector scores as before.
        for (var i = 1000; i < 1000 + DetectorSettings.Default.ArtLongSamples; i++)
        {
            Assert.Equal(original.Update(series.Timestamps[i], series.Values[i]), restored.Update(series.Timestamps[i], series.Values[i]));
        }
        Assert.True(restored.ExportState().Length > original.ExportState().Length + (DetectorSettings.Default.ArtLongSamples * sizeof(double)),
            "the long scale keeps its own values");
        // A state with the long scale does not load into settings without it.
        Assert.Throws<FormatException>(() => MetricAnomalyDetector.ImportState(restored.ExportState(), oneScale));
    }
}
