using Vigil.Core.Alerts;
using Vigil.Core.Routing;

namespace Vigil.Core.Dispatch;

/// <summary>Human-readable titles and timeline messages for incidents the dispatcher creates.</summary>
internal static class IncidentText
{
    /// <summary>
    /// Alert name plus what distinguishes the group, e.g. "HighLatency on checkout". Severity is left out (it has its
    /// own field) and with group_by '...' only the service is used, since all labels would be unreadable.
    /// </summary>
    public static string Title(Route route, LabelSet groupLabels, IReadOnlyList<Alert> firing)
    {
        var name = groupLabels.Get(AlertLabels.AlertName);
        if (name.Length == 0)
        {
            name = CommonAlertName(firing) ?? $"{firing.Count} alerts";
        }
        var context = new List<string>();
        if (route.GroupByAll)
        {
            if (groupLabels.Get(AlertLabels.Service) is { Length: > 0 } service)
            {
                context.Add(service);
            }
        }
        else
        {
            foreach (var (label, value) in groupLabels.Pairs)
            {
                if (label is not (AlertLabels.AlertName or AlertLabels.Severity) && value.Length > 0)
                {
                    context.Add(value);
                }
            }
        }
        return context.Count == 0 ? name : $"{name} on {string.Join(", ", context)}";
    }

    private static string? CommonAlertName(IReadOnlyList<Alert> alerts)
    {
        string? name = null;
        foreach (var alert in alerts)
        {
            if (name is null)
            {
                name = alert.Name;
            }
            else if (name != alert.Name)
            {
                return null;
            }
        }
        return string.IsNullOrEmpty(name) ? null : name;
    }

    public static string Added(Alert alert) => $"{Describe(alert)} started firing";

    public static string Refired(Alert alert) => $"{Describe(alert)} is firing again";

    public static string Unmuted(Alert alert) => $"{Describe(alert)} is firing and no longer silenced or inhibited";

    public static string Resolved(Alert? alert, Fingerprint fingerprint) =>
        alert is null ? $"alert {fingerprint} resolved (no longer stored)" : $"{Describe(alert)} resolved";

    private static string Describe(Alert alert) => $"{(alert.Name.Length > 0 ? alert.Name : "alert")} {alert.Labels} [{alert.Fingerprint}]";
}
