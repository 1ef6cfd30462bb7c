using Vigil.Core.Slo.Budget;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Slo.Alerting;

/// <summary>
/// One OpenSLO <c>AlertPolicy</c> with its (single) burn-rate <c>AlertCondition</c>, as Vigil evaluates it: the burn
/// rate over <see cref="Lookback"/> compared with <see cref="Threshold"/> by <see cref="Op"/> is "breaching"; the alert
/// fires when it breached at every minute of the last <see cref="AlertAfter"/> (like Prometheus' <c>for</c>, but read
/// from the stored minutes, so a restart does not reset it). With <see cref="WhenNoData"/> the lookback window having no
/// events for that long fires a no-data alert.
/// </summary>
/// <param name="Severity">The condition's severity as written (e.g. <c>page</c>, <c>ticket</c>, <c>critical</c>).</param>
/// <param name="WhenBreaching">The policy's <c>alertWhenBreaching</c>; false leaves only the no-data alert.</param>
/// <param name="WhenResolved">The policy's <c>alertWhenResolved</c>, passed on to the alert (Vigil always resolves alerts).</param>
public sealed record PolicyCondition(
    string Policy,
    string Condition,
    string Severity,
    ComparisonOperator Op,
    double Threshold,
    TimeSpan Lookback,
    TimeSpan AlertAfter,
    bool WhenBreaching,
    bool WhenNoData,
    bool WhenResolved,
    IReadOnlyList<string> NotificationTargets)
{
    public int LookbackMinutes => Math.Max(1, (int)Lookback.TotalMinutes);

    public int AlertAfterMinutes => (int)AlertAfter.TotalMinutes;

    /// <summary>The alert policies of an SLO with their conditions (a policy whose condition is missing is skipped).</summary>
    public static IReadOnlyList<PolicyCondition> Of(ServiceLevelObjective slo, OpenSloCatalog catalog) =>
    [
        .. catalog.AlertPoliciesOf(slo).Select(policy => (Policy: policy, Condition: catalog.ConditionOf(policy)))
            .Where(p => p.Condition is not null)
            .Select(p => new PolicyCondition(
                p.Policy.Name,
                p.Condition!.Name,
                p.Condition.Severity,
                p.Condition.Condition.Op,
                p.Condition.Condition.Threshold,
                p.Condition.Condition.LookbackWindow.ToTimeSpan(),
                p.Condition.Condition.AlertAfter.ToTimeSpan(),
                p.Policy.AlertWhenBreaching,
                p.Policy.AlertWhenNoData,
                p.Policy.AlertWhenResolved,
                [.. p.Policy.NotificationTargets.Select(t => t.Ref ?? t.Inline?.Name).OfType<string>()])),
    ];

    public bool Compare(double burnRate) => Op switch
    {
        ComparisonOperator.Gt => burnRate > Threshold,
        ComparisonOperator.Gte => burnRate >= Threshold,
        ComparisonOperator.Lt => burnRate < Threshold,
        _ => burnRate <= Threshold,
    };

    /// <summary>Evaluates the condition over <paramref name="history"/> (already advanced to the evaluation minute).</summary>
    public ConditionResult Evaluate(SliHistory history, double allowedErrorRatio)
    {
        var index = history.WindowIndex(LookbackMinutes);
        var now = history.Sum(index);
        var burnRate = now.ErrorRatio / allowedErrorRatio;
        var breaching = !double.IsNaN(burnRate) && Compare(burnRate);
        var firing = WhenBreaching && breaching && history.Minutes.Holds(index, AlertAfterMinutes, c =>
        {
            var rate = c.ErrorRatio / allowedErrorRatio;
            return !double.IsNaN(rate) && Compare(rate);
        });
        var noData = WhenNoData && double.IsNaN(burnRate) && history.Minutes.Holds(index, AlertAfterMinutes, c => double.IsNaN(c.ErrorRatio));
        return new ConditionResult(this, burnRate, breaching, firing ? ConditionAlert.Breaching : noData ? ConditionAlert.NoData : null);
    }

    /// <summary>
    /// The result for an SLI whose source cannot be read at all (e.g. Prometheus is unreachable): no data, alerted
    /// once the source has failed for alertAfter.
    /// </summary>
    public ConditionResult Unknown(TimeSpan failingFor) =>
        new(this, double.NaN, false, WhenNoData && failingFor >= AlertAfter ? ConditionAlert.NoData : null);
}

public enum ConditionAlert
{
    /// <summary>The condition held for alertAfter.</summary>
    Breaching,

    /// <summary>The lookback window had no events for alertAfter, and the policy alerts on no data.</summary>
    NoData,
}

/// <param name="BurnRate">Over the lookback window; NaN without events.</param>
/// <param name="Breaching">The condition holds now (it may still wait for alertAfter).</param>
/// <param name="Alert">What to raise, or null.</param>
public sealed record ConditionResult(PolicyCondition Condition, double BurnRate, bool Breaching, ConditionAlert? Alert);
