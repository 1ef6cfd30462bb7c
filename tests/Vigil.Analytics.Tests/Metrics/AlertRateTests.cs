using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Tests.Metrics;

public sealed class AlertRateTests
{
    private const double Damping = 0.1;
    private static readonly DetectorSettings Settings = DetectorSettings.Default with { AlertRateDamping = Damping, AlertRateMemory = 10_000 };

    [Fact]
    public void A_series_that_never_alerted_is_scored_as_it_is()
    {
        var rate = new AlertRate(Damping, Settings.AlertRateMemory);
        rate.Fade();
        Assert.Equal(0.7, rate.Damped(0.7));
    }

    [Fact]
    public void After_five_recent_alerts_a_score_needs_about_0_71_to_reach_the_alert_threshold()
    {
        var rate = new AlertRate(Damping, Settings.AlertRateMemory);
        for (var i = 0; i < 5; i++)
        {
            rate.Count();
        }
        // Odds 0.62 / 0.38 = 1.632, divided by 1 + 0.1 · 5: a score needs odds 2.447, i.e. 0.7099.
        Assert.True(rate.Damped(0.711) >= SeriesScoring.DefaultAlertThreshold);
        Assert.True(rate.Damped(0.709) < SeriesScoring.DefaultAlertThreshold);
        Assert.True(rate.Damped(0.70) < 0.70);
    }

    [Fact]
    public void A_certain_score_and_a_zero_score_are_never_moved()
    {
        var rate = new AlertRate(Damping, Settings.AlertRateMemory);
        for (var i = 0; i < 1000; i++)
        {
            rate.Count();
        }
        Assert.Equal(1.0, rate.Damped(1.0));
        Assert.Equal(0.0, rate.Damped(0.0));
    }

    [Fact]
    public void An_alert_fades_by_one_over_e_over_the_memory()
    {
        var rate = new AlertRate(Damping, Settings.AlertRateMemory);
        rate.Count();
        for (var i = 0; i < Settings.AlertRateMemory; i++)
        {
            rate.Fade();
        }
        Assert.Equal(Math.Exp(-1), rate.Rate, 4);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.62)]
    [InlineData(0.95)]
    public void The_score_needed_is_what_the_damping_lifts_to_the_threshold(double threshold)
    {
        var rate = new AlertRate(Damping, Settings.AlertRateMemory);
        Assert.Equal(threshold, rate.Needed(threshold));
        for (var i = 0; i < 5; i++)
        {
            rate.Count();
        }
        var needed = rate.Needed(threshold);
        Assert.True(needed > threshold && needed <= 1);
        Assert.Equal(threshold, rate.Damped(needed), 12);
    }

    [Fact]
    public void Damping_0_turns_it_off()
    {
        var rate = new AlertRate(0, 10_000);
        rate.Count();
        Assert.Equal(0.7, rate.Damped(0.7));
    }

    [Fact]
    public void A_detector_on_white_noise_alerts_less_often_with_the_damping_than_without()
    {
        var noise = new SeriesBuilder(20_000, TimeSpan.FromMinutes(5)).Level(0).Noise(10, seed: 4).Build();
        int Flagged(DetectorSettings settings) => SeriesScoring.AnomalyScores(noise, settings).Count(s => s >= SeriesScoring.DefaultAlertThreshold);
        var damped = Flagged(DetectorSettings.Default);
        var undamped = Flagged(DetectorSettings.Default with { AlertRateDamping = 0 });
        Assert.True(damped < undamped, $"damped {damped}, undamped {undamped}");
        var withoutCadsOwnRate = Flagged(DetectorSettings.Default with { ContextualRateDamping = 0 });
        Assert.True(damped < withoutCadsOwnRate, $"damped {damped}, without CAD's own rate {withoutCadsOwnRate}");
    }
}
