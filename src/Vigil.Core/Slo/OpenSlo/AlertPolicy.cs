namespace Vigil.Core.Slo.OpenSlo;

/// <summary><c>kind: AlertPolicy</c>: when to alert (one condition) and whom to notify.</summary>
public sealed record AlertPolicy(
    ObjectMetadata Metadata,
    string? Description,
    bool AlertWhenNoData,
    bool AlertWhenResolved,
    bool AlertWhenBreaching,
    ValueList<RefOrInline<AlertCondition>> Conditions,
    ValueList<RefOrInline<AlertNotificationTarget>> NotificationTargets) : OpenSloObject(Metadata)
{
    public override string Kind => "AlertPolicy";
}

/// <summary><c>kind: AlertCondition</c>: a burn-rate condition with a severity such as <c>page</c> or <c>ticket</c>.</summary>
public sealed record AlertCondition(ObjectMetadata Metadata, string? Description, string Severity, BurnRateCondition Condition)
    : OpenSloObject(Metadata)
{
    public override string Kind => "AlertCondition";
}

/// <summary>
/// <c>condition</c> of kind <c>burnrate</c> (the only kind in OpenSLO v1): the burn rate over
/// <see cref="LookbackWindow"/> compared with <see cref="Threshold"/>, true for <see cref="AlertAfter"/> before alerting.
/// </summary>
public sealed record BurnRateCondition(ComparisonOperator Op, double Threshold, SloDuration LookbackWindow, SloDuration AlertAfter);
