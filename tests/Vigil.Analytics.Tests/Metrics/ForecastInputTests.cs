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

    /// <summary>Hourly 50 + 20·sin(2πi/24) + N(0,1): 14 days to fit on, then the 12 hours to forecast.</summary>
    private static (DateTime[] Times, double[] Values) DailySine(int seed)
    {
        var random = new Random(seed);
        var times = Enumerable.Range(0, (24 * 14) + 12).Select(i => SeriesBuilder.Start + (Hour * i)).ToArray();
        var values = Enumerable.Range(0, times.Length).Select(i => Curve(i) + random.NextGaussian()).ToArray();
        return (times, values);
    }

    private static double Curve(int hour) => 50 + (20 * Math.Sin(2 * Math.PI * hour / 24));

    [Theory]
    [InlineData("gap")]
    [InlineData("re-sent batch")]
    public void The_season_follows_time_across_a_gap_or_a_re_sent_batch(string damage)
    {
        for (var seed = 0; seed < 5; seed++)
        {
            var (times, values) = DailySine(seed);
            var known = 24 * 14;
            // Half a day before the end: six hours missing, or the same six rows sent again after the last one.
            var rows = Enumerable.Range(0, known).ToList();
            if (damage == "gap")
            {
                rows.RemoveRange(known - 18, 6);
            }
            else
            {
                rows.AddRange(Enumerable.Range(known - 18, 6));
            }
            var rowTimes = rows.Select(i => times[i]).ToArray();
            var rowValues = rows.Select(i => values[i]).ToArray();

            var grid = SamplingGrid.Regularise(rowTimes, rowValues, Hour, maxLength: 10_000)!;
            var model = HoltWintersForecaster.Fit(grid.Values, SeasonalPeriod.Detect(grid.Values, Hour));
            var forecast = HoltWintersForecaster.Predict(model, grid.Last, Hour, 12);

            Assert.Equal(24, model.Period);
            for (var h = 0; h < 12; h++)
            {
                // The curve without its noise: a noisy value falls outside a 95 % interval one time in twenty anyway.
                var (point, actual) = (forecast.Points[h], Curve(known + h));
                Assert.Equal(times[known + h], point.Timestamp);
                Assert.True(actual >= point.Lower && actual <= point.Upper,
                    $"seed {seed}, {point.Timestamp:HH:mm}: {actual:0.0} outside {point.Lower:0.0} .. {point.Upper:0.0}");
            }
        }
    }

    [Fact]
    public void Samples_on_the_same_grid_point_are_averaged_and_a_gap_is_missing()
    {
        var start = SeriesBuilder.Start;
        var grid = SamplingGrid.Regularise(
            [start.AddHours(3), start, start.AddHours(1).AddMinutes(4), start.AddHours(1), start.AddHours(1)],
            [4.0, 1.0, 2.0, 3.0, double.NaN], Hour, maxLength: 10)!;
        Assert.Equal(start.AddHours(3), grid.Last);
        Assert.Equal(start, grid.First);
        Assert.Equal(4, grid.Values.Length);
        Assert.Equal([1.0, 2.5], grid.Values[..2]);
        Assert.True(double.IsNaN(grid.Values[2]));
        Assert.Equal(4.0, grid.Values[3]);
        Assert.Null(SamplingGrid.Regularise([start, start.AddDays(1)], [1.0, 2.0], Hour, maxLength: 10));
    }

    [Fact]
    public void Values_near_the_double_range_are_refused_with_a_reason_not_an_arithmetic_crash()
    {
        var alternating = Enumerable.Range(0, 50).Select(i => i % 2 == 0 ? -1e308 : 1e308).ToArray();
        var everySeventh = Enumerable.Range(0, 50).Select(i => i % 7 == 0 ? 1e308 : 1.0).ToArray();
        foreach (var values in new[] { alternating, everySeventh })
        {
            var refusal = Assert.Throws<ArgumentException>(() => HoltWintersForecaster.Fit(values, period: 0));
            Assert.StartsWith("values beyond ±1e100 cannot be forecast", refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_regime_search_over_values_whose_differences_overflow_finds_no_step()
    {
        // ±1e308 alternating: every one-sample change is ±∞, the drift ∞ − ∞ = NaN (Math.Sign(NaN) threw).
        var alternating = Enumerable.Range(0, 50).Select(i => i % 2 == 0 ? -1e308 : 1e308).ToArray();
        Assert.Equal(0, RegimeStart.Find(alternating, 20));
    }

    [Fact]
    public void A_forecast_stops_at_the_last_step_that_can_be_dated()
    {
        var model = HoltWintersForecaster.Fit([1.0, 2.0, 3.0, 4.0, 5.0], period: 0);
        var last = new DateTime(9999, 12, 30, 0, 0, 0, DateTimeKind.Utc);
        var forecast = HoltWintersForecaster.Predict(model, last, TimeSpan.FromDays(1), 7);
        Assert.Equal(new DateTime(9999, 12, 31, 0, 0, 0, DateTimeKind.Utc), Assert.Single(forecast.Points).Timestamp);
    }
}
