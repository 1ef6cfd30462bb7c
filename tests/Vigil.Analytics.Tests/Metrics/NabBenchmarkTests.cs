using Vigil.Analytics.Nab;
using Xunit.Abstractions;

namespace Vigil.Analytics.Tests.Metrics;

/// <summary>The NAB scoreboard on the shared data folder (an accuracy benchmark; the floor guards regressions).</summary>
public sealed class NabBenchmarkTests(ITestOutputHelper output)
{
    /// <summary>A little below the measured standard-profile score (34.2 with the default settings).</summary>
    private const double StandardFloor = 32.0;

    [Fact]
    public void Overall_standard_score_stays_above_the_floor()
    {
        var root = NabDataLocator.Find(AppContext.BaseDirectory);
        if (root is null)
        {
            // xunit 2 has no runtime skip: say so loudly and pass.
            output.WriteLine("SKIPPED: NAB data folder not found (expected ../shared/data/nab next to the folder holding Vigil.sln).");
            return;
        }
        var results = NabReport.Run(NabCorpus.Load(root));
        output.WriteLine(NabReport.Format(results));
        var standard = results.Single(r => r.Profile.Name == "standard");
        Assert.True(standard.Overall.Normalised >= StandardFloor, $"NAB standard score {standard.Overall.Normalised:0.0} fell below {StandardFloor}");
    }

    [Fact]
    public void Forecast_backtest_on_the_real_series_is_reported()
    {
        var root = NabDataLocator.Find(AppContext.BaseDirectory);
        if (root is null)
        {
            output.WriteLine("SKIPPED: NAB data folder not found.");
            return;
        }
        var backtests = NabCorpus.Load(root).Files.Where(f => f.Category.StartsWith("real", StringComparison.Ordinal))
            .Select(f => Analytics.Metrics.ForecastBacktest.Run(f.RelativePath, f.Series)).ToList();
        var meanRelative = backtests.Average(b => b.RelativeMae);
        output.WriteLine($"forecast: {backtests.Count(b => b.BeatsBaseline)}/{backtests.Count} series beat seasonal naive; mean MAE ratio {meanRelative:0.000}; mean MASE {backtests.Average(b => b.Mase):0.00} (naive {backtests.Average(b => b.NaiveMase):0.00})");
        Assert.True(meanRelative < 1.0, $"mean MAE ratio to seasonal naive {meanRelative:0.000}");
    }
}
