using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Core.Alerts;

namespace Vigil.Core.Notifications;

/// <summary>
/// What a notification says, independent of the channel that carries it: the incident/alert group, its status and
/// alerts. Stored as JSON in the outbox row; each notifier renders it in its own format when sending (so an outbox row
/// never holds a channel's secrets).
/// </summary>
/// <param name="Status"><c>firing</c> or <c>resolved</c> (Alertmanager's group status).</param>
/// <param name="Reason">Why this was sent, e.g. "reminder" or an escalation step; shown in the message.</param>
public sealed record NotificationMessage(
    string Receiver,
    string Status,
    string GroupKey,
    long? IncidentId,
    string Title,
    string IncidentStatus,
    IReadOnlyDictionary<string, string> GroupLabels,
    IReadOnlyList<NotifiedAlert> Alerts,
    string? Reason = null)
{
    public string ToJson() => JsonSerializer.Serialize(this, NotificationJson.Default.NotificationMessage);

    public static NotificationMessage FromJson(string json) =>
        JsonSerializer.Deserialize(json, NotificationJson.Default.NotificationMessage)
        ?? throw new JsonException("notification payload is null");
}

/// <summary>One alert of a notification, in the fields Alertmanager's webhook payload carries.</summary>
public sealed record NotifiedAlert(
    string Status,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string GeneratorUrl,
    string Fingerprint)
{
    /// <summary>An ingested alert as a notification carries it, <paramref name="status"/> <c>firing</c> or <c>resolved</c>.</summary>
    public static NotifiedAlert Of(Alert alert, string status) => new(status, alert.Labels.ToDictionary(), alert.Annotations.ToDictionary(),
        alert.StartsAt, alert.EndsAt, alert.GeneratorUrl, alert.Fingerprint.ToString());
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NotificationMessage))]
internal sealed partial class NotificationJson : JsonSerializerContext;
