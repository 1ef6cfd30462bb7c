using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Slo.Budget;

/// <summary>
/// Exact error-budget arithmetic over per-minute counts. Pure: the caller passes the minutes from the start of the
/// window up to now and the length of the whole window; nothing here reads a clock or a store.
/// </summary>
public static class ErrorBudgetCalculator
{
    /// <param name="minutes">Counts per minute from the window start (index 0) to now; missing minutes have NaN counts.</param>
    /// <param name="windowMinutes">Length of the whole window: the rolling duration, or the full calendar period.</param>
    /// <param name="firstSlice">Index of the minute the first time slice starts at (0: the window start); the minutes
    /// before it belong to a slice that began before the window and are not judged (see <see cref="SloWindow.FirstSliceMinute"/>).</param>
    public static ErrorBudget Compute(BudgetPolicy policy, ReadOnlySpan<EventCounts> minutes, int windowMinutes, int firstSlice = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowMinutes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(firstSlice);
        return policy.Method == BudgetingMethod.Occurrences
            ? Occurrences(policy.Objective, minutes)
            : Timeslices(policy, minutes[Math.Min(firstSlice, minutes.Length)..], windowMinutes);
    }

    /// <summary>The exact budget of <paramref name="window"/> from the minutes of the window start up to now (time slices aligned per <see cref="SloWindow.FirstSliceMinute"/>).</summary>
    public static ErrorBudget Compute(BudgetPolicy policy, ReadOnlySpan<EventCounts> minutes, SloWindow window) =>
        Compute(policy, minutes, window.Minutes,
            (int)(window.FirstSliceMinute(policy.SliceMinutes) - (window.Start.ToUnixTimeSeconds() / 60)));

    /// <summary>Good events over all events; the budget is (1 − objective) of the events seen so far.</summary>
    public static ErrorBudget Occurrences(double objective, ReadOnlySpan<EventCounts> minutes)
    {
        var sum = Sum(minutes);
        var total = sum.HasData ? sum.Total : 0;
        var good = sum.HasData ? sum.Good : 0;
        return new ErrorBudget(BudgetUnit.Events, objective, total > 0 ? good / total : double.NaN, (1 - objective) * total, total - good);
    }

    /// <summary>
    /// Time slices of <see cref="BudgetPolicy.SliceMinutes"/>, aligned to the first minute given; only complete slices are
    /// judged. A slice without events is missing and counts per <see cref="BudgetPolicy.MissingData"/>; an ignored
    /// slice also leaves the budget, so the budget is (1 − objective) × (slices in the window − ignored slices).
    /// Timeslices: a slice is bad (its whole length spent) when its good ratio is below the slice target.
    /// RatioTimeslices: a slice spends (1 − its good ratio) of its length; the SLI is the mean slice ratio.
    /// </summary>
    public static ErrorBudget Timeslices(BudgetPolicy policy, ReadOnlySpan<EventCounts> minutes, int windowMinutes)
    {
        var slice = policy.SliceMinutes;
        ArgumentOutOfRangeException.ThrowIfLessThan(slice, 1);
        var slicesInWindow = windowMinutes / slice;
        double judged = 0, goodness = 0, ignored = 0;
        for (var start = 0; start + slice <= minutes.Length; start += slice)
        {
            if (Judge(policy, Sum(minutes.Slice(start, slice))) is not { } good)
            {
                ignored++;
                continue;
            }
            judged++;
            goodness += good;
        }
        var total = (1 - policy.Objective) * Math.Max(0, slicesInWindow - ignored) * slice;
        var consumed = (judged - goodness) * slice;
        return new ErrorBudget(BudgetUnit.Minutes, policy.Objective, judged > 0 ? goodness / judged : double.NaN, total, consumed);
    }

    /// <summary>
    /// How good one complete time slice was: 1 or 0 (Timeslices: its good ratio against the slice target) or its good
    /// ratio (RatioTimeslices); null when it has no events and the missing-data policy ignores it.
    /// </summary>
    public static double? Judge(BudgetPolicy policy, EventCounts slice)
    {
        double? ratio = slice is { HasData: true, Total: > 0 }
            ? slice.Good / slice.Total
            : policy.MissingData switch
            {
                MissingDataPolicy.Good => 1,
                MissingDataPolicy.Bad => 0,
                _ => null,
            };
        return ratio is not { } r ? null : policy.Method == BudgetingMethod.RatioTimeslices ? r : r >= policy.SliceTarget ? 1 : 0;
    }

    /// <summary>Burn rate = error ratio over the window / (1 − objective); 1 spends the budget exactly over the SLO window.</summary>
    public static double BurnRate(EventCounts window, double objective) => window.ErrorRatio / (1 - objective);

    public static EventCounts Sum(ReadOnlySpan<EventCounts> minutes)
    {
        double good = 0, total = 0;
        var any = false;
        foreach (var minute in minutes)
        {
            if (minute.HasData)
            {
                good += minute.Good;
                total += minute.Total;
                any = true;
            }
        }
        return any ? new EventCounts(good, total) : EventCounts.Missing;
    }
}
