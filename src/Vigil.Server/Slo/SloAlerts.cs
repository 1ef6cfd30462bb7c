using System.Globalization;
using Vigil.Core.Alerts;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Budget;
using Vigil.Core.Slo.Evaluation;
using Vigil.Core.Store;

namespace Vigil.Server.Slo;

/// <summary>
/// The alerts an SLO raises into the pipeline. Labels identify what fires (SLO, service, objective when there are
/// several, severity, window, alert policy); numbers such as burn rates and the budget left are annotations, so
/// changing numbers update one alert instead of making new ones.
/// <list type="bullet">
/// <item><c>SloBurnRate</c>: the most urgent firing Workbook multi-window rule of an objective, or a breaching alert policy condition;</item>
/// <item><c>SloNoData</c>: an alert policy with <c>alertWhenNoData</c> whose lookback window has no events;</item>
/// <item><c>ErrorBudgetExhausted</c>: while an objective's exhausted budget holds its service change-frozen.</item>
/// </list>
/// </summary>
public static class SloAlerts
{
    public const string Name = "SloBurnRate";
    public const string NoDataName = "SloNoData";
    public const string ExhaustedName = "ErrorBudgetExhausted";

    public static readonly IReadOnlySet<string> Names = new HashSet<string>([Name, NoDataName, ExhaustedName], StringComparer.Ordinal);

    /// <summary>
    /// How long each send holds the alert: re-sent every evaluation while firing, resolved explicitly when it stops,
    /// and if the server stops evaluating (removed SLO, shutdown, SLI source down) it still resolves by itself. At least
    /// three evaluation intervals: with a fixed 5 minutes, an evaluation_interval above it let every alert end between
    /// two rounds and fire anew at the next (resolved and firing notifications each round, its start reset).
    /// </summary>
    public static TimeSpan HoldFor(TimeSpan evaluationInterval) =>
        evaluationInterval * 3 > MinimumHold ? evaluationInterval * 3 : MinimumHold;

    private static readonly TimeSpan MinimumHold = TimeSpan.FromMinutes(5);

    /// <summary>The burn-rate and no-data alerts of one objective now (the most urgent Workbook rule, each firing policy condition).</summary>
    public static IEnumerable<Alert> BurnAlerts(SloState state, ObjectiveStatus status, DateTimeOffset now, TimeSpan holdFor)
    {
        if (Workbook(state, status, now, holdFor) is { } workbook)
        {
            yield return workbook;
        }
        foreach (var condition in status.Conditions)
        {
            if (Condition(state, status, condition, now, holdFor) is { } alert)
            {
                yield return alert;
            }
        }
    }

    /// <summary>The alert of the most urgent firing Workbook rule, or null when none fires.</summary>
    public static Alert? Workbook(SloState state, ObjectiveStatus status, DateTimeOffset now, TimeSpan holdFor)
    {
        var burn = status.Burn;
        if (burn.Firing.Count == 0)
        {
            return null;
        }
        var rule = burn.Firing.OrderBy(f => f.Severity).ThenBy(f => f.Long).First();
        var labels = Labels(state, status, Name,
            (AlertLabels.Severity, rule.Severity == AlertSeverity.Page ? "critical" : "warning"),
            ("window", Duration(rule.Long)));
        var remaining = Remaining(status.Budget);
        var annotations = LabelSet.From(
            ("summary", $"SLO {Describe(state, status)} burns its error budget {Number(burn.RateOver(rule.Long))}x over {Duration(rule.Long)} "
                + $"and {Number(burn.RateOver(rule.Short))}x over {Duration(rule.Short)} (limit {Number(rule.Factor)}x); budget left {remaining}"),
            ("objective", Percent(status.Objective.Objective.Target)),
            ("burn_rate_long", Number(burn.RateOver(rule.Long))),
            ("burn_rate_short", Number(burn.RateOver(rule.Short))),
            ("short_window", Duration(rule.Short)),
            ("threshold", Number(rule.Factor)),
            ("budget_remaining", remaining),
            ("budget_remaining_" + Unit(status.Budget), Number(status.Budget.Remaining)));
        return Make(state, labels, annotations, now, holdFor);
    }

    /// <summary>The alert of one policy condition (breaching or no data), or null.</summary>
    public static Alert? Condition(SloState state, ObjectiveStatus status, ConditionResult result, DateTimeOffset now, TimeSpan holdFor)
    {
        if (result.Alert is not { } kind)
        {
            return null;
        }
        var c = result.Condition;
        var extra = new List<(string, string)>
        {
            (AlertLabels.Severity, SeverityLabel(c.Severity)),
            ("window", Duration(c.Lookback)),
            ("alert_policy", c.Policy),
        };
        if (c.NotificationTargets.Count > 0)
        {
            extra.Add(("notification_targets", string.Join(',', c.NotificationTargets)));
        }
        var labels = Labels(state, status, kind == ConditionAlert.Breaching ? Name : NoDataName, [.. extra]);
        var op = c.Op.ToString().ToLowerInvariant();
        var summary = kind == ConditionAlert.Breaching
            ? $"SLO {Describe(state, status)}: burn rate {Number(result.BurnRate)}x over {Duration(c.Lookback)} is {op} {Number(c.Threshold)} "
                + $"(alert policy {c.Policy}); budget left {Remaining(status.Budget)}"
            : $"SLO {Describe(state, status)}: no SLI data over {Duration(c.Lookback)}"
                + (state.Source is { State: SloSourceStatus.Error, LastError: { } error } ? $" ({error})" : "") + $" (alert policy {c.Policy})";
        var annotations = LabelSet.From(
            ("summary", summary),
            ("objective", Percent(status.Objective.Objective.Target)),
            ("condition", c.Condition),
            ("condition_severity", c.Severity),
            ("op", op),
            ("threshold", Number(c.Threshold)),
            ("alert_after", Duration(c.AlertAfter)),
            ("burn_rate", double.IsFinite(result.BurnRate) ? Number(result.BurnRate) : "none"),
            ("budget_remaining", Remaining(status.Budget)),
            ("notify_resolved", c.WhenResolved ? "true" : "false"));
        return Make(state, labels, annotations, now, holdFor);
    }

    /// <summary>The alert sent while an objective holds its service change-frozen.</summary>
    public static Alert Exhausted(SloState state, int objective, SloFreezeRecord freeze, ErrorBudget? budget, DateTimeOffset now, TimeSpan holdFor)
    {
        var evaluator = state.Evaluator.Objectives[objective];
        var labels = Labels(state, evaluator, ExhaustedName, (AlertLabels.Severity, "warning"));
        var remaining = budget is null ? "unknown" : Remaining(budget);
        var annotations = LabelSet.From(
            ("summary", $"Error budget of SLO {state.Name}{(state.Evaluator.Objectives.Count > 1 ? $" ({evaluator.Label})" : "")} is exhausted "
                + $"(budget left {remaining}): service {state.Slo.Service} is change-frozen since {freeze.Since:yyyy-MM-dd HH:mm}Z"),
            ("objective", Percent(evaluator.Objective.Target)),
            ("frozen_since", freeze.Since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            ("budget_remaining", remaining),
            ("freeze_url", "/api/v1/services/" + Uri.EscapeDataString(state.Slo.Service) + "/freeze"));
        return Make(state, labels, annotations, now, holdFor);
    }

    /// <summary>The SLO's page in the UI: the alerts' generatorURL.</summary>
    public static string PageUrl(string slo) => "/#/slos/" + Uri.EscapeDataString(slo);

    /// <summary>True for a generatorURL Vigil's SLO alerts use (the UI page, or the API form of earlier versions).</summary>
    public static bool IsSloUrl(string url) => url.StartsWith("/#/slos/", StringComparison.Ordinal) || url.StartsWith("/api/v1/slos/", StringComparison.Ordinal);

    /// <summary>Prometheus-style duration: 5m, 1h, 5h36m, 2d19h12m.</summary>
    public static string Duration(TimeSpan span)
    {
        var text = (span.Days > 0 ? $"{span.Days}d" : "") + (span.Hours > 0 ? $"{span.Hours}h" : "") + (span.Minutes > 0 ? $"{span.Minutes}m" : "");
        return text.Length == 0 ? "0m" : text;
    }

    /// <summary>OpenSLO severities are free text: page and ticket become Vigil's critical and warning, others are kept (lowercase).</summary>
    public static string SeverityLabel(string severity) => severity.ToLowerInvariant() switch
    {
        "page" => "critical",
        "ticket" => "warning",
        var other => other,
    };

    private static Alert Make(SloState state, LabelSet labels, LabelSet annotations, DateTimeOffset now, TimeSpan holdFor)
    {
        var startsAt = state.Sent.TryGetValue(labels.Fingerprint(), out var sent) && sent.EndsAt > now ? sent.StartsAt : now;
        return new Alert(labels, annotations, startsAt, now + holdFor, PageUrl(state.Name), now, Timeout: true);
    }

    private static LabelSet Labels(SloState state, ObjectiveStatus status, string alertName, params (string, string)[] extra) =>
        Labels(state, status.Objective, alertName, extra);

    private static LabelSet Labels(SloState state, ObjectiveEvaluator objective, string alertName, params (string, string)[] extra)
    {
        var labels = new List<(string, string)> { (AlertLabels.AlertName, alertName), ("slo", state.Name), ("service", state.Slo.Service) };
        if (state.Evaluator.Objectives.Count > 1)
        {
            labels.Add(("objective", objective.Label));
        }
        labels.AddRange(extra);
        return LabelSet.From([.. labels]);
    }

    private static string Describe(SloState state, ObjectiveStatus status) =>
        state.Name + (state.Evaluator.Objectives.Count > 1 ? $" ({status.Objective.Label})" : "") + $" ({state.Slo.Service})";

    private static string Remaining(ErrorBudget budget) => double.IsFinite(budget.RemainingPercent) ? Number(budget.RemainingPercent) + "%" : "none";

    private static string Unit(ErrorBudget budget) => budget.Unit == BudgetUnit.Events ? "events" : "minutes";

    private static string Percent(double target) => Number(100 * target) + "%";

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
