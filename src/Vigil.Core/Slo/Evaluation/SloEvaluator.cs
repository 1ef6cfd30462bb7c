using System.Globalization;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Budget;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Slo.Evaluation;

/// <summary>
/// Everything Vigil evaluates of one SLO: one <see cref="SliHistory"/> of its SLI (shared by all objectives: they
/// differ only in what they allow) and, per objective, the error budget, burn rates and alert rules. Not thread-safe.
/// </summary>
public sealed class SloEvaluator
{
    /// <param name="bucketMinutes">Overrides <see cref="BucketMinutesFor"/> (1 keeps every minute of the period; for cost comparisons).</param>
    public SloEvaluator(ServiceLevelObjective slo, IReadOnlyList<PolicyCondition> conditions, int? bucketMinutes = null)
    {
        Slo = slo;
        Period = slo.TimeWindow.Duration.ToTimeSpan();
        Conditions = conditions;
        var workbook = BurnRateWindows.For(Period);
        UsesWorkbook = WorkbookAlerts(slo, conditions);
        Workbook = UsesWorkbook ? workbook : [];
        HistoryMinutes = HistoryLength(slo.TimeWindow);
        // The Workbook windows are always kept: they are the "standard windows" shown for every SLO.
        var windows = BurnRateEvaluator.WindowMinutes(workbook).Concat(conditions.Select(c => c.LookbackMinutes)).ToList();
        var extra = conditions.Count == 0 ? 0 : conditions.Max(c => c.AlertAfterMinutes);
        History = new SliHistory(HistoryMinutes, windows, bucketMinutes ?? BucketMinutesFor(slo), extra);
        var labels = ObjectiveLabels(slo.Objectives);
        Objectives = [.. slo.Objectives.Select((o, i) => new ObjectiveEvaluator(this, i, o, labels[i]))];
        Freezes = !SloAnnotations.TryParseBudgetPolicy(slo.Metadata.Annotation(SloAnnotations.ErrorBudgetPolicy), out var freezes) || freezes;
    }

    public ServiceLevelObjective Slo { get; }

    /// <summary>The nominal length of the time window (a month as 30 days): what burn-rate windows are scaled from.</summary>
    public TimeSpan Period { get; }

    /// <summary>Minutes the history keeps: the rolling window, or the longest a calendar window can be (31-day month, DST hour).</summary>
    public int HistoryMinutes { get; }

    public SliHistory History { get; }

    public IReadOnlyList<ObjectiveEvaluator> Objectives { get; }

    /// <summary>The Workbook multi-window alerts evaluated for each objective (empty when alert policies replace them).</summary>
    public IReadOnlyList<BurnRateWindow> Workbook { get; }

    public bool UsesWorkbook { get; }

    /// <summary>The SLO's alert policies, evaluated for each objective.</summary>
    public IReadOnlyList<PolicyCondition> Conditions { get; }

    /// <summary>Whether an exhausted budget freezes the service (annotation <c>vigil/error-budget-policy</c>, default freeze).</summary>
    public bool Freezes { get; }

    /// <summary>
    /// The stored minutes the history's edge must be loaded with so the rolling window at <paramref name="now"/> sums
    /// exactly from its first minute; null for calendar windows (they start at a bucket boundary) and when it is loaded.
    /// </summary>
    public (long From, long End)? EdgeToLoad(DateTimeOffset now)
    {
        if (Slo.TimeWindow is { IsRolling: false, Calendar: not null })
        {
            return null;
        }
        return History.EdgeToLoad(MinuteRing.MinuteOf(SloWindow.At(Slo.TimeWindow, now).Start));
    }

    /// <summary>
    /// Earliest minute that still counts: the first minute of the (longest) window at <paramref name="now"/>. A window
    /// ends where the current minute starts, so it begins <see cref="HistoryMinutes"/> before the current minute (one
    /// minute later refused and never loaded the first minute of a rolling window).
    /// </summary>
    public long OldestMinute(DateTimeOffset now) => MinuteRing.MinuteOf(now) - HistoryMinutes;

    /// <summary>
    /// Workbook alerts apply unless the SLO has alert policies; the annotation <c>vigil/workbook-alerts</c> overrides
    /// that either way (e.g. "true" keeps them next to the policies).
    /// </summary>
    public static bool WorkbookAlerts(ServiceLevelObjective slo, IReadOnlyList<PolicyCondition> conditions) =>
        SloAnnotations.TryParseBool(slo.Metadata.Annotation(SloAnnotations.WorkbookAlerts), out var value) ? value : conditions.Count == 0;

    /// <summary>Rolling: the duration. Calendar: the longest period of that unit (31-day months, 92-day quarters, 366-day years) plus a DST hour.</summary>
    public static int HistoryLength(TimeWindow window)
    {
        var duration = window.Duration;
        if (window.IsRolling || window.Calendar is null)
        {
            return (int)duration.ToTimeSpan().TotalMinutes;
        }
        var days = duration.Unit switch
        {
            DurationUnit.Month => 31.0 * duration.Count,
            DurationUnit.Quarter => 92.0 * duration.Count,
            DurationUnit.Year => 366.0 * duration.Count,
            _ => duration.ToTimeSpan().TotalDays,
        };
        return (int)(days * 1440) + 60;
    }

    /// <summary>
    /// Quarter-hour buckets unless the time slices or the calendar start need finer ones: the bucket must divide every
    /// slice (slices are judged from whole buckets) and the minute of the hour a calendar window starts at.
    /// </summary>
    public static int BucketMinutesFor(ServiceLevelObjective slo)
    {
        var bucket = SliHistory.DefaultBucketMinutes;
        if (slo.BudgetingMethod != BudgetingMethod.Occurrences)
        {
            foreach (var objective in slo.Objectives)
            {
                bucket = Gcd(bucket, objective.TimeSliceWindow is { } slice ? (int)slice.ToTimeSpan().TotalMinutes : 1);
            }
        }
        if (slo.TimeWindow is { IsRolling: false, Calendar: { } calendar })
        {
            bucket = calendar.StartTime.Second == 0 ? Gcd(bucket, calendar.StartTime.Minute) : 1;
        }
        return bucket;
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    /// <summary>Names that tell objectives apart in alert labels: the display name, else the target ("99.9%"); the index when these repeat.</summary>
    private static string[] ObjectiveLabels(IReadOnlyList<Objective> objectives)
    {
        var labels = objectives.Select(o => o.DisplayName ?? (100 * o.Target).ToString("0.####", CultureInfo.InvariantCulture) + "%").ToArray();
        return labels.Distinct(StringComparer.Ordinal).Count() == labels.Length ? labels : [.. objectives.Select((_, i) => i.ToString(CultureInfo.InvariantCulture))];
    }
}

/// <summary>One objective of an <see cref="SloEvaluator"/>: its budget policy, burn rates and alert rules over the shared history.</summary>
public sealed class ObjectiveEvaluator
{
    internal ObjectiveEvaluator(SloEvaluator slo, int index, Objective objective, string label)
    {
        Slo = slo;
        Index = index;
        Objective = objective;
        Label = label;
        Policy = BudgetPolicy.For(slo.Slo, objective);
        BurnRates = new BurnRateEvaluator(objective.Target, slo.History, slo.Workbook, slo.Period);
    }

    public SloEvaluator Slo { get; }

    public int Index { get; }

    public Objective Objective { get; }

    /// <summary>Tells this objective apart from the SLO's others (display name or target).</summary>
    public string Label { get; }

    public BudgetPolicy Policy { get; }

    public BurnRateEvaluator BurnRates { get; }

    /// <summary>
    /// Burn rates, budget and alert conditions as of <paramref name="now"/>. With <paramref name="sourceFailingFor"/>
    /// (the SLI's source has failed for that long) the policy conditions only report no data.
    /// </summary>
    public ObjectiveStatus Evaluate(DateTimeOffset now, TimeSpan? sourceFailingFor = null)
    {
        var burn = BurnRates.Evaluate(now);
        var window = SloWindow.At(Slo.Slo.TimeWindow, now);
        var budget = HistoryBudget.Compute(Slo.History, Policy, window, now);
        var conditions = Slo.Conditions.Select(c => sourceFailingFor is { } failing ? c.Unknown(failing) : c.Evaluate(Slo.History, BurnRates.AllowedErrorRatio)).ToList();
        return new ObjectiveStatus(this, burn, budget, window, conditions);
    }

    public BurnDown BurnDown(DateTimeOffset now, int maxPoints = 240) =>
        HistoryBudget.BurnDown(Slo.History, Policy, SloWindow.At(Slo.Slo.TimeWindow, now), now, maxPoints);
}

/// <summary>One objective at one moment.</summary>
public sealed record ObjectiveStatus(
    ObjectiveEvaluator Objective,
    BurnRateEvaluation Burn,
    ErrorBudget Budget,
    SloWindow Window,
    IReadOnlyList<ConditionResult> Conditions);
