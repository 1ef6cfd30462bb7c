using Vigil.Analytics.Metrics;
using Vigil.Server.Metrics;

namespace Vigil.Server.Tests.Metrics;

/// <summary>What a MetricAnomaly alert says of its point: "outside expected" only when it is.</summary>
public sealed class MetricAlertsTests
{
    private static readonly SeriesKey Key = new("queue_depth", [new("queue", "orders")]);
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    private static string Summary(double value, AnomalySignal signal) =>
        MetricAlerts.ForAnomaly(Key, new MetricPoint(Now.UtcTicks, value, 0.9f, 32, 31, 33, signal), Now, Now).Annotations.Get("summary")!;

    [Fact]
    public void A_point_outside_the_band_is_said_to_be_outside_it()
    {
        Assert.Equal("queue_depth{queue=\"orders\"}: value 40 outside expected [31, 33] (spike)", Summary(40, AnomalySignal.Spike));
    }

    [Theory]
    [InlineData(AnomalySignal.Pattern, "an unexpected sequence of values")]
    [InlineData(AnomalySignal.NovelStretch, "a stretch of values unlike any before")]
    [InlineData(AnomalySignal.NovelTransition, "a move between levels never made before")]
    public void A_pattern_outside_the_band_says_which_kind_it_was(AnomalySignal signal, string why)
    {
        Assert.Equal($"queue_depth{{queue=\"orders\"}}: value 40 outside expected [31, 33] ({why})", Summary(40, signal));
    }

    [Fact]
    public void A_seasonal_shift_outside_the_band_says_what_ran_unlike_yesterday()
    {
        Assert.Equal("queue_depth{queue=\"orders\"}: value 20 outside expected [31, 33] (a run of values unlike the same hours yesterday)",
            Summary(20, AnomalySignal.SeasonalShift));
    }

    [Theory]
    [InlineData(AnomalySignal.Spike, "far from its recent level (spike)")]
    [InlineData(AnomalySignal.LevelShift, "its recent mean moved away from its long-run mean (level shift)")]
    [InlineData(AnomalySignal.Pattern, "in an unexpected sequence of values")]
    [InlineData(AnomalySignal.NovelStretch, "in a stretch of values unlike any before")]
    [InlineData(AnomalySignal.NovelTransition, "reached by a move between levels never made before")]
    [InlineData(AnomalySignal.SeasonalShift, "its recent values run unlike the same hours yesterday (seasonal shift)")]
    [InlineData(AnomalySignal.Flatline, "it has held this one value for longer than it ever held one before: is its source stuck? (flatline)")]
    public void A_point_inside_the_band_is_not_said_to_be_outside_it(AnomalySignal signal, string why)
    {
        // On a seasonal series the band is yesterday's, while a spike is measured from the recent level: on NAB's
        // art_daily_no_noise the default flags 32 with 31.1 .. 32.9 expected, "spike: 17.8σ from the recent level".
        Assert.Equal($"queue_depth{{queue=\"orders\"}}: value 32 inside expected [31, 33] but {why}", Summary(32, signal));
    }
}
