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
