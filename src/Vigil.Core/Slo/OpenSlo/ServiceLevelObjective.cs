namespace Vigil.Core.Slo.OpenSlo;

/// <summary>
/// <c>kind: SLO</c>. The indicator is inline (<see cref="Indicator"/>) or named (<see cref="IndicatorRef"/>); exactly
/// one is set after a successful parse.
/// </summary>
public sealed record ServiceLevelObjective(
    ObjectMetadata Metadata,
    string? Description,
    string Service,
    ServiceLevelIndicator? Indicator,
    string? IndicatorRef,
    TimeWindow TimeWindow,
    BudgetingMethod BudgetingMethod,
    ValueList<Objective> Objectives,
    ValueList<RefOrInline<AlertPolicy>> AlertPolicies) : OpenSloObject(Metadata)
{
    public override string Kind => "SLO";
}

public enum BudgetingMethod
{
    /// <summary>Good events over all events in the window.</summary>
    Occurrences,

    /// <summary>Good time slices (slice ratio meets <c>timeSliceTarget</c>) over all slices.</summary>
    Timeslices,

    /// <summary>The average of the slices' good ratios.</summary>
    RatioTimeslices,
}

/// <summary>
/// <c>timeWindow</c>: a rolling window (the last <see cref="Duration"/>) or a calendar-aligned one (consecutive
/// periods of <see cref="Duration"/> from <see cref="CalendarAlignment.StartTime"/> in its time zone).
/// </summary>
public sealed record TimeWindow(SloDuration Duration, bool IsRolling, CalendarAlignment? Calendar)
{
    /// <summary>Used when an SLO has no <c>timeWindow</c> (optional in OpenSLO): 30 days rolling, as Sloth and the SRE Workbook.</summary>
    public static TimeWindow Default { get; } = new(SloDuration.Days(30), true, null);

    public static TimeWindow Rolling(SloDuration duration) => new(duration, true, null);
}

/// <param name="StartTime">Local wall-clock time in <see cref="TimeZone"/> (<see cref="DateTimeKind.Unspecified"/>).</param>
/// <param name="TimeZone">An IANA time zone name such as <c>Europe/Berlin</c>.</param>
public sealed record CalendarAlignment(DateTime StartTime, string TimeZone);

/// <summary>
/// One entry of <c>objectives</c>. <see cref="Target"/> is always a ratio in (0, 1) (<c>targetPercent</c> is
/// converted). <see cref="Op"/> and <see cref="Value"/> classify threshold-metric values as good.
/// </summary>
public sealed record Objective(
    string? DisplayName,
    ComparisonOperator? Op,
    double? Value,
    double Target,
    double? TimeSliceTarget,
    SloDuration? TimeSliceWindow);
