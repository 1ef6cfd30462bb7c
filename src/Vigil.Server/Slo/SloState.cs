using Vigil.Core.Alerts;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Budget;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Server.Slo;

/// <summary>
/// One configured SLO's live state: its burn-rate evaluator (per-minute counts over the period) and the burn-rate
/// alert last sent. Only its first objective is evaluated. The evaluator is not thread-safe: use it under <see cref="Gate"/>.
/// </summary>
public sealed class SloState
{
    public SloState(ServiceLevelObjective slo)
    {
        Slo = slo;
        Objective = slo.Objectives[0];
        Period = slo.TimeWindow.Duration.ToTimeSpan();
        Policy = BudgetPolicy.For(slo, Objective);
        Evaluator = new BurnRateEvaluator(Objective.Target, Period);
    }

    public ServiceLevelObjective Slo { get; }

    public string Name => Slo.Name;

    public Objective Objective { get; }

    public TimeSpan Period { get; }

    public BudgetPolicy Policy { get; }

    public BurnRateEvaluator Evaluator { get; }

    public Lock Gate { get; } = new();

    /// <summary>The burn-rate alert sent while firing (to re-send, and to resolve when it stops); null when quiet.</summary>
    public Alert? Sent { get; set; }

    /// <summary>Earliest event time that still counts: the evaluator keeps one period of minutes.</summary>
    public DateTimeOffset Oldest(DateTimeOffset now) =>
        DateTimeOffset.FromUnixTimeSeconds((MinuteRing.MinuteOf(now) - (long)Period.TotalMinutes + 1) * 60);

    /// <summary>Burn rates and the error budget of the current window, as of <paramref name="now"/>.</summary>
    public (BurnRateEvaluation Burn, ErrorBudget Budget, SloWindow Window) Evaluate(DateTimeOffset now)
    {
        lock (Gate)
        {
            var burn = Evaluator.Evaluate(now);
            var window = SloWindow.At(Slo.TimeWindow, now);
            var minutes = Evaluator.Ring.Minutes(MinuteRing.MinuteOf(window.Start));
            return (burn, ErrorBudgetCalculator.Compute(Policy, minutes, window.Minutes), window);
        }
    }

    /// <summary>Adds events to a minute (the evaluator stores a minute's total, so the delta is added to what it holds).</summary>
    public void Add(long minute, double good, double total)
    {
        lock (Gate)
        {
            var current = Evaluator.Ring.At(minute);
            Evaluator.Ring.Record(minute, good + (current.HasData ? current.Good : 0), total + (current.HasData ? current.Total : 0));
        }
    }
}
