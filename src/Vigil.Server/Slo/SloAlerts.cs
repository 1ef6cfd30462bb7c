using System.Globalization;
using Vigil.Core.Alerts;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Budget;

namespace Vigil.Server.Slo;

/// <summary>
/// The <c>SloBurnRate</c> alert of a multi-window burn-rate rule. Labels name the SLO, service, severity and long
/// window of the most urgent firing rule; the burn rates and budget left are annotations, so changing numbers update
/// one alert instead of making new ones.
/// </summary>
public static class SloAlerts
{
    public const string Name = "SloBurnRate";

    /// <summary>
    /// Each send holds the alert this long: re-sent every evaluation while firing, resolved explicitly when it stops,
    /// and if the server stops evaluating (removed SLO, shutdown) it still resolves by itself.
    /// </summary>
    public static readonly TimeSpan HoldFor = TimeSpan.FromMinutes(5);

    /// <summary>The alert to send now, or null when no rule fires.</summary>
    public static Alert? For(SloState state, BurnRateEvaluation burn, ErrorBudget budget, DateTimeOffset now)
    {
        if (burn.Firing.Count == 0)
        {
            return null;
        }
        var rule = burn.Firing.OrderBy(f => f.Severity).ThenBy(f => f.Long).First();
        var rate = (TimeSpan w) => burn.BurnRates.First(r => r.Window == w).BurnRate;
        var labels = LabelSet.From(
            (AlertLabels.AlertName, Name),
            ("slo", state.Name),
            ("service", state.Slo.Service),
            (AlertLabels.Severity, rule.Severity == AlertSeverity.Page ? "critical" : "warning"),
            ("window", Duration(rule.Long)));
        var remaining = double.IsFinite(budget.RemainingPercent) ? Number(budget.RemainingPercent) + "%" : "none";
        var annotations = LabelSet.From(
            ("summary", $"SLO {state.Name} ({state.Slo.Service}) burns its error budget {Number(rate(rule.Long))}x over {Duration(rule.Long)} "
                + $"and {Number(rate(rule.Short))}x over {Duration(rule.Short)} (limit {Number(rule.Factor)}x); budget left {remaining}"),
            ("objective", Number(100 * state.Objective.Target) + "%"),
            ("burn_rate_long", Number(rate(rule.Long))),
            ("burn_rate_short", Number(rate(rule.Short))),
            ("short_window", Duration(rule.Short)),
            ("threshold", Number(rule.Factor)),
            ("budget_remaining", remaining),
            ("budget_remaining_" + (budget.Unit == BudgetUnit.Events ? "events" : "minutes"), Number(budget.Remaining)));
        var startsAt = state.Sent is { } sent && sent.Labels.Equals(labels) ? sent.StartsAt : now;
        return new Alert(labels, annotations, startsAt, now + HoldFor, "/api/v1/slos/" + Uri.EscapeDataString(state.Name), now, Timeout: true);
    }

    /// <summary>Prometheus-style duration: 5m, 1h, 5h36m, 2d19h12m.</summary>
    public static string Duration(TimeSpan span)
    {
        var text = (span.Days > 0 ? $"{span.Days}d" : "") + (span.Hours > 0 ? $"{span.Hours}h" : "") + (span.Minutes > 0 ? $"{span.Minutes}m" : "");
        return text.Length == 0 ? "0m" : text;
    }

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
