using System.Text.Json.Serialization;
using Vigil.Core.Notifications;

namespace Vigil.Server.Notifications;

/// <summary>
/// Alertmanager's webhook payload, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config),
/// so receivers written for Alertmanager work unchanged. Like Alertmanager, a firing alert's <c>endsAt</c> is the zero
/// time (its end is not known yet) and <c>max_alerts</c> truncates the list, counting the rest in <c>truncatedAlerts</c>.
/// </summary>
internal static class WebhookPayload
{
    private static readonly DateTimeOffset ZeroTime = new(1, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static WebhookMessage Build(NotificationMessage m, int maxAlerts, string externalUrl)
    {
        var alerts = m.Alerts.Select(a => new WebhookAlert(a.Status, a.Labels, a.Annotations, a.StartsAt,
            a.Status == "resolved" ? a.EndsAt : ZeroTime, MessageText.Absolute(a.GeneratorUrl, externalUrl), a.Fingerprint)).ToList();
        var truncated = 0;
        if (maxAlerts > 0 && alerts.Count > maxAlerts)
        {
            truncated = alerts.Count - maxAlerts;
            alerts = alerts[..maxAlerts];
        }
        return new WebhookMessage("4", m.GroupKey, truncated, m.Status, m.Receiver, m.GroupLabels,
            Common(m.Alerts.Select(a => a.Labels)), Common(m.Alerts.Select(a => a.Annotations)), externalUrl, alerts);
    }

    /// <summary>The label pairs all alerts share (Alertmanager's commonLabels / commonAnnotations).</summary>
    private static Dictionary<string, string> Common(IEnumerable<IReadOnlyDictionary<string, string>> sets)
    {
        Dictionary<string, string>? common = null;
        foreach (var set in sets)
        {
            if (common is null)
            {
                common = new Dictionary<string, string>(set, StringComparer.Ordinal);
                continue;
            }
            foreach (var (name, value) in common.ToList())
            {
                if (!set.TryGetValue(name, out var other) || other != value)
                {
                    common.Remove(name);
                }
            }
        }
        return common ?? [];
    }
}

internal sealed record WebhookMessage(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("groupKey")] string GroupKey,
    [property: JsonPropertyName("truncatedAlerts")] int TruncatedAlerts,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("receiver")] string Receiver,
    [property: JsonPropertyName("groupLabels")] IReadOnlyDictionary<string, string> GroupLabels,
    [property: JsonPropertyName("commonLabels")] IReadOnlyDictionary<string, string> CommonLabels,
    [property: JsonPropertyName("commonAnnotations")] IReadOnlyDictionary<string, string> CommonAnnotations,
    [property: JsonPropertyName("externalURL")] string ExternalUrl,
    [property: JsonPropertyName("alerts")] IReadOnlyList<WebhookAlert> Alerts);

internal sealed record WebhookAlert(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] IReadOnlyDictionary<string, string> Annotations,
    [property: JsonPropertyName("startsAt")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset EndsAt,
    [property: JsonPropertyName("generatorURL")] string GeneratorUrl,
    [property: JsonPropertyName("fingerprint")] string Fingerprint);
