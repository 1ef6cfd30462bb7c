namespace Vigil.Analytics.Metrics;

/// <summary>
/// Capacity forecasting: additive Holt-Winters with a damped trend (Gardner &amp; McKenzie), the season found by
/// <see cref="SeasonalPeriod"/>. The smoothing factors are chosen by a small grid search with rolling-origin
/// evaluation: forecast a quarter of the training data in one go from everything before it, from origins a sixteenth
/// of the data apart, back from the latest while a quarter (and two seasons) remain to fit on; keep the factors with
/// the lowest total absolute error, refit on everything (the same procedure for every series). One holdout alone picks
/// whatever happened to fit its one quarter, and a few origins whatever the noise just before them suggested (both
/// measured in docs/metric-detection.md, "Rolling origin"); minimising the one-step error
/// instead picks a large α that chases the last few values and wrecks multi-step forecasts. Prediction intervals
/// use the ETS(A,Ad,A) h-step variance <c>σ²(1 + Σⱼ₌₁..ₕ₋₁ (α(1 + β·Σₖ₌₁..ⱼ φᵏ) + γ·[j mod m = 0])²)</c>.
/// </summary>
public static class HoltWintersForecaster
{
    private static readonly double[] Alphas = [0.05, 0.1, 0.2, 0.4, 0.7];
    private static readonly double[] Betas = [0.0, 0.01, 0.05];
    private static readonly double[] Gammas = [0.05, 0.1, 0.3];
    private static readonly double[] Phis = [0.8, 0.9, 0.95, 0.98, 1.0];

    /// <summary>
    /// An undamped trend extrapolates forever, which is what a filling disk needs and what ruins forecasts of
    /// noisy series whose holdout happens to slope; it must beat the damped candidates by this factor to be chosen.
    /// </summary>
    private const double UndampedPenalty = 1.5;

    /// <summary>
    /// Largest magnitude of a value that can be forecast: the fit squares errors and sums differences, which overflow
    /// to ∞ and NaN near ±double.MaxValue (1e308 every seventh value gave a forecast of NaN; ±1e308 alternating threw).
    /// </summary>
    public const double MaxMagnitude = 1e100;

    /// <summary>Fewest values after a level shift worth fitting on their own; a younger shift is not yet a regime.</summary>
    public const int MinimumRegime = 20;

    /// <summary>
    /// Fits the model to values one sampling interval apart (see <see cref="SamplingGrid"/>); at least three must be
    /// finite. A missing value (NaN, ±Inf) keeps its place: the filter advances over it without an observation, so
    /// the season stays in phase with time (dropping such values moved every later season back one sample each).
    /// </summary>
    public static HoltWintersModel Fit(ReadOnlySpan<double> values, int period)
    {
        var firstFinite = 0;
        while (firstFinite < values.Length && !double.IsFinite(values[firstFinite]))
        {
            firstFinite++;
        }
        var clean = Missing(values[firstFinite..]);
        if (clean.Count(double.IsFinite) < 3)
        {
            throw new ArgumentException("at least three finite values are needed to forecast", nameof(values));
        }
        if (clean.Any(v => Math.Abs(v) > MaxMagnitude))
        {
            throw new ArgumentException(FormattableString.Invariant($"values beyond ±{MaxMagnitude:0e0} cannot be forecast (the arithmetic would overflow)"), nameof(values));
        }
        if (period < 2 || period * 2 > clean.Length)
        {
            period = 0;
        }
        // Only the current regime: a season needs two periods of it to be fitted, so a younger step is ignored.
        var skipped = RegimeStartOf(clean, period > 0 ? 2 * period : MinimumRegime);
        clean = clean[skipped..];
        var holdout = clean.Length / 4;
        var canHoldOut = holdout >= 2 && clean.Length - holdout >= MinimumFit(period);
        (double Alpha, double Beta, double Gamma, double Phi) best = (0.2, 0.0, 0.1, 0.9);
        var bestError = double.PositiveInfinity;
        foreach (var alpha in Alphas)
        {
            foreach (var beta in Betas)
            {
                foreach (var phi in Phis)
                {
                    foreach (var gamma in period > 0 ? Gammas : [0.0])
                    {
                        var error = canHoldOut
                            ? RollingOriginError(clean, holdout, period, alpha, beta, gamma, phi)
                            : Run(clean, period, alpha, beta, gamma, phi).Error;
                        error *= phi >= 1.0 ? UndampedPenalty : 1.0;
                        if (error < bestError)
                        {
                            (best, bestError) = ((alpha, beta, gamma, phi), error);
                        }
                    }
                }
            }
        }
        return Run(clean, period, best.Alpha, best.Beta, best.Gamma, best.Phi).Model with
        {
            SkippedSamples = skipped,
            NonNegative = clean.Where(double.IsFinite).Min() >= 0,
        };
    }

    /// <summary>The fewest values a model is fitted on: three, or two seasons.</summary>
    private static int MinimumFit(int period) => period == 0 ? 3 : 2 * period;

    /// <summary>
    /// Origins per holdout length: the holdouts overlap, a new origin every quarter of a holdout. One origin every
    /// holdout (three for most series) let the noise of the last few values before each origin pick the factors
    /// (docs/metric-detection.md, "Rolling origin").
    /// </summary>
    private const int OriginsPerHorizon = 4;

    /// <summary>
    /// The total error of forecasting <paramref name="horizon"/> values from each origin, every horizon /
    /// <see cref="OriginsPerHorizon"/> values back from the latest, while at least a horizon's worth of values (and
    /// enough to fit, <see cref="MinimumFit"/>) precede it: from a dozen values a trend is a guess at the noise, and
    /// such origins favour damping every trend away (the demo's filling disk was forecast never to fill on 16 % of
    /// its noise draws). One pass: the model fitted on <c>y[..origin]</c> is the pass's state at the origin.
    /// </summary>
    private static double RollingOriginError(double[] y, int horizon, int period, double alpha, double beta, double gamma, double phi)
    {
        var step = Math.Max(1, horizon / OriginsPerHorizon);
        var latest = y.Length - horizon;
        var origin = latest - ((latest - Math.Max(horizon, MinimumFit(period))) / step * step);
        var seasonal = new double[Math.Max(period, 1)];
        var (level, trend, t) = Initialise(y, period, seasonal);
        var total = 0.0;
        for (; origin <= latest; origin += step)
        {
            for (; t < origin; t++)
            {
                Learn(y[t], t, period, alpha, beta, gamma, phi, ref level, ref trend, seasonal);
            }
            total += HoldoutError(y.AsSpan(origin, horizon), origin, period, phi, level, trend, seasonal);
        }
        return total;
    }

    /// <summary>The absolute error of the forecast from a state reached after <paramref name="origin"/> values.</summary>
    private static double HoldoutError(ReadOnlySpan<double> actual, int origin, int period, double phi, double level, double trend, double[] seasonal)
    {
        // Scored without the floor at 0: with it, steep falling trends look harmless on the holdout and get chosen
        // (NAB backtest 0.991 -> 1.049 when the floor took part in the choice, 0.981 when it only shapes the forecast).
        var error = 0.0;
        var dampedSum = 0.0;
        var phiPower = 1.0;
        for (var h = 0; h < actual.Length; h++)
        {
            phiPower *= phi;
            dampedSum += phiPower;
            var forecast = level + (dampedSum * trend) + (period > 0 ? seasonal[(origin + h) % period] : 0);
            error += double.IsNaN(actual[h]) ? 0 : Math.Abs(actual[h] - forecast);
        }
        return double.IsFinite(error) ? error : double.PositiveInfinity;
    }

    /// <summary>Forecasts <paramref name="steps"/> samples after <paramref name="last"/>, one every
    /// <paramref name="interval"/>; fewer when the later ones would fall after the end of year 9999 (DateTime's range).</summary>
    public static Forecast Predict(HoltWintersModel model, DateTime last, TimeSpan interval, int steps, double intervalZ = 1.96)
    {
        steps = (int)Math.Min(steps, Math.Floor((DateTime.MaxValue - last) / interval));
        var points = new List<ForecastPoint>(steps);
        var dampedSum = 0.0;   // φ + φ² + … + φʰ
        var varianceFactor = 1.0;
        var phiPower = 1.0;
        for (var h = 1; h <= steps; h++)
        {
            phiPower *= model.Phi;
            dampedSum += phiPower;
            var seasonal = model.Period > 0 ? model.Seasonal[(model.SeasonalOffset + h - 1) % model.Period] : 0;
            var value = model.Level + (dampedSum * model.Trend) + seasonal;
            var halfWidth = intervalZ * model.ResidualStdDev * Math.Sqrt(varianceFactor);
            var (low, high) = (value - halfWidth, value + halfWidth);
            if (model.NonNegative)
            {
                (value, low, high) = (Math.Max(value, 0), Math.Max(low, 0), Math.Max(high, 0));
            }
            points.Add(new ForecastPoint(last + (interval * h), value, low, high));

            var seasonalHit = model.Period > 0 && h % model.Period == 0 ? model.Gamma : 0;
            var c = (model.Alpha * (1 + (model.Beta * dampedSum))) + seasonalHit;
            varianceFactor += c * c;
        }
        return new Forecast(points, model, 0.95);
    }

    private static (HoltWintersModel Model, double Error) Run(ReadOnlySpan<double> y, int period, double alpha, double beta, double gamma, double phi)
    {
        var seasonal = new double[Math.Max(period, 1)];
        var (level, trend, start) = Initialise(y, period, seasonal);
        double squared = 0;
        var count = 0;
        for (var t = start; t < y.Length; t++)
        {
            var error = Learn(y[t], t, period, alpha, beta, gamma, phi, ref level, ref trend, seasonal);
            if (!double.IsNaN(error))
            {
                squared += error * error;
                count++;
            }
        }
        var sd = count > 0 ? Math.Sqrt(squared / count) : 0;
        var mse = count > 0 ? squared / count : double.PositiveInfinity;
        var offset = period > 0 ? y.Length % period : 0;
        return (new HoltWintersModel(alpha, beta, gamma, phi, period, level, trend, seasonal, offset, sd), double.IsFinite(mse) ? mse : double.PositiveInfinity);
    }

    /// <summary>
    /// The classic initialisation: the first season's mean as level, the change between the first two seasons' means
    /// as trend, the first season's deviations as indices (without a season: the first value and the change to the
    /// next). Missing values take no part; a missing index starts at 0. <paramref name="y"/>[0] is a value.
    /// Returns the index of the first value to learn.
    /// </summary>
    private static (double Level, double Trend, int Start) Initialise(ReadOnlySpan<double> y, int period, double[] seasonal)
    {
        if (period == 0)
        {
            var next = 1;
            while (next < y.Length - 1 && double.IsNaN(y[next]))
            {
                next++;
            }
            return (y[0], double.IsNaN(y[next]) ? 0 : (y[next] - y[0]) / next, 1);
        }
        var first = MeanOfValues(y[..period]);
        var second = MeanOfValues(y[period..(2 * period)]);
        for (var i = 0; i < period; i++)
        {
            seasonal[i] = double.IsNaN(y[i]) ? 0 : y[i] - first;
        }
        return (first, double.IsNaN(second) ? 0 : (second - first) / period, period);
    }

    /// <summary>The mean of the values that are not missing; NaN when all are.</summary>
    private static double MeanOfValues(ReadOnlySpan<double> y)
    {
        double sum = 0;
        var count = 0;
        foreach (var v in y)
        {
            if (!double.IsNaN(v))
            {
                sum += v;
                count++;
            }
        }
        return count > 0 ? sum / count : double.NaN;
    }

    /// <summary>One smoothing step on the value at position <paramref name="t"/>; returns its one-step error. A missing
    /// value (NaN) advances the level and trend as forecast, leaves the season as it was, and returns NaN.</summary>
    private static double Learn(double value, int t, int period, double alpha, double beta, double gamma, double phi,
        ref double level, ref double trend, double[] seasonal)
    {
        if (double.IsNaN(value))
        {
            level += phi * trend;
            trend *= phi;
            return double.NaN;
        }
        var s = period > 0 ? seasonal[t % period] : 0;
        var error = value - (level + (phi * trend) + s);
        level += (phi * trend) + (alpha * error);
        trend = (phi * trend) + (alpha * beta * error);
        if (period > 0)
        {
            seasonal[t % period] = s + (gamma * error);
        }
        return error;
    }

    /// <summary>
    /// <see cref="RegimeStart.Find"/> over the values that are there, as a position in <paramref name="y"/> (always a
    /// value's, so the fit starts on one).
    /// </summary>
    private static int RegimeStartOf(double[] y, int minimumLength)
    {
        var positions = new List<int>(y.Length);
        var present = new List<double>(y.Length);
        for (var i = 0; i < y.Length; i++)
        {
            if (!double.IsNaN(y[i]))
            {
                positions.Add(i);
                present.Add(y[i]);
            }
        }
        var start = RegimeStart.Find(present.ToArray(), minimumLength);
        return start == 0 ? 0 : positions[start];
    }

    /// <summary>The values with every missing one (NaN, ±Inf) as NaN.</summary>
    private static double[] Missing(ReadOnlySpan<double> values)
    {
        var copy = values.ToArray();
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = double.IsFinite(copy[i]) ? copy[i] : double.NaN;
        }
        return copy;
    }
}
