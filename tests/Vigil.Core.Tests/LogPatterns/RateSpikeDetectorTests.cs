using Microsoft.Extensions.Time.Testing;
using Vigil.Core.LogPatterns;

namespace Vigil.Core.Tests.LogPatterns;

public sealed class RateSpikeDetectorTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly RateSpikeDetector _detector;

    public RateSpikeDetectorTests() => _detector = new RateSpikeDetector(new RateSpikeOptions(), _time);

    /// <summary>Feeds one minute of lines per element, advancing the clock a minute after each.</summary>
    private void Minutes(params long[] counts)
    {
        foreach (var count in counts)
        {
            if (count > 0)
            {
                _detector.Record(1, _time.GetUtcNow(), count);
            }
            _time.Advance(TimeSpan.FromMinutes(1));
        }
    }

    private void Now(long count) => _detector.Record(1, _time.GetUtcNow(), count);

    private static long[] Steady(int minutes, params long[] pattern) =>
        [.. Enumerable.Range(0, minutes).Select(i => pattern[i % pattern.Length])];

    [Fact]
    public void Steady_rate_with_jitter_is_not_a_spike()
    {
        Minutes(Steady(60, 100, 110, 90, 105, 95));
        Now(120);
        Assert.Null(_detector.Check(1));
    }

    [Fact]
    public void A_jump_far_above_the_median_and_its_spread_is_a_spike_within_the_minute()
    {
        Minutes(Steady(60, 10, 12, 8, 11, 9));
        Now(200);
        var spike = _detector.Check(1);
        Assert.NotNull(spike);
        Assert.Equal(200, spike.Value.Count);
        Assert.Equal(10, spike.Value.Median);
        Assert.True(spike.Value.Score > 6);
    }

    [Fact]
    public void A_merged_template_brings_its_minutes_to_the_survivor()
    {
        // Templates 1 and 2 each saw half of a steady 50 lines a minute: after the merge, 60 is ordinary for 1.
        var alone = new RateSpikeDetector(new RateSpikeOptions(), _time);
        for (var m = 0; m < 60; m++)
        {
            _detector.Record(1, _time.GetUtcNow(), 25);
            _detector.Record(2, _time.GetUtcNow(), 25);
            alone.Record(1, _time.GetUtcNow(), 25);
            _time.Advance(TimeSpan.FromMinutes(1));
        }
        _detector.Merge(2, 1);
        Now(60);
        Assert.Null(_detector.Check(1));
        Assert.Null(_detector.Check(2));
        Assert.Equal(1, _detector.Count);

        // Without the merged history the same minute is a spike against 1's own 25 a minute.
        alone.Record(1, _time.GetUtcNow(), 60);
        Assert.NotNull(alone.Check(1));
    }

    [Fact]
    public void The_last_complete_minute_still_counts_just_after_it_ends()
    {
        Minutes(Steady(60, 5));
        Minutes(300);
        Assert.NotNull(_detector.Check(1));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(_detector.Check(1));
    }

    [Fact]
    public void A_young_template_has_no_history_to_depart_from()
    {
        Minutes(Steady(10, 1));
        Now(500);
        Assert.Null(_detector.Check(1));
    }

    [Fact]
    public void Few_lines_are_never_a_spike_even_against_silence()
    {
        Minutes([1, .. new long[59]]);
        Now(19);
        Assert.Null(_detector.Check(1));
        Now(1);
        Assert.NotNull(_detector.Check(1));
    }

    [Fact]
    public void A_busy_template_needs_to_double_not_just_leave_a_narrow_band()
    {
        Minutes(Steady(60, 1000));
        Now(1500);
        Assert.Null(_detector.Check(1));
        Now(600);
        Assert.NotNull(_detector.Check(1));
    }

    [Fact]
    public void Earlier_spikes_do_not_raise_the_bar_much_because_median_and_mad_ignore_outliers()
    {
        Minutes([.. Steady(30, 10), 500, 600, .. Steady(28, 10)]);
        Now(100);
        Assert.NotNull(_detector.Check(1));
    }

    [Fact]
    public void Unknown_and_forgotten_templates_are_not_spiking()
    {
        Assert.Null(_detector.Check(42));
        Minutes(Steady(60, 1));
        Now(100);
        _detector.Forget(1);
        Assert.Null(_detector.Check(1));
    }

    [Fact]
    public void Minute_series_keeps_only_its_window()
    {
        var series = new MinuteSeries(5);
        series.Add(100, 3);
        series.Add(100, 2);
        series.Add(103, 1);
        Assert.Equal(5, series[100]);
        Assert.Equal(0, series[101]);
        series.Add(106, 7);
        Assert.Equal(0, series[100]);
        Assert.Equal(1, series[103]);
        Assert.Equal(7, series[106]);
        series.Add(90, 9);
        Assert.Equal(0, series[90]);
        Assert.Equal(100, series.FirstMinute);
        Assert.Equal(-1, MinuteSeries.MinuteOf(DateTimeOffset.UnixEpoch.AddSeconds(-1)));
    }
}
