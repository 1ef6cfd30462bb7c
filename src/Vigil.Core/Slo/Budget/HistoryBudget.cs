using System.Buffers;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Slo.Budget;

/// <summary>One point of a burn-down: the budget consumed from the window start up to <see cref="At"/>.</summary>
/// <param name="RemainingPercent">Share of the current window's budget left at that time; null when the budget is zero.</param>
public readonly record struct BurnDownPoint(DateTimeOffset At, double Consumed, double? RemainingPercent);

/// <summary>
/// The burn-down of the current window: how the budget (as of now) was spent from the window start to now, in
/// <see cref="Points"/> at a regular step. The chart runs from <see cref="SloWindow.Start"/> to <see cref="SloWindow.End"/>.
/// </summary>
public sealed record BurnDown(SloWindow Window, BudgetUnit Unit, double Total, IReadOnlyList<BurnDownPoint> Points);

/// <summary>
/// The error budget and its burn-down read from an <see cref="SliHistory"/>, fed to the exact arithmetic of
/// <see cref="ErrorBudgetCalculator"/>. Occurrences count every minute from the window start: whole buckets from the
/// bucket tier, the minutes of the bucket a rolling window starts in from the history's edge. Time slices are judged
/// from whole buckets: they start at <see cref="SloWindow.FirstSliceMinute"/>, a bucket boundary (the bucket divides
/// the slice), so they need no edge.
/// </summary>
public static class HistoryBudget
{
    /// <summary>The budget of <paramref name="window"/> from its start to <paramref name="now"/>.</summary>
    public static ErrorBudget Compute(SliHistory history, BudgetPolicy policy, SloWindow window, DateTimeOffset now)
    {
        var end = MinuteRing.MinuteOf(now);
        history.AdvanceTo(end - 1);
        if (policy.Method == BudgetingMethod.Occurrences)
        {
            // Occurrences only need the window's sum: no per-unit copy.
            return ErrorBudgetCalculator.Occurrences(policy.Objective, [history.SumRange(Start(window), end)]);
        }
        var (from, units, complete) = Slices(history, policy, window, end);
        var buffer = ArrayPool<EventCounts>.Shared.Rent(Math.Max(1, units));
        try
        {
            var counts = buffer.AsSpan(0, units);
            history.CopyUnits(from, end, counts);
            return Timeslices(history, policy, window, counts, complete);
        }
        finally
        {
            ArrayPool<EventCounts>.Shared.Return(buffer);
        }
    }

    /// <summary>The burn-down of <paramref name="window"/> up to <paramref name="now"/>, at most about <paramref name="maxPoints"/> points.</summary>
    public static BurnDown BurnDown(SliHistory history, BudgetPolicy policy, SloWindow window, DateTimeOffset now, int maxPoints = 240)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);
        var end = MinuteRing.MinuteOf(now);
        history.AdvanceTo(end - 1);
        var b = history.BucketMinutes;
        var occurrences = policy.Method == BudgetingMethod.Occurrences;
        // Occurrences: the minutes before the first bucket boundary (the edge) are one leading partial unit.
        var start = Start(window);
        var (from, units, complete) = occurrences ? Units(history, history.AlignUp(start), end) : Slices(history, policy, window, end);
        var lead = occurrences && from > start ? 1 : 0;
        var counts = new EventCounts[lead + units];
        if (lead == 1)
        {
            counts[0] = history.SumRange(start, Math.Min(from, end));
        }
        history.CopyUnits(from, end, counts.AsSpan(lead));
        var budget = occurrences ? ErrorBudgetCalculator.Occurrences(policy.Objective, counts) : Timeslices(history, policy, window, counts, complete);
        double? Remaining(double consumed) => budget.Total > 0 ? 100 * (budget.Total - consumed) / budget.Total : null;
        var points = new List<BurnDownPoint>(Math.Min(counts.Length, maxPoints) + 2) { new(Time(lead == 1 ? start : from), 0, Remaining(0)) };
        var step = Math.Max(1, (counts.Length + maxPoints - 1) / maxPoints);
        var sliceUnits = Math.Max(1, policy.SliceMinutes / b);
        double consumed = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (occurrences)
            {
                consumed += counts[i].HasData ? counts[i].Bad : 0;
            }
            else if ((i + 1) % sliceUnits == 0 && i < complete
                && ErrorBudgetCalculator.Judge(policy, ErrorBudgetCalculator.Sum(counts.AsSpan(i + 1 - sliceUnits, sliceUnits))) is { } good)
            {
                consumed += (1 - good) * policy.SliceMinutes;
            }
            if ((i + 1) % step == 0 || i == counts.Length - 1)
            {
                points.Add(new BurnDownPoint(Time(Math.Min(from + ((long)(i + 1 - lead) * b), end)), consumed, Remaining(consumed)));
            }
        }
        return new BurnDown(window, budget.Unit, budget.Total, points);
    }

    private static DateTimeOffset Time(long minute) => DateTimeOffset.FromUnixTimeSeconds(minute * 60);

    private static long Start(SloWindow window) => MinuteRing.MinuteOf(window.Start);

    /// <summary>Time slices start at <see cref="SloWindow.FirstSliceMinute"/>, a unit boundary; a calendar start is one already.</summary>
    private static (long From, int Units, int Complete) Slices(SliHistory history, BudgetPolicy policy, SloWindow window, long end) =>
        Units(history, history.AlignUp(window.FirstSliceMinute(policy.SliceMinutes)), end);

    /// <summary>The units from <paramref name="from"/> (a unit boundary) up to <paramref name="end"/> (the last may be partial) and how many are complete.</summary>
    private static (long From, int Units, int Complete) Units(SliHistory history, long from, long end)
    {
        var minutes = Math.Max(0, end - from);
        var b = history.BucketMinutes;
        return (from, (int)((minutes + b - 1) / b), (int)(minutes / b));
    }

    private static ErrorBudget Timeslices(SliHistory history, BudgetPolicy policy, SloWindow window, ReadOnlySpan<EventCounts> units, int complete)
    {
        var b = history.BucketMinutes;
        if (policy.SliceMinutes % b != 0)
        {
            throw new InvalidOperationException($"time slices of {policy.SliceMinutes} minutes cannot be cut from {b}-minute units");
        }
        var inUnits = ErrorBudgetCalculator.Timeslices(policy with { SliceMinutes = policy.SliceMinutes / b }, units[..complete], Math.Max(1, window.Minutes / b));
        return inUnits with { Total = inUnits.Total * b, Consumed = inUnits.Consumed * b };
    }
}
