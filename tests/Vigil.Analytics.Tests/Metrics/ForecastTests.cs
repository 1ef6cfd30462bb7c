using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Tests.Metrics;

public sealed class ForecastTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public void A_daily_pattern_is_forecast_better_than_repeating_the_last_day()
    {
        var series = new SeriesBuilder(24 * 30, Hour).Level(50).Daily(20).Noise(4).Build();
        var backtest = ForecastBacktest.Run("sine", series);
        Assert.Equal(24, backtest.Period);
        Assert.True(backtest.RelativeMae < 1, $"relative MAE {backtest.RelativeMae}");
    }

    [Fact]
    public void A_rising_series_is_forecast_to_cross_its_threshold_with_an_interval_around_it()
    {
        var values = Enumerable.Range(0, 200).Select(i => 10 + (0.2 * i) + (i % 2 == 0 ? 0.3 : -0.3)).ToArray();
        var model = HoltWintersForecaster.Fit(values, period: 0);
        var forecast = HoltWintersForecaster.Predict(model, SeriesBuilder.Start, Hour, 200);
        var crossing = forecast.FirstCrossing(52, values[^1]);
        Assert.NotNull(crossing);
        Assert.All(forecast.Points, p => Assert.True(p.Lower <= p.Value && p.Value <= p.Upper));
        Assert.True(forecast.Points[^1].Upper - forecast.Points[^1].Lower > forecast.Points[0].Upper - forecast.Points[0].Lower);
        Assert.Null(forecast.FirstCrossing(1e6, values[^1]));
    }

    [Fact]
    public void A_noisy_fill_keeps_its_trend_when_little_history_is_left_to_check_it_on()
    {
        // A disk two hours after a clean-up: +0.025 % a sample (30 s), noise twice that. Holdouts forecast from a
        // dozen values see a trend guessed from noise and favour damping it away; a forecast origin therefore keeps
        // at least a holdout's worth of values before it (16 % of such disks were forecast never to fill without that).
        var halfMinute = TimeSpan.FromSeconds(30);
        for (var seed = 0; seed < 30; seed++)
        {
            var random = new Random(seed);
            var values = Enumerable.Range(0, 240).Select(i => 60 + (0.025 * i) + (0.05 * random.NextGaussian())).ToArray();
            var model = HoltWintersForecaster.Fit(values, period: 0);
            var crossing = HoltWintersForecaster.Predict(model, SeriesBuilder.Start, halfMinute, 2_000).FirstCrossing(90, values[^1]);
            var hours = crossing is { } point ? (point.Timestamp - SeriesBuilder.Start).TotalHours : double.PositiveInfinity;
            Assert.True(hours is > 6 and < 12, $"seed {seed}: {model.Describe()} crosses 90 after {hours:0.0} h");
        }
    }

    [Theory]
    [InlineData(40.0, true)] // a draining queue or a falling latency: 40 down to ~0, never below
    [InlineData(-10.0, false)] // a temperature that was already below zero may go further
    public void A_series_that_was_never_negative_is_not_forecast_below_zero(double end, bool floored)
    {
        var values = Enumerable.Range(0, 300).Select(i => end + ((300 - i) * 0.5) + (i % 2 == 0 ? 0.4 : -0.4)).ToArray();
        var model = HoltWintersForecaster.Fit(values, period: 0);
        var forecast = HoltWintersForecaster.Predict(model, SeriesBuilder.Start, Hour, 500);
        Assert.Equal(floored, model.NonNegative);
        Assert.Equal(floored, forecast.Points.All(p => p.Lower >= 0 && p.Value >= 0));
        var unfloored = HoltWintersForecaster.Predict(model with { NonNegative = false }, SeriesBuilder.Start, Hour, 500);
        Assert.Contains(unfloored.Points, p => p.Value < 0); // the trend does head below zero
        Assert.All(forecast.Points, p => Assert.True(p.Lower <= p.Value && p.Value <= p.Upper));
    }

    [Fact]
    public void Fewer_than_three_values_cannot_be_forecast() =>
        Assert.Throws<ArgumentException>(() => HoltWintersForecaster.Fit([1.0, double.NaN, 2.0], 0));
}
