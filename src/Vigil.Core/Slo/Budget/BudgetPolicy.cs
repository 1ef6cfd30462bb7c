using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Slo.Budget;

/// <summary>
/// What the budget arithmetic needs of one SLO objective: method, target, slice settings and missing-data policy.
/// </summary>
/// <param name="SliceMinutes">Length of a time slice (Timeslices, RatioTimeslices); 1 for Occurrences.</param>
/// <param name="SliceTarget">Good ratio a slice needs to count as good (Timeslices only).</param>
public sealed record BudgetPolicy(
    BudgetingMethod Method,
    double Objective,
    int SliceMinutes = 1,
    double SliceTarget = 1,
    MissingDataPolicy MissingData = Budget.MissingData.Default)
{
    public static BudgetPolicy For(ServiceLevelObjective slo, Objective objective) => new(
        slo.BudgetingMethod,
        objective.Target,
        objective.TimeSliceWindow is { } slice ? (int)slice.ToTimeSpan().TotalMinutes : 1,
        objective.TimeSliceTarget ?? 1,
        Budget.MissingData.Of(slo));
}

public enum BudgetUnit
{
    /// <summary>Bad events (Occurrences).</summary>
    Events,

    /// <summary>Minutes of bad time slices (Timeslices, RatioTimeslices).</summary>
    Minutes,
}
