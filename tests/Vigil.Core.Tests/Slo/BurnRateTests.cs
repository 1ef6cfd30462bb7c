using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Budget;

namespace Vigil.Core.Tests.Slo;

/// <summary>Multi-window, multi-burn-rate alerts (SRE Workbook table 5-8) and the incremental evaluator.</summary>
public class BurnRateTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static TimeSpan M(double minutes) => TimeSpan.FromMinutes(minutes);

    [Fact]
    public void Thirty_day_period_gives_the_workbook_table()
    {
        Assert.Equal(
            [
                new BurnRateWindow(AlertSeverity.Page, M(5), M(60), 2, 14.4),
                new BurnRateWindow(AlertSeverity.Page, M(30), M(360), 5, 6),
                new BurnRateWindow(AlertSeverity.Ticket, M(120), M(1440), 10, 3),
                new BurnRateWindow(AlertSeverity.Ticket, M(360), M(4320), 10, 1),
            ],
            BurnRateWindows.For(TimeSpan.FromDays(30)));
    }

    [Fact]
    public void Other_periods_scale_the_windows_and_keep_factors_and_budget_shares()
    {
        var windows = BurnRateWindows.For(TimeSpan.FromDays(7));

        // 1h × 7/30 = 14m; 5m × 7/30 ≈ 1.17m → 1m; 3d × 7/30 = 16h48m.
        Assert.Equal([(M(1), M(14)), (M(7), M(84)), (M(28), M(336)), (M(84), M(1008))], windows.Select(w => (w.Short, w.Long)));
        Assert.Equal([14.4, 6, 3, 1], windows.Select(w => Math.Round(w.Factor, 9)));
    }

    private static BurnRateEvaluator Evaluator() => new(0.999, TimeSpan.FromDays(30));

    /// <summary>Records <paramref name="minutes"/> minutes from <paramref name="from"/> with the given error share.</summary>
    private static DateTimeOffset Feed(BurnRateEvaluator evaluator, DateTimeOffset from, int minutes, double errorShare, double perMinute = 1000)
    {
        for (var i = 0; i < minutes; i++)
        {
            evaluator.Record(from.AddMinutes(i), perMinute * (1 - errorShare), perMinute);
        }
        return from.AddMinutes(minutes);
    }

    [Fact]
    public void Fast_burn_pages_when_both_the_hour_and_the_last_five_minutes_burn_over_14_4()
    {
        var evaluator = Evaluator();
        var now = Feed(evaluator, Start, 55, errorShare: 0);
        now = Feed(evaluator, now, 5, errorShare: 0.2);

        var result = evaluator.Evaluate(now);

        // 5m: 20% errors / 0.1% allowed = 200x. 1h: 1000 bad of 60,000 = 1.667% → 16.67x > 14.4.
        Assert.Equal(200, result.BurnRates.Single(r => r.Window == M(5)).BurnRate, 6);
        Assert.Equal(1000.0 / 60_000 / 0.001, result.BurnRates.Single(r => r.Window == M(60)).BurnRate, 6);
        Assert.Contains(result.Firing, f => f.Factor == 14.4);
        Assert.Equal(AlertSeverity.Page, result.Severity);
        Assert.Equal(AlertSeverity.Page, evaluator.FiringSeverity(now));
    }

    [Fact]
    public void Fast_burn_stops_paging_once_the_short_window_has_recovered()
    {
        var evaluator = Evaluator();
        var now = Feed(evaluator, Start, 55, errorShare: 0.02);
        now = Feed(evaluator, now, 5, errorShare: 0);

        var result = evaluator.Evaluate(now);

        // The hour still burns at 1100 bad / 60,000 = 18.3x, but the last 5 minutes are clean.
        Assert.Equal(18.333333, result.BurnRates.Single(r => r.Window == M(60)).BurnRate, 5);
        Assert.DoesNotContain(result.Firing, f => f.Factor == 14.4);
    }

    [Fact]
    public void Burning_exactly_at_the_factor_does_not_fire()
    {
        var evaluator = Evaluator();
        var now = Feed(evaluator, Start, 60, errorShare: 0.0144, perMinute: 1_000_000);

        var result = evaluator.Evaluate(now);

        Assert.Equal(14.4, result.BurnRates.Single(r => r.Window == M(60)).BurnRate, 6);
        Assert.DoesNotContain(result.Firing, f => f.Factor == 14.4);
        Assert.Contains(result.Firing, f => f.Factor == 6); // 14.4x is above 6x over 6h/30m as well
    }

    [Fact]
    public void Slow_burn_opens_a_ticket_without_paging()
    {
        var evaluator = Evaluator();
        // Three days at 1.5x (0.15% errors): over 1x on 3d/6h, under 3x on 1d/2h.
        var now = Feed(evaluator, Start, 3 * 1440, errorShare: 0.0015);

        var result = evaluator.Evaluate(now);

        Assert.Equal([1.0], result.Firing.Select(f => f.Factor));
        Assert.Equal(AlertSeverity.Ticket, result.Severity);
        Assert.Equal(1.5, result.PeriodBurnRate, 6);
    }

    [Fact]
    public void Windows_without_data_have_no_burn_rate_and_never_fire()
    {
        var evaluator = Evaluator();
        Feed(evaluator, Start, 10, errorShare: 1);

        var result = evaluator.Evaluate(Start.AddDays(4));

        Assert.All(result.BurnRates.Where(r => r.Window <= TimeSpan.FromDays(3)), r => Assert.True(double.IsNaN(r.BurnRate)));
        Assert.Empty(result.Firing);
        Assert.Equal(1000, result.PeriodBurnRate, 6); // the 10 bad minutes are still in the 30-day period
    }

    [Fact]
    public void A_count_beyond_a_float_is_held_at_the_largest_float_not_infinity()
    {
        // Minutes are stored as floats; a bogus count of 1e39 (beyond 3.4e38) once became ∞ there and the SLO's budget
        // and burn-down were unreadable for the rest of its period.
        var ring = new MinuteRing(60, [5, 60]);
        ring.Record(0, 1, 1e39);
        ring.Record(1, 10, 10);
        var sum = ring.Sum(1);
        Assert.True(double.IsFinite(sum.Total) && double.IsFinite(sum.Good), $"good {sum.Good}, total {sum.Total}");
        Assert.Equal(float.MaxValue + 10.0, sum.Total);
    }

    [Fact]
    public void Late_data_replaces_the_minute_it_belongs_to()
    {
        var evaluator = Evaluator();
        var now = Feed(evaluator, Start, 60, errorShare: 0);
        evaluator.Record(Start.AddMinutes(58), 0, 1000); // corrected: that minute failed completely

        var result = evaluator.Evaluate(now);

        Assert.Equal(1000.0 / 5000 / 0.001, result.BurnRates.Single(r => r.Window == M(5)).BurnRate, 6);
        Assert.Equal(1000.0 / 60_000 / 0.001, result.BurnRates.Single(r => r.Window == M(60)).BurnRate, 6);
    }

    [Fact]
    public void Running_sums_equal_a_full_recount_after_days_of_random_traffic_and_gaps()
    {
        var random = new Random(42);
        var ring = new MinuteRing(4 * 1440, [5, 60, 1440, 4 * 1440]);
        var truth = new Dictionary<long, EventCounts>();
        for (long minute = 0; minute < 9 * 1440; minute++)
        {
            if (random.NextDouble() < 0.1)
            {
                continue; // a gap
            }
            var total = random.Next(0, 5000);
            var good = total - random.Next(0, Math.Max(1, total / 50));
            ring.Record(minute, good, total);
            truth[minute] = new EventCounts(good, total);
            if (minute % 997 == 0)
            {
                for (var w = 0; w < ring.Windows.Count; w++)
                {
                    var expected = EventCounts.Missing;
                    for (var m = minute - ring.Windows[w] + 1; m <= minute; m++)
                    {
                        expected = expected.Plus(truth.GetValueOrDefault(m, EventCounts.Missing));
                    }
                    var actual = ring.Sum(w);
                    Assert.Equal(expected.Total, actual.Total, 6);
                    Assert.Equal(expected.Bad, actual.Bad, 6);
                }
            }
        }
    }

    [Fact]
    public void Ring_minutes_feed_the_budget_arithmetic()
    {
        var evaluator = Evaluator();
        Feed(evaluator, Start, 3, errorShare: 0.5, perMinute: 10);

        var minutes = evaluator.Ring.Minutes(MinuteRing.MinuteOf(Start) - 2);
        var budget = ErrorBudgetCalculator.Occurrences(0.9, minutes);

        Assert.Equal(5, minutes.Length); // two minutes before the first record have no data
        Assert.False(minutes[0].HasData);
        Assert.Equal((3, 15), (Math.Round(budget.Total, 9), budget.Consumed));
    }
}
