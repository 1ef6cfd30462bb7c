using Vigil.Core.Slo.Budget;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Tests.Slo;

/// <summary>Budget arithmetic checked against numbers worked out by hand (see docs/slo.md for the same examples).</summary>
public class ErrorBudgetTests
{
    private static readonly EventCounts Gap = EventCounts.Missing;

    private static EventCounts Events(double good, double total) => new(good, total);

    /// <summary>Minutes of <paramref name="length"/> with the same counts.</summary>
    private static IEnumerable<EventCounts> Repeat(EventCounts counts, int length) => Enumerable.Repeat(counts, length);

    [Fact]
    public void Occurrences_budget_is_the_allowed_share_of_events_seen()
    {
        // 99.9% over 1,000,000 requests allows 1,000 failures; 400 failed.
        EventCounts[] minutes = [Events(499_800, 500_000), Events(499_800, 500_000)];

        var budget = ErrorBudgetCalculator.Compute(new BudgetPolicy(BudgetingMethod.Occurrences, 0.999), minutes, 43_200);

        Assert.Equal(BudgetUnit.Events, budget.Unit);
        Assert.Equal(0.9996, budget.Sli, 12);
        Assert.Equal(1_000, budget.Total, 6);
        Assert.Equal(400, budget.Consumed, 6);
        Assert.Equal(600, budget.Remaining, 6);
        Assert.Equal(40, budget.ConsumedPercent, 9);
        Assert.Equal(60, budget.RemainingPercent, 9);
        Assert.False(budget.IsExhausted);
    }

    [Fact]
    public void Occurrences_ignore_gaps_whatever_the_policy_because_a_gap_has_no_events()
    {
        EventCounts[] minutes = [Events(90, 100), Gap, Gap, Events(100, 100)];

        foreach (var policy in Enum.GetValues<MissingDataPolicy>())
        {
            var budget = ErrorBudgetCalculator.Compute(new BudgetPolicy(BudgetingMethod.Occurrences, 0.9, MissingData: policy), minutes, 60);
            Assert.Equal((0.95, 20, 10), (budget.Sli, Math.Round(budget.Total, 9), budget.Consumed));
        }
    }

    [Fact]
    public void Overspent_budget_has_negative_remainder_and_is_exhausted()
    {
        var budget = ErrorBudgetCalculator.Occurrences(0.99, [Events(9_850, 10_000)]);

        Assert.Equal(100, budget.Total, 9);
        Assert.Equal(150, budget.Consumed, 9);
        Assert.Equal(-50, budget.RemainingPercent, 9);
        Assert.True(budget.IsExhausted);
    }

    [Fact]
    public void No_events_yet_means_no_budget_spent_and_no_sli()
    {
        var budget = ErrorBudgetCalculator.Occurrences(0.999, [Gap, Events(0, 0)]);

        Assert.True(double.IsNaN(budget.Sli));
        Assert.Equal((0, 0, 100), (budget.Total, budget.Consumed, budget.RemainingPercent));
    }

    /// <summary>
    /// A 60-minute window of 5-minute slices (12 slices), objective 75% (3 bad slices = 15 minutes allowed), slice
    /// target 90%. After 42 minutes: 8 complete slices (the 2 trailing minutes are not judged yet): 6 good, one at
    /// 80% (bad), one without data.
    /// </summary>
    private static EventCounts[] FortyTwoMinutes() =>
    [
        .. Repeat(Events(10, 10), 15),        // slices 1-3: 100%
        .. Repeat(Events(8, 10), 5),          // slice 4: 80% < 90% → bad
        .. Repeat(Gap, 3), .. Repeat(Events(0, 0), 2), // slice 5: no events → missing
        .. Repeat(Events(19, 20), 15),        // slices 6-8: 95% ≥ 90%
        Events(0, 10), Events(0, 10),         // incomplete slice 9: not judged
    ];

    [Theory]
    [InlineData(MissingDataPolicy.Ignore, 6.0 / 7, 13.75, 5)]  // budget 0.25 × (12 − 1) × 5
    [InlineData(MissingDataPolicy.Bad, 6.0 / 8, 15, 10)]
    [InlineData(MissingDataPolicy.Good, 7.0 / 8, 15, 5)]
    public void Timeslices_judge_complete_slices_and_apply_the_missing_data_policy(MissingDataPolicy missing, double sli, double total, double consumed)
    {
        var policy = new BudgetPolicy(BudgetingMethod.Timeslices, 0.75, SliceMinutes: 5, SliceTarget: 0.9, MissingData: missing);

        var budget = ErrorBudgetCalculator.Compute(policy, FortyTwoMinutes(), windowMinutes: 60);

        Assert.Equal(BudgetUnit.Minutes, budget.Unit);
        Assert.Equal(sli, budget.Sli, 12);
        Assert.Equal(total, budget.Total, 9);
        Assert.Equal(consumed, budget.Consumed, 9);
    }

    [Fact]
    public void Ratio_timeslices_spend_the_bad_share_of_each_slice()
    {
        // Three 1-minute slices at 100%, 50% and 90%: SLI is their mean, 80%; 0 + 0.5 + 0.1 minutes are spent.
        var policy = new BudgetPolicy(BudgetingMethod.RatioTimeslices, 0.9);

        var budget = ErrorBudgetCalculator.Compute(policy, [Events(4, 4), Events(1, 2), Events(9, 10)], windowMinutes: 10);

        Assert.Equal(0.8, budget.Sli, 12);
        Assert.Equal(1.0, budget.Total, 12); // 10% of 10 one-minute slices
        Assert.Equal(0.6, budget.Consumed, 12);
        Assert.Equal(60, budget.ConsumedPercent, 9);
    }

    [Fact]
    public void Burn_rate_is_the_error_ratio_over_the_allowed_ratio()
    {
        Assert.Equal(14.4, ErrorBudgetCalculator.BurnRate(Events(98_560, 100_000), 0.999), 9);
        Assert.Equal(1, ErrorBudgetCalculator.BurnRate(Events(999, 1_000), 0.999), 9);
        Assert.True(double.IsNaN(ErrorBudgetCalculator.BurnRate(Events(0, 0), 0.999)));
    }

    [Fact]
    public void Rolling_window_is_the_last_duration_in_whole_minutes()
    {
        var now = new DateTimeOffset(2024, 3, 15, 10, 30, 45, TimeSpan.Zero);

        var window = SloWindow.At(TimeWindow.Rolling(SloDuration.Days(28)), now);

        Assert.Equal(new DateTimeOffset(2024, 2, 16, 10, 30, 0, TimeSpan.Zero), window.Start);
        Assert.Equal(new DateTimeOffset(2024, 3, 15, 10, 30, 0, TimeSpan.Zero), window.End);
        Assert.Equal(28 * 1440, window.Minutes);
    }

    [Fact]
    public void Calendar_month_in_berlin_ends_an_hour_short_when_summer_time_starts()
    {
        var monthly = new TimeWindow(new SloDuration(1, DurationUnit.Month), false, new CalendarAlignment(new DateTime(2024, 1, 1), "Europe/Berlin"));

        var window = SloWindow.At(monthly, new DateTimeOffset(2024, 3, 15, 12, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2024, 2, 29, 23, 0, 0, TimeSpan.Zero), window.Start); // 1 March 00:00 CET
        Assert.Equal(new DateTimeOffset(2024, 3, 31, 22, 0, 0, TimeSpan.Zero), window.End);   // 1 April 00:00 CEST
        Assert.Equal(31 * 1440 - 60, window.Minutes);
    }

    [Fact]
    public void Calendar_day_is_local_midnight_to_midnight()
    {
        var daily = new TimeWindow(SloDuration.Days(1), false, new CalendarAlignment(new DateTime(2024, 1, 1), "America/New_York"));

        var window = SloWindow.At(daily, new DateTimeOffset(2024, 3, 10, 16, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2024, 3, 10, 5, 0, 0, TimeSpan.Zero), window.Start);
        Assert.Equal(23 * 60, window.Minutes); // clocks spring forward that night
    }

    [Fact]
    public void Calendar_periods_step_from_the_start_time_even_before_it()
    {
        var weekly = new TimeWindow(new SloDuration(2, DurationUnit.Week), false, new CalendarAlignment(new DateTime(2024, 1, 1, 12, 0, 0), "UTC"));

        var window = SloWindow.At(weekly, new DateTimeOffset(2023, 12, 20, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2023, 12, 18, 12, 0, 0, TimeSpan.Zero), window.Start);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero), window.End);
    }

    [Fact]
    public void Policy_comes_from_the_slo_objective_and_annotation()
    {
        var catalog = OpenSloCatalog.Parse(SloSamples.Checkout, "checkout.yaml");
        var availability = catalog.Slos.Single(s => s.Name == "checkout-availability");
        var latency = catalog.Slos.Single(s => s.Name == "checkout-latency");

        Assert.Equal(new BudgetPolicy(BudgetingMethod.Occurrences, 0.999, 1, 1, MissingDataPolicy.Bad), BudgetPolicy.For(availability, availability.Objectives[0]));
        Assert.Equal(new BudgetPolicy(BudgetingMethod.Timeslices, 0.99, 5, 0.95, MissingDataPolicy.Ignore), BudgetPolicy.For(latency, latency.Objectives[0]));
    }

    [Fact]
    public void Unknown_missing_data_annotation_is_a_validation_error()
    {
        var yaml = SloSamples.Checkout.Replace("vigil/missing-data: bad", "vigil/missing-data: maybe", StringComparison.Ordinal);

        var error = Assert.Single(OpenSloCatalog.Parse(yaml, "c.yaml").Errors);

        Assert.Contains("\"vigil/missing-data\" must be good, bad or ignore, not \"maybe\"", error.Message, StringComparison.Ordinal);
    }
}
