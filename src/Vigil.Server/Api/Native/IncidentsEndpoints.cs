using System.Text.Json;
using Vigil.Core.Alerts;
using Vigil.Core.Incidents;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Server.Api.Alertmanager;
using Vigil.Server.Auth;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Api.Native;

/// <summary>Incidents: list, detail with alerts and timeline, and the manual lifecycle actions.</summary>
public static class IncidentsEndpoints
{
    public const int MaxListLimit = 500;

    public static void MapIncidents(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/incidents", ListIncidents).RequireRole(Role.Viewer);
        app.MapGet("/api/v1/incidents/{id:long}", GetIncident).RequireRole(Role.Viewer);
        app.MapPost("/api/v1/incidents/{id:long}/acknowledge", (long id, HttpContext c, AlertPipeline p, ServerSettings s) =>
            ActWithComment(id, c, p, s, "incident.acknowledge", IncidentLifecycle.Acknowledge)).RequireRole(Role.Responder);
        app.MapPost("/api/v1/incidents/{id:long}/unacknowledge", (long id, HttpContext c, AlertPipeline p, ServerSettings s) =>
            ActWithComment(id, c, p, s, "incident.unacknowledge", IncidentLifecycle.Unacknowledge)).RequireRole(Role.Responder);
        app.MapPost("/api/v1/incidents/{id:long}/resolve", (long id, HttpContext c, AlertPipeline p, ServerSettings s) =>
            ActWithComment(id, c, p, s, "incident.resolve", IncidentLifecycle.Resolve)).RequireRole(Role.Responder);
        app.MapPost("/api/v1/incidents/{id:long}/reopen", (long id, HttpContext c, AlertPipeline p, ServerSettings s) =>
            ActWithComment(id, c, p, s, "incident.reopen", IncidentLifecycle.Reopen)).RequireRole(Role.Responder);
        app.MapPost("/api/v1/incidents/{id:long}/notes", AddNote).RequireRole(Role.Responder);
        app.MapPut("/api/v1/incidents/{id:long}/priority", SetPriority).RequireRole(Role.Responder);
        app.MapGet("/api/v1/summary", Summary).RequireRole(Role.Viewer);
    }

    private static async Task<IResult> ListIncidents(AlertPipeline pipeline, TimeProvider time, string? status, int? limit, long? before, CancellationToken ct)
    {
        var statuses = new List<IncidentStatus>();
        foreach (var part in (status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == "open")
            {
                statuses.AddRange([IncidentStatus.Triggered, IncidentStatus.Acknowledged]);
            }
            else if (Enum.TryParse<IncidentStatus>(part, ignoreCase: true, out var parsed) && !int.TryParse(part, out _))
            {
                statuses.Add(parsed);
            }
            else
            {
                return Problems.BadRequest($"Unknown status \"{part}\"; use triggered, acknowledged, resolved or open.");
            }
        }
        if (limit is < 1 or > MaxListLimit)
        {
            return Problems.BadRequest($"limit must be between 1 and {MaxListLimit}.");
        }
        var incidents = await pipeline.Store.ListIncidentsAsync(new IncidentQuery(statuses, limit ?? 100, before), ct);
        var now = time.GetUtcNow();
        return Results.Json(incidents.Select(i => ToSummary(i, pipeline.Alerts, now)).ToList(), NativeJson.Default.ListIncidentSummaryDto);
    }

    private static async Task<IResult> GetIncident(long id, AlertPipeline pipeline, TimeProvider time, CancellationToken ct)
    {
        // From the store, not the dispatcher's memory: a flush changes the tracked incident before its commit, and the
        // answer must show only committed state, consistent with the timeline read next to it.
        var incident = await pipeline.Store.GetIncidentAsync(id, ct);
        return incident is null
            ? Problems.NotFound($"No incident {id}.")
            : Results.Json(await DetailAsync(incident, pipeline, time.GetUtcNow(), ct), NativeJson.Default.IncidentDetailDto);
    }

    private static async Task<IResult> ActWithComment(long id, HttpContext context, AlertPipeline pipeline, ServerSettings settings,
        string action, Func<Incident, string, DateTimeOffset, string?, IncidentTransition> transition)
    {
        if (await IncidentTeamGate.CheckAsync(id, context, pipeline, action["incident.".Length..]) is { } forbidden)
        {
            return forbidden;
        }
        string? comment = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var body = await RequestBody.ReadJsonAsync(context, NativeJson.Default.CommentRequest, 64 * 1024);
            if (body.Error is not null)
            {
                return body.Error;
            }
            comment = body.Value!.Comment;
            if (comment is { Length: > IncidentLifecycle.MaxNoteLength })
            {
                return Problems.BadRequest($"comment is longer than {IncidentLifecycle.MaxNoteLength} characters.");
            }
        }
        var actor = context.ActorName();
        return await ActAsync(id, context, pipeline, action, (incident, now) => transition(incident, actor, now, comment));
    }

    private static async Task<IResult> AddNote(long id, HttpContext context, AlertPipeline pipeline)
    {
        var body = await RequestBody.ReadJsonAsync(context, NativeJson.Default.NoteRequest, 64 * 1024);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var actor = context.ActorName();
        return await ActAsync(id, context, pipeline, "incident.note", (incident, now) => IncidentLifecycle.AddNote(incident, actor, now, body.Value!.Text ?? ""));
    }

    private static async Task<IResult> SetPriority(long id, HttpContext context, AlertPipeline pipeline)
    {
        if (await IncidentTeamGate.CheckAsync(id, context, pipeline, "change the priority of") is { } forbidden)
        {
            return forbidden;
        }
        var body = await RequestBody.ReadJsonAsync(context, NativeJson.Default.PriorityRequest, 64 * 1024);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var actor = context.ActorName();
        return await ActAsync(id, context, pipeline, "incident.priority", (incident, now) => IncidentLifecycle.SetPriority(incident, actor, now, body.Value!.Priority ?? ""));
    }

    private static async Task<IResult> ActAsync(long id, HttpContext context, AlertPipeline pipeline, string action, Func<Incident, DateTimeOffset, IncidentTransition> transition)
    {
        Incident? updated;
        try
        {
            updated = await pipeline.ActAsync(id, context.ActorName(), action, transition, context.RequestAborted);
        }
        catch (IncidentTransitionException ex)
        {
            return ex.Failure == TransitionFailure.Conflict ? Problems.Conflict(ex.Message) : Problems.BadRequest(ex.Message);
        }
        if (updated is null)
        {
            return Problems.NotFound($"No incident {id}.");
        }
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        return Results.Json(await DetailAsync(updated, pipeline, time.GetUtcNow(), context.RequestAborted), NativeJson.Default.IncidentDetailDto);
    }

    private static async Task<IResult> Summary(AlertPipeline pipeline, ServerSettings settings, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var open = await pipeline.Store.ListIncidentsAsync(new IncidentQuery([IncidentStatus.Triggered, IncidentStatus.Acknowledged], 10_000), ct);
        var recentResolved = await pipeline.Store.ListIncidentsAsync(new IncidentQuery([IncidentStatus.Resolved], 1000), ct);
        int critical = 0, error = 0, warning = 0, info = 0;
        foreach (var incident in open)
        {
            switch (incident.Severity)
            {
                case Severity.Critical: critical++; break;
                case Severity.Error: error++; break;
                case Severity.Warning: warning++; break;
                default: info++; break;
            }
        }
        return Results.Json(new SummaryDto(
            pipeline.Alerts.CountFiring(now),
            new IncidentCounts(open.Count(i => i.Status == IncidentStatus.Triggered), open.Count(i => i.Status == IncidentStatus.Acknowledged), recentResolved.Count),
            new SeverityCounts(critical, error, warning, info),
            settings.OpenAccess,
            settings.Demo), NativeJson.Default.SummaryDto);
    }

    internal static IncidentSummaryDto ToSummary(Incident i, AlertIndex alerts, DateTimeOffset now)
    {
        var firing = 0;
        foreach (var fp in i.Alerts)
        {
            if (alerts.Get(fp) is { } alert && !alert.IsResolvedAt(now))
            {
                firing++;
            }
        }
        return new(i.Id, i.Title, Name(i.Status), Name(i.Severity), i.Priority, i.GroupKey, i.GroupLabels.ToDictionary(), i.Receiver,
            i.CreatedAt, i.UpdatedAt, i.AcknowledgedAt, i.AcknowledgedBy, i.ResolvedAt, i.ResolvedBy, i.Alerts.Count, i.Status == IncidentStatus.Resolved ? 0 : firing,
            i.Service);
    }

    private static async Task<IncidentDetailDto> DetailAsync(Incident incident, AlertPipeline pipeline, DateTimeOffset now, CancellationToken ct)
    {
        var summary = ToSummary(incident, pipeline.Alerts, now);
        var view = pipeline.Snapshot(now);
        var alerts = new List<IncidentAlertDto>(incident.Alerts.Count);
        Dictionary<Fingerprint, Alert>? members = null;
        foreach (var fp in incident.Alerts)
        {
            var alert = pipeline.Alerts.Get(fp);
            if (alert is null)
            {
                // Collected (alerts.resolved_retention), so resolved: shown as it was when it joined, without an end.
                members ??= (await pipeline.Store.GetIncidentMembersAsync(incident.Id, ct)).ToDictionary(a => a.Fingerprint);
                alerts.Add(members.TryGetValue(fp, out var member)
                    ? new IncidentAlertDto(fp.ToString(), member.Labels.ToDictionary(), member.Annotations.ToDictionary(), member.StartsAt, null,
                        member.GeneratorUrl, "resolved", false, false)
                    : new IncidentAlertDto(fp.ToString(), new Dictionary<string, string>(), new Dictionary<string, string>(), null, null, "", "resolved", false, false));
                continue;
            }
            alerts.Add(new IncidentAlertDto(fp.ToString(), alert.Labels.ToDictionary(), alert.Annotations.ToDictionary(),
                    alert.StartsAt, alert.EndsAt, alert.GeneratorUrl, alert.IsResolvedAt(now) ? "resolved" : "firing",
                    view.SilencedBy(alert).Count > 0, view.InhibitedBy(alert).Count > 0));
        }
        var timeline = (await pipeline.Store.GetTimelineAsync(incident.Id, ct))
            .Select(t => new TimelineDto(t.Sequence, t.At, KindName(t.Kind), t.Actor, t.Message)).ToList();
        return new IncidentDetailDto(summary.Id, summary.Title, summary.Status, summary.Severity, summary.Priority, summary.GroupKey, summary.GroupLabels,
            summary.Receiver, summary.CreatedAt, summary.UpdatedAt, summary.AcknowledgedAt, summary.AcknowledgedBy, summary.ResolvedAt, summary.ResolvedBy,
            summary.AlertCount, summary.FiringCount, summary.Service, alerts, timeline);
    }

    private static string Name<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();

    /// <summary>snake_case, as the API documents kinds (alert_added, auto_resolved...).</summary>
    internal static string KindName(TimelineKind kind) => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());
}
