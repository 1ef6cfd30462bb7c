using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Budget;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Tests.Slo;

/// <summary>
/// The tiered history (minutes for the burn windows, buckets for the period, the edge bucket's minutes) against a plain
/// per-minute truth: window sums exact, budgets equal to the exact arithmetic over every minute of the window (rolling
/// windows starting inside a quarter-hour included), burn-down consistent.
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
        Assert.Equal(Day + 1, history.Minutes.Capacity); // the period, and the current minute after it
    }

    [Fact]
    public void A_one_minute_history_keeps_the_first_minute_of_the_period_while_the_current_minute_has_events()
    {
        var history = new SliHistory(60, [5], bucketMinutes: 1);
        history.Add(Start, good: 7, total: 10); // the first minute of the hour that ends where Start + 60 begins
        history.Add(Start + 60, good: 100, total: 100); // the current, incomplete minute

        Assert.Equal(3, history.SumRange(Start, Start + 60).Bad);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(1)]
    public void Window_sums_and_budgets_match_the_exact_arithmetic_over_every_minute_through_gaps_late_events_and_corrections(int bucket)
    {
        var random = new Random(7);
        var history = new SliHistory(7 * Day, [5, 60, 360, Day], bucket);
        var truth = new Dictionary<long, EventCounts>();
        int edges = 0, unaligned = 0;
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
            var start = MinuteRing.MinuteOf(sloWindow.Start);
            if (history.EdgeToLoad(start) is { } edge)
            {
                // What the server loads from slo_minutes: the stored minutes of the bucket the window starts in and the next.
                history.SetEdge(edge.From, truth.Where(t => t.Key >= edge.From && t.Key < edge.End).Select(t => (t.Key, t.Value.Good, t.Value.Total)));
                if (start % 15 != 0)
                {
                    edges++;
                    // Late native events inside the edge count in the edge too.
                    history.Add(start + 1, 2, 7);
                    truth[start + 1] = truth.GetValueOrDefault(start + 1, EventCounts.Missing) is { HasData: true } e ? new EventCounts(e.Good + 2, e.Total + 7) : new EventCounts(2, 7);
                }
            }
            Assert.True(history.IsExactFrom(start));
            unaligned += start % 15 != 0 ? 1 : 0;
            // The truth: every minute from the window start (not rounded to a bucket), through the exact arithmetic.
            var minutes = Enumerable.Range(0, (int)(minute + 1 - start)).Select(i => truth.GetValueOrDefault(start + i, EventCounts.Missing)).ToArray();
            var period = history.SumLast(7 * Day);
            Assert.Equal(ErrorBudgetCalculator.Sum(minutes).Total, period.Total, 3);
            Assert.Equal(ErrorBudgetCalculator.Sum(minutes).Bad, period.Bad, 3);
            foreach (var policy in policies)
            {
                var expected = ErrorBudgetCalculator.Compute(policy, minutes, sloWindow);
                var actual = HistoryBudget.Compute(history, policy, sloWindow, now);
                Assert.Equal(expected.Total, actual.Total, 3);
                Assert.Equal(expected.Consumed, actual.Consumed, 3);
                Assert.Equal(expected.Sli, actual.Sli, 9);
                var burnDown = HistoryBudget.BurnDown(history, policy, sloWindow, now);
                Assert.Equal(actual.Consumed, burnDown.Points[^1].Consumed, 3);
                Assert.Equal(0, burnDown.Points[0].Consumed);
                Assert.Equal(policy.Method == BudgetingMethod.Occurrences ? sloWindow.Start : Time(sloWindow.FirstSliceMinute(policy.SliceMinutes)), burnDown.Points[0].At);
                Assert.True(burnDown.Points.Zip(burnDown.Points.Skip(1)).All(p => p.Second.Consumed >= p.First.Consumed - 1e-9), "a burn-down never goes back up");
            }
        }
        Assert.True(unaligned > 3, "most windows checked start inside a quarter-hour");
        Assert.Equal(bucket == 15 ? unaligned : 0, edges);
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

    [Fact]
    public void A_rolling_budget_counts_from_the_exact_minute_with_the_edge_and_rounds_up_without_it()
    {
        // 99% over a rolling 10 hours of quarter-hours, 100 events a minute. At first + 607 the window starts at first + 7:
        // 50 bad events at first + 5 are outside it, 2 × 20 bad at first + 7 and first + 8 inside.
        var window = TimeWindow.Rolling(SloDuration.Minutes(600));
        var history = new SliHistory(600, [5], bucketMinutes: 15);
        var first = Start + (Day * 10);
        var stored = new List<(long Minute, double Good, double Total)>();
        for (var m = first; m < first + 607; m++)
        {
            var bad = m == first + 5 ? 50 : m == first + 7 || m == first + 8 ? 20 : 0;
            history.Set(m, 100 - bad, 100);
            stored.Add((m, 100 - bad, 100));
        }
        var now = Time(first + 607);
        var sloWindow = SloWindow.At(window, now);
        var policy = new BudgetPolicy(BudgetingMethod.Occurrences, 0.99);

        var rounded = HistoryBudget.Compute(history, policy, sloWindow, now);
        Assert.Equal(0, rounded.Consumed); // no edge: from first + 15 on
        Assert.False(history.IsExactFrom(first + 7));

        Assert.Equal((first, first + 30), history.EdgeToLoad(first + 7));
        history.SetEdge(first, stored.Where(s => s.Minute < first + 30));
        Assert.Null(history.EdgeToLoad(first + 7));
        var exact = HistoryBudget.Compute(history, policy, sloWindow, now);

        Assert.Equal((600.0, 40.0), (Math.Round(exact.Total, 9), exact.Consumed)); // 60,000 events in the window: 1% = 600
        Assert.Equal(1 - (40 / 60_000.0), exact.Sli, 12);
        Assert.Equal(40, HistoryBudget.BurnDown(history, policy, sloWindow, now).Points[^1].Consumed);
        Assert.Equal(40, history.SumLast(600).Bad);
    }

    [Fact]
    public void Rolling_time_slices_are_aligned_to_the_clock_and_only_complete_ones_inside_the_window_count()
    {
        // Hour slices over a rolling 10 hours, window starting at first + 7 (first is midnight): the slice first..first + 60
        // straddles the start and is not judged; nine complete slices follow, the one at first + 600 is still running.
        var window = TimeWindow.Rolling(SloDuration.Minutes(600));
        var history = new SliHistory(600, [5], bucketMinutes: 15);
        var first = Start + (Day * 10);
        for (var m = first; m < first + 607; m++)
        {
            var hour = (m - first) / 60;
            history.Set(m, hour == 0 || hour == 3 ? 90 : 100, 100); // hours 0 and 3 below the 95% slice target
        }
        var now = Time(first + 607);
        var sloWindow = SloWindow.At(window, now);
        Assert.Equal(first + 60, sloWindow.FirstSliceMinute(60));
        var policy = new BudgetPolicy(BudgetingMethod.Timeslices, 0.9, SliceMinutes: 60, SliceTarget: 0.95);

        var budget = HistoryBudget.Compute(history, policy, sloWindow, now);

        Assert.Equal(60, budget.Total, 9); // 10% of the window's ten hour slices
        Assert.Equal(60, budget.Consumed); // hour 3 only
        Assert.Equal(8 / 9.0, budget.Sli, 12);
        var minutes = Enumerable.Range(7, 600).Select(i => new EventCounts(i / 60 is 0 or 3 ? 90 : 100, 100)).ToArray();
        var expected = ErrorBudgetCalculator.Compute(policy, minutes, sloWindow);
        Assert.Equal((expected.Total, expected.Consumed, expected.Sli), (budget.Total, budget.Consumed, budget.Sli), (a, b) =>
            Math.Abs(a.Item1 - b.Item1) < 1e-9 && a.Item2 == b.Item2 && Math.Abs(a.Item3 - b.Item3) < 1e-12);
        Assert.Equal(Time(first + 60), HistoryBudget.BurnDown(history, policy, sloWindow, now).Points[0].At);
    }
}
