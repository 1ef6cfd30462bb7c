using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Core.Notifications;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Server.Auth;
using Vigil.Server.Notifications;

namespace Vigil.Server.Api.Native;

/// <summary>
/// GET /api/v1/notifications: the notification log — every queued notification with its channel, status, attempts
/// and last error. Channels are shown by receiver and integration, never by URL (secrets stay in the config).
/// </summary>
public static class NotificationsEndpoints
{
    public static void MapNotifications(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/notifications", List).RequireRole(Role.Viewer);

    private static async Task<IResult> List(IVigilStore store, string? incident, string? status, int? limit, CancellationToken ct)
    {
        long? incidentId = null;
        if (!string.IsNullOrEmpty(incident))
        {
            if (!long.TryParse(incident, out var id) || id <= 0)
            {
                return Problems.BadRequest($"incident must be a positive incident id, not \"{incident}\".");
            }
            incidentId = id;
        }
        OutboxStatus? wanted = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<OutboxStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                return Problems.BadRequest($"Unknown status \"{status}\"; use pending, delivered or failed.");
            }
            wanted = parsed;
        }
        if (limit is < 1 or > 500)
        {
            return Problems.BadRequest("limit must be between 1 and 500.");
        }
        var rows = await store.ListOutboxAsync(new OutboxQuery(incidentId, wanted, limit ?? 100), ct);
        return Results.Json(rows.Select(ToDto).ToList(), NotificationsJson.Default.ListNotificationDto);
    }

    private static NotificationDto ToDto(OutboxRecord r)
    {
        OutboxChannels.TryParseReceiver(r.Channel, out var receiver, out var integration);
        string? messageStatus = null;
        try
        {
            messageStatus = NotificationMessage.FromJson(r.Payload).Status;
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return new NotificationDto(r.Id, r.IncidentId, OutboxWorker.Describe(r.Channel), receiver, integration, messageStatus,
            r.Status.ToString().ToLowerInvariant(), r.Attempts, r.Status == OutboxStatus.Pending ? r.NextAttemptAt : null, r.LastError,
            r.CreatedAt, r.SentAt, r.DedupKey);
    }
}

public sealed record NotificationDto(
    long Id,
    long? Incident,
    string Channel,
    string Receiver,
    string Integration,
    string? Message,
    string Status,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    string DedupKey);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(List<NotificationDto>))]
public sealed partial class NotificationsJson : JsonSerializerContext;
