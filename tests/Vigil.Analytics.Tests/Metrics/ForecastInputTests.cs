using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Tests.Metrics;

/// <summary>Forecasting series as files deliver them: missing values, gaps, re-sent rows, extreme values.</summary>
public sealed class ForecastInputTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public void A_missing_value_does_not_hide_the_daily_season()
    {
        var series = new SeriesBuilder(24 * 14, Hour).Level(50).Daily(20).Noise(2).Set(100, double.NaN).Build();
        Assert.Equal(24, SeasonalPeriod.Detect(series.Values, Hour));
        Assert.InRange(SeasonalPeriod.Autocorrelation(series.Values, 24), 0.9, 1.0);
    }

    [Fact]
    public void A_backtest_over_missing_values_scores_the_values_that_are_there()
    {
        var series = new SeriesBuilder(24 * 30, Hour).Level(50).Daily(20).Noise(4)
            .Set(24 * 10, double.NaN).Set(24 * 27, double.PositiveInfinity).Build();
        var backtest = ForecastBacktest.Run("gappy sine", series);
        Assert.Equal(24, backtest.Period);
        Assert.True(double.IsFinite(backtest.Mae) && double.IsFinite(backtest.NaiveMae) && double.IsFinite(backtest.Mase),
            $"MAE {backtest.Mae}, naive {backtest.NaiveMae}, MASE {backtest.Mase}");
        Assert.True(backtest.RelativeMae < 1, $"relative MAE {backtest.RelativeMae}");
    }
}
