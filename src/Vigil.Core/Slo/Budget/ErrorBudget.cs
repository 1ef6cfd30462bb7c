namespace Vigil.Core.Slo.Budget;

/// <summary>
/// The error budget of one SLO objective at one moment. <see cref="Total"/> is what the objective allows over the
/// window so far (Occurrences: (1 − objective) × events seen; time slices: (1 − objective) × the window's slices,
/// as minutes), <see cref="Consumed"/> what was spent. Remaining may be negative: the budget is overspent.
/// </summary>
/// <param name="Sli">Good share so far (good events / events, or good slices / judged slices); NaN without data.</param>
public sealed record ErrorBudget(BudgetUnit Unit, double Objective, double Sli, double Total, double Consumed)
{
    public double Remaining => Total - Consumed;

    /// <summary>Consumed share of the budget in percent; with no budget yet (no events) nothing is consumed.</summary>
    public double ConsumedPercent => Total > 0 ? 100 * Consumed / Total : Consumed > 0 ? double.PositiveInfinity : 0;

    public double RemainingPercent => 100 - ConsumedPercent;

    public bool IsExhausted => Consumed > 0 && Consumed >= Total;
}
