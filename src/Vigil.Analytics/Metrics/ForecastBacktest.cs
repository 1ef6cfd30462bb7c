namespace Vigil.Analytics.Metrics;

/// <summary>
/// Backtest of one series: fit on the first <c>trainFraction</c>, forecast the rest, compare with the seasonal-naive
/// forecast (the last training season repeated; the last value when there is no season). <see cref="Mase"/> is
/// Hyndman's MASE (MAE over the in-sample one-step seasonal-naive MAE); <see cref="RelativeMae"/> is the MAE
/// divided by the seasonal-naive forecast's MAE over the same horizon (below 1: the model beats the baseline).
/// </summary>
public sealed record ForecastBacktest(string Name, int Train, int Test, int Period, double Mae, double NaiveMae, double Mase, double NaiveMase)
{
    public double RelativeMae => NaiveMae > 0 ? Mae / NaiveMae : double.NaN;

    public bool BeatsBaseline => Mae < NaiveMae;

    public static ForecastBacktest Run(string name, MetricSeries series, double trainFraction = 0.8)
    {
        var values = series.Values;
        var train = (int)(values.Length * trainFraction);
        var test = values.Length - train;
        var interval = SeasonalPeriod.MedianInterval(series.Timestamps);
        var period = SeasonalPeriod.Detect(values.AsSpan(0, train), interval);
        var model = HoltWintersForecaster.Fit(values.AsSpan(0, train), period);
        var forecast = HoltWintersForecaster.Predict(model, series.Timestamps[train - 1], interval, test);

        var naivePeriod = Math.Max(period, 1);
        // Missing samples (NaN, ±Inf) are left out of every error, not averaged in as NaN.
        double mae = 0, naive = 0, scale = 0;
        int scored = 0, scaled = 0;
        for (var h = 0; h < test; h++)
        {
            var actual = values[train + h];
            var naiveForecast = values[train - naivePeriod + (h % naivePeriod)];
            if (double.IsFinite(actual) && double.IsFinite(naiveForecast) && double.IsFinite(forecast.Points[h].Value))
            {
                mae += Math.Abs(actual - forecast.Points[h].Value);
                naive += Math.Abs(actual - naiveForecast);
                scored++;
            }
        }
        for (var t = naivePeriod; t < train; t++)
        {
            if (double.IsFinite(values[t]) && double.IsFinite(values[t - naivePeriod]))
            {
                scale += Math.Abs(values[t] - values[t - naivePeriod]);
                scaled++;
            }
        }
        mae /= Math.Max(1, scored);
        naive /= Math.Max(1, scored);
        scale /= Math.Max(1, scaled);
        return new ForecastBacktest(name, train, test, period, mae, naive, scale > 0 ? mae / scale : double.NaN, scale > 0 ? naive / scale : double.NaN);
    }
}
