using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Tests.Metrics;

public sealed class RegimeStartTests
{
    private static readonly TimeSpan HalfMinute = TimeSpan.FromSeconds(30);

    /// <summary>A disk filling 3 % an hour (0.025 per 30 s sample), cleaned up at <paramref name="cleanUpAt"/>.</summary>
    private static double[] Disk(int length, int cleanUpAt, int seed = 7)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(i =>
            (i < cleanUpAt ? 78 + (0.025 * i) : 60 + (0.025 * (i - cleanUpAt))) + (0.05 * ((random.NextDouble() * 2) - 1)))];
    }

    [Fact]
    public void A_clean_up_starts_a_new_regime()
    {
        Assert.Equal(480, RegimeStart.Find(Disk(720, cleanUpAt: 480), minimumLength: 20));
    }

    [Fact]
    public void A_filling_disk_cleaned_up_two_hours_ago_is_still_forecast_to_fill()
    {
        var values = Disk(720, cleanUpAt: 480);
        var model = HoltWintersForecaster.Fit(values, period: 0);
        var crossing = HoltWintersForecaster.Predict(model, SeriesBuilder.Start, HalfMinute, 2880).FirstCrossing(90, values[^1]);

        Assert.Equal(480, model.SkippedSamples);
        Assert.Contains("level shift", model.Describe(), StringComparison.Ordinal);
        // 66 % now, +3 %/h: 90 % in 8 hours (960 samples). Fitted across the drop, the forecast was flat.
        Assert.NotNull(crossing);
        var hours = (crossing.Value.Timestamp - SeriesBuilder.Start).TotalHours;
        Assert.InRange(hours, 6.5, 9.5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_spike_or_a_burst_that_settles_back_is_not_a_regime(int burstLength)
    {
        var values = Disk(720, cleanUpAt: int.MaxValue);
        for (var i = 600; i < 600 + burstLength; i++)
        {
            values[i] += 40;
        }
        Assert.Equal(0, RegimeStart.Find(values, minimumLength: 20));
    }

    [Fact]
    public void Noise_and_a_steady_trend_have_no_regime_change()
    {
        var random = new Random(3);
        double[] noise = [.. Enumerable.Range(0, 2000).Select(_ => random.NextDouble() * 100)];
        double[] heavyTailed = [.. Enumerable.Range(0, 2000).Select(_ => Math.Exp(6 * random.NextDouble()))];
        Assert.Equal(0, RegimeStart.Find(noise, minimumLength: 20));
        Assert.Equal(0, RegimeStart.Find(heavyTailed, minimumLength: 20));
        Assert.Equal(0, RegimeStart.Find(Disk(720, cleanUpAt: int.MaxValue), minimumLength: 20));
    }

    [Fact]
    public void A_step_too_recent_to_fit_is_ignored()
    {
        Assert.Equal(0, RegimeStart.Find(Disk(720, cleanUpAt: 710), minimumLength: 20));
        Assert.Equal(700, RegimeStart.Find(Disk(720, cleanUpAt: 700), minimumLength: 20));
    }
}
