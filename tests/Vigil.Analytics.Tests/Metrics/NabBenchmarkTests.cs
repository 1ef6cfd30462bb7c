using Vigil.Analytics.Metrics;
using Vigil.Analytics.Nab;
using Xunit.Abstractions;

namespace Vigil.Analytics.Tests.Metrics;

/// <summary>The NAB scoreboard on the shared data folder (an accuracy benchmark; the floor guards regressions).</summary>
public sealed class NabBenchmarkTests(ITestOutputHelper output)
{
    /// <summary>Just below the measured scores of the default detector (standard 74.6, reward-low-FP 63.2 with the alert
    /// threshold of 0.62, decision 021; at 0.69 74.8 / 63.7, without CAD's own rate 73.1 / 60.9, without the alert-rate damping as well 72.5 / 59.1, without the nearest-window member as well 70.4 / 57.1; with ARTime
    /// at one time scale 69.5 / 57.0, without the seasonal shift as well 67.9 / 55.5 and without ARTime 60.9 / 53.1, so
    /// this catches losing any of them).</summary>
    private const double StandardFloor = 74.5;

    private const double LowFalsePositiveFloor = 63.0;

    [Fact]
    public void Overall_standard_score_stays_above_the_floor()
    {
        if (NabData.RootOrSkip(output) is not { } root)
        {
            return;
        }
        var results = NabReport.Run(NabCorpus.Load(root));
        output.WriteLine(NabReport.Format(results));
        var standard = results.Single(r => r.Profile.Name == "standard");
        Assert.True(standard.Overall.Normalised >= StandardFloor, $"NAB standard score {standard.Overall.Normalised:0.0} fell below {StandardFloor}");
        var lowFalsePositives = results.Single(r => r.Profile.Name == "reward_low_FP_rate");
        Assert.True(lowFalsePositives.Overall.Normalised >= LowFalsePositiveFloor,
            $"NAB reward-low-FP score {lowFalsePositives.Overall.Normalised:0.0} fell below {LowFalsePositiveFloor}");
    }

    /// <summary>A detector as the server runs it, at its own threshold rather than NAB's optimised one: the default
    /// measured 74.3 (at the threshold of 0.69 before decision 021, 67.1); lightweight 51.8 at its 0.56 (51.2 with the
    /// transition novelty gated at 0.5 before decision 024, 46.1 at the shared 0.62 before decision 023); balanced 69.9
    /// at its 0.59 (66.7 at 0.62 with the gate at 0.5 before decision 024).</summary>
    [Theory]
    [InlineData(NabDetectors.Default, 74.0)]
    [InlineData("lightweight", 51.4)]
    [InlineData("balanced", 69.5)]
    public void A_detector_at_its_own_threshold_stays_above_its_floor(string detector, double floor)
    {
        if (NabData.RootOrSkip(output) is not { } root)
        {
            return;
        }
        var threshold = DetectorKinds.Settings(detector).AlertThreshold;
        var results = NabReport.Run(NabCorpus.Load(root), NabDetectors.All[detector], threshold);
        output.WriteLine(NabReport.Format(results));
        var standard = results.Single(r => r.Profile.Name == "standard");
        Assert.Equal(threshold, standard.Threshold);
        Assert.True(standard.Overall.Normalised >= floor,
            $"{detector} NAB standard score at its threshold {threshold} {standard.Overall.Normalised:0.0} fell below {floor}");
    }

    /// <summary>Each cheaper detector just below its measured standard score: balanced 70.5 (69.5 with the transition
    /// novelty gated at 0.5 and the threshold of 0.62 before decision 024, 68.2 with ARTime at one time scale before decision 022, 67.7 with the threshold of 0.69 before decision 021 as well, 66.9 without the alert-rate
    /// damping, 64.6 with the young-series
    /// rule, 59.5 without the transition novelty member, 57.9 without the seasonal shift as well); lightweight 51.9 (51.3 with the
    /// transition novelty gated at 0.5 before decision 024, 52.5 with the shared threshold of 0.62 before decision 023 as well, 52.6 at 0.69, 50.3
    /// without the nearest window, 48.7 without the seasonal shift as well, 48.4 without the damping as well, 36.8 with its novelty score uncalibrated; 34.5
    /// without the member: the statistical detector).</summary>
    [Theory]
    [InlineData("balanced", 69.8)]
    [InlineData("lightweight", 51.4)]
    public void The_cheaper_detectors_stay_above_their_floors(string detector, double floor)
    {
        if (NabData.RootOrSkip(output) is not { } root)
        {
            return;
        }
        var results = NabReport.Run(NabCorpus.Load(root), NabDetectors.All[detector]);
        output.WriteLine(NabReport.Format(results));
        var standard = results.Single(r => r.Profile.Name == "standard").Overall.Normalised;
        Assert.True(standard >= floor, $"{detector} NAB standard score {standard:0.0} fell below {floor}");
    }

    [Fact]
    public void Forecast_backtest_on_the_real_series_is_reported()
    {
        if (NabData.RootOrSkip(output) is not { } root)
        {
            return;
        }
        var backtests = NabCorpus.Load(root).Files.Where(f => f.Category.StartsWith("real", StringComparison.Ordinal))
            .Select(f => Analytics.Metrics.ForecastBacktest.Run(f.RelativePath, f.Series)).ToList();
        // Relative errors are aggregated by their geometric mean (Hyndman & Koehler 2006), so one series with a
        // ratio of 3 and one of 1/3 cancel out instead of averaging to 1.67.
        var geometricRelative = Math.Exp(backtests.Average(b => Math.Log(b.RelativeMae)));
        foreach (var b in backtests)
        {
            output.WriteLine($"  {b.Name,-58} season {b.Period,4}  MASE {b.Mase,6:0.00} (naive {b.NaiveMase,6:0.00})  MAE ratio {b.RelativeMae:0.00}");
        }
        output.WriteLine($"forecast: {backtests.Count(b => b.BeatsBaseline)}/{backtests.Count} series beat seasonal naive; MAE ratio geometric mean {geometricRelative:0.000}, " +
            $"arithmetic mean {backtests.Average(b => b.RelativeMae):0.000}; mean MASE {backtests.Average(b => b.Mase):0.00} (seasonal naive {backtests.Average(b => b.NaiveMase):0.00})");
        // Measured 0.941 with overlapping rolling origins; one origin per holdout scored 0.968 and a single holdout
        // 0.981, so this floor catches a return to either.
        Assert.True(geometricRelative < 0.96, $"geometric mean MAE ratio to seasonal naive {geometricRelative:0.000}");
    }
}
