using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Budget;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Tests.Slo;

/// <summary>
/// The tiered history (minutes for the burn windows, buckets for the period) against a plain per-minute truth: window
/// sums exact, budgets equal to the exact arithmetic over the bucket-aligned window, burn-down consistent.
/// </summary>
public class SliHistoryTests
{
    private const int Day = 1440;
    private static readonly long Start = MinuteRing.MinuteOf(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));

    private static DateTimeOffset Time(long minute) => DateTimeOffset.FromUnixTimeSeconds(minute * 60);

    private static readonly TimeWindow Rolling7d = TimeWindow.Rolling(SloDuration.Days(7));

    [Fact]
    public void Thirty_days_keep_three_days_of_minutes_and_quarter_hours_for_the_rest()
    {
        var history = new SliHistory(30 * Day, [.. BurnRateEvaluator.WindowMinutes(BurnRateWindows.For(TimeSpan.FromDays(30)))]);

        Assert.Equal(15, history.BucketMinutes);
        Assert.Equal(3 * Day, history.Minutes.Capacity);
        // 4,320 minutes + 2,881 buckets of 8 bytes: 57,608 bytes instead of 345,600 for every minute of the period.
        Assert.Equal(57_608, history.Bytes);
    }

    [Fact]
    public void One_minute_buckets_or_windows_near_the_period_keep_every_minute_of_the_period()
    {
        Assert.Equal(1, new SliHistory(7 * Day, [60], bucketMinutes: 1).BucketMinutes);
        var history = new SliHistory(Day, [23 * 60 + 50]);
        Assert.Equal(1, history.BucketMinutes);
        Assert.Equal(Day, history.Minutes.Capacity);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(1)]
    public void Window_sums_and_budgets_match_a_full_recount_through_gaps_late_events_and_corrections(int bucket)
    {
        var random = new Random(7);
        var history = new SliHistory(7 * Day, [5, 60, 360, Day], bucket);
        var truth = new Dictionary<long, EventCounts>();
        var policies = new[]
        {
            new BudgetPolicy(BudgetingMethod.Occurrences, 0.99),
            new BudgetPolicy(BudgetingMethod.Timeslices, 0.9, SliceMinutes: 15, SliceTarget: 0.95),
            new BudgetPolicy(BudgetingMethod.RatioTimeslices, 0.9, SliceMinutes: 30, MissingData: MissingDataPolicy.Bad),
        };
        for (var minute = Start; minute < Start + (10 * Day); minute++)
        {
            if (random.NextDouble() < 0.05)
            {
                continue; // a gap
            }
            var total = random.Next(0, 1000);
            var good = total - random.Next(0, Math.Max(1, total / 20));
            history.Set(minute, good, total);
            truth[minute] = new EventCounts(good, total);
            if (random.NextDouble() < 0.02)
            {
                // Late native events for a minute one to two days back (beyond the bucket tier's minutes when bucket is 15).
                var late = minute - random.Next(Day, 2 * Day);
                if (late >= Start)
                {
                    history.Add(late, 3, 5);
                    truth[late] = truth.GetValueOrDefault(late, new EventCounts(0, 0)) is var t && t.HasData ? new EventCounts(t.Good + 3, t.Total + 5) : new EventCounts(3, 5);
                }
            }
            if (random.NextDouble() < 0.01)
            {
                // A re-read replaces the previous minute.
                history.Set(minute - 1, 0, 50);
                truth[minute - 1] = new EventCounts(0, 50);
            }
            if ((minute - Start) % 331 != 0 || minute < Start + (8 * Day))
            {
                continue;
            }
            var now = Time(minute + 1);
            history.AdvanceTo(minute);
            for (var w = 0; w < history.Minutes.Windows.Count; w++)
            {
                var window = history.Minutes.Windows[w];
                var expected = Sum(truth, minute - window + 1, minute);
                Assert.Equal(expected.Total, history.Sum(w).Total, 3);
                Assert.Equal(expected.Bad, history.Sum(w).Bad, 3);
            }
            var sloWindow = SloWindow.At(Rolling7d, now);
            var from = history.AlignUp(MinuteRing.MinuteOf(sloWindow.Start));
            var minutes = Enumerable.Range(0, (int)(minute + 1 - from)).Select(i => truth.GetValueOrDefault(from + i, EventCounts.Missing)).ToArray();
            foreach (var policy in policies)
            {
                var expected = ErrorBudgetCalculator.Compute(policy, minutes, 7 * Day);
                var actual = HistoryBudget.Compute(history, policy, sloWindow, now);
                Assert.Equal(expected.Total, actual.Total, 3);
                Assert.Equal(expected.Consumed, actual.Consumed, 3);
                Assert.Equal(expected.Sli, actual.Sli, 9);
                var burnDown = HistoryBudget.BurnDown(history, policy, sloWindow, now);
                Assert.Equal(actual.Consumed, burnDown.Points[^1].Consumed, 3);
                Assert.Equal(0, burnDown.Points[0].Consumed);
                Assert.True(burnDown.Points.Zip(burnDown.Points.Skip(1)).All(p => p.Second.Consumed >= p.First.Consumed - 1e-9), "a burn-down never goes back up");
            }
        }
    }

    private static EventCounts Sum(Dictionary<long, EventCounts> truth, long from, long to)
    {
        var sum = EventCounts.Missing;
        for (var m = from; m <= to; m++)
        {
            sum = sum.Plus(truth.GetValueOrDefault(m, EventCounts.Missing));
        }
        return sum;
    }

    [Fact]
    public void A_calendar_day_budget_counts_exactly_from_local_midnight()
    {
        // Europe/Berlin midnight is 23:00 UTC in winter: a quarter-hour boundary, so the budget is exact.
        var window = new TimeWindow(SloDuration.Days(1), false, new CalendarAlignment(new DateTime(2026, 1, 1), "Europe/Berlin"));
        var history = new SliHistory(Day + 60, [5, 60]);
        var midnight = MinuteRing.MinuteOf(new DateTimeOffset(2026, 3, 1, 23, 0, 0, TimeSpan.Zero));
        history.Set(midnight - 1, 0, 1000); // the day before: outside the window
        for (var m = midnight; m < midnight + 90; m++)
        {
            history.Set(m, m < midnight + 10 ? 90 : 100, 100);
        }
        var now = Time(midnight + 90);

        var budget = HistoryBudget.Compute(history, new BudgetPolicy(BudgetingMethod.Occurrences, 0.99), SloWindow.At(window, now), now);

        Assert.Equal((90.0, 100.0), (Math.Round(budget.Total, 9), budget.Consumed)); // 9,000 events: 1% = 90 allowed, 10 × 10 bad
    }

    [Fact]
    public void Burn_down_of_a_hand_computed_window()
    {
        // 99% over a 2-hour rolling window of quarter-hours: 8 × 15 minutes of 100 events, 30 bad in the third quarter-hour.
        var window = TimeWindow.Rolling(SloDuration.Minutes(120));
        var history = new SliHistory(120, [5], bucketMinutes: 15);
        Assert.Equal(15, history.BucketMinutes);
        var first = Start + (Day * 10);
        for (var m = first; m < first + 120; m++)
        {
            history.Set(m, (m - first) / 15 == 2 ? 98 : 100, 100);
        }
        var now = Time(first + 120);

        var burnDown = HistoryBudget.BurnDown(history, new BudgetPolicy(BudgetingMethod.Occurrences, 0.99), SloWindow.At(window, now), now, maxPoints: 8);

        Assert.Equal(120, burnDown.Total, 9); // 12,000 events × 1%
        Assert.Equal([0, 0, 0, 30, 30, 30, 30, 30, 30], burnDown.Points.Select(p => p.Consumed));
        Assert.Equal(75, burnDown.Points[^1].RemainingPercent!.Value, 9);
        Assert.Equal(Time(first), burnDown.Points[0].At);
        Assert.Equal(now, burnDown.Points[^1].At);
    }
}
