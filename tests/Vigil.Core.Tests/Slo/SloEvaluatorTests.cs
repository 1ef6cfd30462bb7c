using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Budget;
using Vigil.Core.Slo.Evaluation;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Tests.Slo;

/// <summary>Several objectives over one SLI, alert policies instead of (or next to) the Workbook rules, and what the evaluator keeps.</summary>
public class SloEvaluatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private const string Rolling30d = "    - duration: 30d\n      isRolling: true";

    private static string Yaml(string objectives, string annotations = "", string policies = "", string window = Rolling30d) => $$$"""
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout
          annotations: {{{annotations}}}
        spec:
          service: checkout
          indicator:
            metadata:
              name: checkout-requests
            spec:
              ratioMetric:
                good: {metricSource: {type: Vigil}}
                total: {metricSource: {type: Vigil}}
          timeWindow:
        {{{window}}}
          budgetingMethod: Occurrences
          objectives:
        {{{objectives}}}
        {{{policies}}}
        ---
        apiVersion: openslo/v1
        kind: AlertPolicy
        metadata:
          name: fast
        spec:
          alertWhenNoData: true
          conditions:
            - kind: AlertCondition
              metadata:
                name: over-10x
              spec:
                severity: page
                condition:
                  kind: burnrate
                  op: gt
                  threshold: 10
                  lookbackWindow: 10m
                  alertAfter: 3m
          notificationTargets:
            - kind: AlertNotificationTarget
              metadata:
                name: pager
              spec:
                target: pagerduty
        """;

    private const string TwoObjectives = "    - displayName: Good\n      target: 0.99\n    - displayName: Great\n      target: 0.999";

    private static SloEvaluator Evaluator(string yaml)
    {
        var catalog = OpenSloCatalog.Parse(yaml, "slo.yaml");
        Assert.True(catalog.IsValid, string.Join("\n", catalog.Errors));
        var slo = catalog.Slos.Single();
        return new SloEvaluator(slo, PolicyCondition.Of(slo, catalog));
    }

    private static void Feed(SloEvaluator evaluator, DateTimeOffset from, int minutes, double errorShare, double perMinute = 1000)
    {
        for (var i = 0; i < minutes; i++)
        {
            evaluator.History.Set(MinuteRing.MinuteOf(from.AddMinutes(i)), perMinute * (1 - errorShare), perMinute);
        }
    }

    [Fact]
    public void Each_objective_has_its_own_budget_and_burn_rates_over_one_shared_history()
    {
        var evaluator = Evaluator(Yaml(TwoObjectives));
        Feed(evaluator, Start, 60, errorShare: 0.005);

        var statuses = evaluator.Objectives.Select(o => o.Evaluate(Start.AddMinutes(60))).ToList();

        Assert.Equal(["Good", "Great"], evaluator.Objectives.Select(o => o.Label));
        // 60,000 events, 300 bad: 99% allows 600 (half spent), 99.9% allows 60 (overspent five times).
        Assert.Equal((600, 300), (Math.Round(statuses[0].Budget.Total, 6), statuses[0].Budget.Consumed));
        Assert.Equal((60, 300), (Math.Round(statuses[1].Budget.Total, 6), statuses[1].Budget.Consumed));
        Assert.False(statuses[0].Budget.IsExhausted);
        Assert.True(statuses[1].Budget.IsExhausted);
        Assert.Equal(0.5, statuses[0].Burn.RateOver(TimeSpan.FromHours(1)), 9);
        Assert.Equal(5, statuses[1].Burn.RateOver(TimeSpan.FromHours(1)), 9);
        Assert.Empty(statuses[0].Burn.Firing);
        Assert.Contains(statuses[1].Burn.Firing, f => f.Factor == 3); // 5x over 1d and 2h: the slow-burn ticket rule
    }

    [Fact]
    public void Objectives_with_the_same_target_and_no_display_name_are_told_apart_by_index()
    {
        var same = Evaluator(Yaml("    - target: 0.99\n    - target: 0.99"));
        Assert.Equal(["0", "1"], same.Objectives.Select(o => o.Label));
        Assert.Equal(["99%", "99.9%"], Evaluator(Yaml("    - target: 0.99\n    - target: 0.999")).Objectives.Select(o => o.Label));
    }

    [Fact]
    public void Alert_policies_replace_the_workbook_rules_unless_the_annotation_keeps_them()
    {
        const string Policies = "  alertPolicies:\n    - alertPolicyRef: fast";
        Assert.NotEmpty(Evaluator(Yaml("    - target: 0.99")).Workbook);
        var replaced = Evaluator(Yaml("    - target: 0.99", policies: Policies));
        Assert.Empty(replaced.Workbook);
        Assert.Empty(replaced.Objectives[0].BurnRates.Alerts);
        Assert.Equal("fast", Assert.Single(replaced.Conditions).Policy);
        Assert.NotEmpty(Evaluator(Yaml("    - target: 0.99", annotations: "{vigil/workbook-alerts: \"true\"}", policies: Policies)).Workbook);
        Assert.Empty(Evaluator(Yaml("    - target: 0.99", annotations: "{vigil/workbook-alerts: \"false\"}")).Workbook);
    }

    [Fact]
    public void A_condition_fires_only_after_breaching_at_every_minute_of_alert_after()
    {
        var evaluator = Evaluator(Yaml("    - target: 0.99", policies: "  alertPolicies:\n    - alertPolicyRef: fast"));
        var condition = Assert.Single(evaluator.Conditions);
        Assert.Equal(("over-10x", "page", ComparisonOperator.Gt, 10.0), (condition.Condition, condition.Severity, condition.Op, condition.Threshold));
        Assert.Equal(["pager"], condition.NotificationTargets);
        Feed(evaluator, Start, 30, errorShare: 0);
        // 50% errors from minute 30: the 10-minute window burns 50x after one bad minute... 5% of 10 minutes = 5x: not yet.
        Feed(evaluator, Start.AddMinutes(30), 1, errorShare: 0.5);
        var result = Assert.Single(evaluator.Objectives[0].Evaluate(Start.AddMinutes(31)).Conditions);
        Assert.Equal(5, result.BurnRate, 9);
        Assert.False(result.Breaching);

        // Three bad minutes: 15x now, but 10x one minute earlier was not "over 10": pending.
        Feed(evaluator, Start.AddMinutes(31), 2, errorShare: 0.5);
        result = Assert.Single(evaluator.Objectives[0].Evaluate(Start.AddMinutes(33)).Conditions);
        Assert.True(result.Breaching);
        Assert.Null(result.Alert);

        // Breaching at minutes 33, 34, 35 and 36 (alertAfter 3m spans four minute ends): fires.
        Feed(evaluator, Start.AddMinutes(33), 4, errorShare: 0.5);
        result = Assert.Single(evaluator.Objectives[0].Evaluate(Start.AddMinutes(37)).Conditions);
        Assert.Equal(ConditionAlert.Breaching, result.Alert);
        Assert.Equal(35, result.BurnRate, 9);
    }

    [Fact]
    public void A_policy_with_alert_when_no_data_alerts_on_an_empty_lookback_window_or_a_failing_source()
    {
        var evaluator = Evaluator(Yaml("    - target: 0.99", policies: "  alertPolicies:\n    - alertPolicyRef: fast"));
        Feed(evaluator, Start, 10, errorShare: 0);

        Assert.Null(evaluator.Objectives[0].Evaluate(Start.AddMinutes(12)).Conditions[0].Alert); // 2 of 10 minutes without data
        Assert.Null(evaluator.Objectives[0].Evaluate(Start.AddMinutes(22)).Conditions[0].Alert); // empty, but not for 3m yet
        Assert.Equal(ConditionAlert.NoData, evaluator.Objectives[0].Evaluate(Start.AddMinutes(25)).Conditions[0].Alert);

        Feed(evaluator, Start.AddMinutes(25), 10, errorShare: 0);
        var status = evaluator.Objectives[0].Evaluate(Start.AddMinutes(35), sourceFailingFor: TimeSpan.FromMinutes(1));
        Assert.Null(status.Conditions[0].Alert);
        status = evaluator.Objectives[0].Evaluate(Start.AddMinutes(35), sourceFailingFor: TimeSpan.FromMinutes(3));
        Assert.Equal(ConditionAlert.NoData, status.Conditions[0].Alert);
    }

    [Fact]
    public void Lte_conditions_compare_as_written()
    {
        var condition = new PolicyCondition("p", "c", "ticket", ComparisonOperator.Lte, 2, TimeSpan.FromHours(1), TimeSpan.Zero, true, false, false, []);
        Assert.True(condition.Compare(2));
        Assert.False(condition.Compare(2.01));
    }

    [Theory]
    [InlineData("30d", 43_200)]
    [InlineData("4w", 40_320)]
    public void Rolling_windows_keep_their_duration(string duration, int minutes)
    {
        SloDuration.TryParse(duration, out var d);
        Assert.Equal(minutes, SloEvaluator.HistoryLength(TimeWindow.Rolling(d)));
    }

    [Fact]
    public void Calendar_windows_keep_their_longest_period_so_a_31_day_month_is_whole()
    {
        var month = new TimeWindow(new SloDuration(1, DurationUnit.Month), false, new CalendarAlignment(new DateTime(2026, 1, 1), "UTC"));
        Assert.Equal((31 * 1440) + 60, SloEvaluator.HistoryLength(month));

        // A full 31-day month of 1% errors at 99.5%: all 31 days count (the first day too).
        var yaml = Yaml("    - target: 0.995", window: "    - duration: 1M\n      calendar:\n        startTime: 2026-01-01 00:00:00\n        timeZone: UTC");
        var evaluator = Evaluator(yaml);
        var january = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Feed(evaluator, january, 31 * 1440, errorShare: 0.01, perMinute: 100);
        var status = evaluator.Objectives[0].Evaluate(january.AddDays(31).AddMinutes(-1).AddSeconds(59));

        Assert.Equal(((31 * 1440) - 1) * 100 * 0.005, status.Budget.Total, 3);
        Assert.Equal((31 * 1440) - 1, status.Budget.Consumed, 3); // every minute but the current one
    }

    [Fact]
    public void Buckets_divide_the_time_slices_and_the_calendar_start()
    {
        static ServiceLevelObjective Slo(BudgetingMethod method, int slice, int startMinute) =>
            new(ObjectMetadata.Named("s"), null, "svc", null, "sli",
                startMinute < 0 ? TimeWindow.Default : new TimeWindow(SloDuration.Days(7), false, new CalendarAlignment(new DateTime(2026, 1, 1, 0, startMinute, 0), "UTC")),
                method, new([new Objective(null, null, null, 0.99, 0.9, SloDuration.Minutes(slice))]), new([]));

        Assert.Equal(15, SloEvaluator.BucketMinutesFor(Slo(BudgetingMethod.Occurrences, 7, -1)));
        Assert.Equal(5, SloEvaluator.BucketMinutesFor(Slo(BudgetingMethod.Timeslices, 5, -1)));
        Assert.Equal(15, SloEvaluator.BucketMinutesFor(Slo(BudgetingMethod.Timeslices, 60, -1)));
        Assert.Equal(1, SloEvaluator.BucketMinutesFor(Slo(BudgetingMethod.RatioTimeslices, 1, -1)));
        Assert.Equal(5, SloEvaluator.BucketMinutesFor(Slo(BudgetingMethod.Occurrences, 1, 10)));
    }

    [Fact]
    public void The_error_budget_policy_annotation_turns_freezing_off()
    {
        Assert.True(Evaluator(Yaml("    - target: 0.99")).Freezes);
        Assert.False(Evaluator(Yaml("    - target: 0.99", annotations: "{vigil/error-budget-policy: none}")).Freezes);
    }

    [Fact]
    public void Misspelt_vigil_annotations_are_errors_with_their_position()
    {
        var catalog = OpenSloCatalog.Parse(Yaml("    - target: 0.99", annotations: "{vigil/workbook-alerts: yes, vigil/error-budget-policy: halt}"), "slo.yaml");

        Assert.Equal(
            ["slo.yaml:5:40: \"vigil/workbook-alerts\" must be \"true\" or \"false\", not \"yes\"",
             "slo.yaml:5:72: \"vigil/error-budget-policy\" must be freeze or none, not \"halt\""],
            catalog.Errors.Select(e => e.ToString()));
    }
}
