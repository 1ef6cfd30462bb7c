using Vigil.Analytics.Metrics;
using Vigil.Server.Metrics;

namespace Vigil.Server.Tests.Metrics;

public sealed class MetricPointTests
{
    private static MetricPoint Point(double value, float score, AnomalySignal signal) =>
        new(DateTime.UnixEpoch.Ticks, value, score, Expected: 100, Lower: 80, Upper: 120, signal);

    [Fact]
    public void A_spike_is_an_anomaly_only_outside_its_expected_range()
    {
        Assert.True(Point(130, 0.2f, AnomalySignal.Spike).IsAnomaly(0.07));
        Assert.True(Point(70, 0.2f, AnomalySignal.Spike).IsAnomaly(0.07));
        // A young series breaking its record of surprise with ordinary noise: scored, drawn inside the band, not an anomaly.
        Assert.False(Point(110, 0.2f, AnomalySignal.Spike).IsAnomaly(0.07));
    }

    [Theory]
    [InlineData(AnomalySignal.Pattern)]
    [InlineData(AnomalySignal.LevelShift)]
    [InlineData(AnomalySignal.SeasonalDeviation)]
    public void Other_signals_are_judged_by_their_score(AnomalySignal signal)
    {
        Assert.True(Point(110, 0.8f, signal).IsAnomaly(0.69));
        Assert.False(Point(110, 0.5f, signal).IsAnomaly(0.69));
    }
}
