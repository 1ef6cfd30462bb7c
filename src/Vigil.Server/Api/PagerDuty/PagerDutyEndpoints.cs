using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Core.Alerts;
using Vigil.Core.Config;
using Vigil.Core.Incidents;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Server.Auth;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Api.PagerDuty;

/// <summary>
/// PagerDuty Events API v2 (<c>POST /v2/enqueue</c>, <c>POST /v2/change/enqueue</c>), so a tool that pages PagerDuty
/// — Alertmanager's <c>pagerduty_configs</c> included — pages Vigil by changing only its URL. Authenticated by the
/// routing key as PagerDuty is (no bearer token): each key — issued by Vigil (<see cref="IntegrationEndpoints"/>) or
/// declared in <c>integrations:</c> — feeds one service.
/// </summary>
public static class PagerDutyEndpoints
{
    /// <summary>PagerDuty's limit on one event. PagerDuty documents only 202/400/429, so a bigger body is a 400 too.</summary>
    public const int MaxEventBytes = 512 * 1024;

    /// <summary>Like native events, a trigger nobody resolves ends after a day instead of firing forever.</summary>
    private static readonly TimeSpan AutoResolve = TimeSpan.FromHours(24);

    public static void MapPagerDuty(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v2/enqueue", Enqueue);
        app.MapPost("/v2/change/enqueue", EnqueueChange);
        app.MapGet("/api/v1/changes", ListChanges).RequireRole(Role.Viewer);
    }

    private static IResult Invalid(IEnumerable<string> errors) => Results.Json(
        new PagerDutyError("invalid event", "Event object is invalid", errors.ToList()), PagerDutyJson.Default.PagerDutyError,
        statusCode: StatusCodes.Status400BadRequest);

    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    private static async Task<(JsonNode? Body, IResult? Error)> ReadAsync(HttpContext context)
    {
        var bytes = await RequestBody.ReadBytesAsync(context, MaxEventBytes);
        if (bytes.Error is not null)
        {
            return (null, Invalid([$"Event is larger than {MaxEventBytes / 1024} KB"]));
        }
        if (JsonText.Unreadable(bytes.Value) is { } unreadable)
        {
            // JsonObject decodes names and values on first access: what cannot be decoded would be a 500 there, not a 400.
            return (null, Invalid([$"Request body is not valid JSON: {unreadable}"]));
        }
        try
        {
            // A key given twice is refused while parsing: JsonObject would otherwise throw on first access, a 500.
            return (JsonNode.Parse(bytes.Value, documentOptions: StrictJson), null);
        }
        catch (JsonException ex)
        {
            return (null, Invalid([$"Request body is not valid JSON: {ex.Message}"]));
        }
    }

    private static async Task<IResult> Enqueue(HttpContext context, AlertPipeline pipeline, IssuedIntegrationKeys keys, TimeProvider time)
    {
        var (body, error) = await ReadAsync(context);
        if (error is not null)
        {
            return error;
        }
        var errors = new List<string>();
        var e = PagerDutyEvent.Parse(body, time.GetUtcNow(), errors);
        if (e is null)
        {
            return Invalid(errors);
        }
        var integration = await keys.FindAsync(pipeline.Config.Current, e.RoutingKey, context.RequestAborted);
        if (integration is null)
        {
            // The key itself is never echoed: it is a credential.
            return Invalid(["'routing_key' is not a known integration key"]);
        }
        var dedupKey = e.DedupKey ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        // Events for one key take turns: two triggers at once (a sender retrying a request that timed out) each found no
        // firing alert and made one, each with its own pd_alert_id, and a resolve ended only one of them.
        var turn = KeyTurns[(int)((uint)StringComparer.Ordinal.GetHashCode(integration.Name + "\n" + dedupKey) % (uint)KeyTurns.Length)];
        await turn.WaitAsync(context.RequestAborted);
        try
        {
            return await ApplyAsync(e, integration, dedupKey, pipeline, time, context.RequestAborted);
        }
        finally
        {
            turn.Release();
        }
    }

    private static readonly SemaphoreSlim[] KeyTurns = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    private static async Task<IResult> ApplyAsync(PagerDutyEvent e, PagerDutyIntegration integration, string dedupKey, AlertPipeline pipeline,
        TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var actor = $"integration:{integration.Name}";
        var existing = Current(pipeline, integration, dedupKey, now);
        string outcome;
        switch (e.Action)
        {
            case "trigger":
                var alert = ToAlert(e, integration, dedupKey, existing, now);
                await pipeline.IngestAsync([alert], ct);
                outcome = existing is null ? "triggered a new alert" : "updated the firing alert";
                break;
            case "acknowledge":
                outcome = existing is null ? "no firing alert; ignored" : await ActAsync(pipeline, existing, actor, "incident.acknowledge", IncidentLifecycle.Acknowledge, now, ct);
                break;
            default:
                if (existing is null)
                {
                    outcome = "no firing alert; ignored";
                    break;
                }
                await pipeline.IngestAsync([existing with { EndsAt = now, UpdatedAt = now, Timeout = false }], ct);
                // Resolved by the sender, not by Vigil: so a later trigger for this key opens a new incident (PagerDuty's
                // semantics) instead of reopening this one.
                outcome = "resolved the alert; " + await ActAsync(pipeline, existing, actor, "incident.resolve", IncidentLifecycle.Resolve, now, ct, onlyIfAllResolved: true);
                break;
        }
        var audit = new ChangeSet();
        audit.Audit.Add(new AuditEntry(now, actor, $"pagerduty.{e.Action}", $"service/{integration.Service}", $"dedup_key {dedupKey}: {outcome}"));
        await pipeline.CommitAsync(audit, ct);
        return Results.Json(new PagerDutyAccepted("success", "Event processed", dedupKey), PagerDutyJson.Default.PagerDutyAccepted,
            statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>The firing alert this integration holds for a dedup key: events for a key apply only with the same routing key.
    /// Looked up by the key (it used to read every stored alert per event).</summary>
    private static Alert? Current(AlertPipeline pipeline, PagerDutyIntegration integration, string dedupKey, DateTimeOffset now)
    {
        foreach (var alert in pipeline.Alerts.WithDedupKey(dedupKey))
        {
            if (!alert.IsResolvedAt(now) && alert.Labels.Get("pd_integration") == integration.Name)
            {
                return alert;
            }
        }
        return null;
    }

    /// <summary>
    /// The first trigger for a key fixes the alert's labels (its identity); later triggers for the key update its
    /// annotations and keep it firing, as PagerDuty deduplicates them into the open alert.
    /// </summary>
    private static Alert ToAlert(PagerDutyEvent e, PagerDutyIntegration integration, string dedupKey, Alert? existing, DateTimeOffset now)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal) { ["summary"] = e.Summary! };
        if (e.CustomDetails is not null)
        {
            annotations["custom_details"] = e.CustomDetails.ToJsonString();
        }
        if (e.Links is { Count: > 0 })
        {
            annotations["links"] = e.Links.ToJsonString();
        }
        if (e.Images is { Count: > 0 })
        {
            annotations["images"] = e.Images.ToJsonString();
        }
        if (existing is not null)
        {
            return existing with { Annotations = LabelSet.From(annotations), EndsAt = now + AutoResolve, UpdatedAt = now, Timeout = true };
        }
        var name = e.Class ?? e.Summary!;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [AlertLabels.AlertName] = name.Length > 200 ? name[..200] : name,
            [AlertLabels.Service] = integration.Service,
            [AlertLabels.Severity] = e.Severity!,
            ["source"] = e.Source!,
            [AlertIndex.DedupKeyLabel] = dedupKey,
            ["pd_integration"] = integration.Name,
            // A fresh id per alert: after a resolve, the next trigger for the key is a new alert (a new fingerprint),
            // so it opens a new incident even if it arrives before the resolved one has been flushed.
            ["pd_alert_id"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
        };
        if (!string.IsNullOrEmpty(e.Component))
        {
            labels["component"] = e.Component;
        }
        if (!string.IsNullOrEmpty(e.Group))
        {
            labels["group"] = e.Group;
        }
        return new Alert(LabelSet.From(labels), LabelSet.From(annotations), EventTimestamps.StartOf(e.Timestamp, now), now + AutoResolve, "", now, Timeout: true);
    }

    private static async Task<string> ActAsync(AlertPipeline pipeline, Alert alert, string actor, string action,
        Func<Incident, string, DateTimeOffset, string?, IncidentTransition> transition, DateTimeOffset now, CancellationToken ct, bool onlyIfAllResolved = false)
    {
        var incidents = pipeline.OpenIncidentsWith(alert.Fingerprint);
        if (incidents.Count == 0)
        {
            return "no incident yet";
        }
        var done = new List<long>();
        foreach (var incident in incidents)
        {
            if (onlyIfAllResolved && incident.Alerts.Any(f => f != alert.Fingerprint && pipeline.Alerts.Get(f) is { } other && !other.IsResolvedAt(now)))
            {
                continue;
            }
            try
            {
                await pipeline.ActAsync(incident.Id, actor, action, (i, at) => transition(i, actor, at, "via PagerDuty Events API"), ct);
                done.Add(incident.Id);
            }
            catch (IncidentTransitionException)
            {
                // Already acknowledged (or resolved): PagerDuty accepts repeated events, and so does Vigil.
            }
        }
        return done.Count == 0 ? "incident unchanged" : $"{action} incident {string.Join(",", done)}";
    }

    private static async Task<IResult> EnqueueChange(HttpContext context, AlertPipeline pipeline, IssuedIntegrationKeys keys, TimeProvider time)
    {
        var (body, error) = await ReadAsync(context);
        if (error is not null)
        {
            return error;
        }
        var errors = new List<string>();
        if (body is not JsonObject obj)
        {
            return Invalid(["Event object is not a JSON object"]);
        }
        var routingKey = PagerDutyEvent.String(obj, "routing_key", errors);
        if (string.IsNullOrEmpty(routingKey))
        {
            errors.Add("'routing_key' is missing or blank");
        }
        string? summary = null, source = null;
        var timestamp = time.GetUtcNow();
        if (obj["payload"] is not JsonObject payload)
        {
            errors.Add("'payload' is missing or not an object");
        }
        else
        {
            summary = PagerDutyEvent.String(payload, "summary", errors);
            source = PagerDutyEvent.String(payload, "source", errors);
            if (string.IsNullOrWhiteSpace(summary))
            {
                errors.Add("'payload.summary' is missing or blank");
            }
            else if (summary.Length > PagerDutyEvent.MaxSummary)
            {
                errors.Add($"'payload.summary' is too long: {summary.Length} characters (must be at most {PagerDutyEvent.MaxSummary})");
            }
            if (PagerDutyEvent.String(payload, "timestamp", errors) is { } ts)
            {
                if (PagerDutyTimestamp.TryParse(ts, out var parsed))
                {
                    // As for alert events: a change dated in the future would stay the service's latest change.
                    if (EventTimestamps.TooFarAhead("'payload.timestamp'", parsed, timestamp) is { } ahead)
                    {
                        errors.Add(ahead);
                    }
                    timestamp = parsed;
                }
                else
                {
                    errors.Add($"'payload.timestamp' is not an ISO 8601 time: \"{ts}\"");
                }
            }
        }
        PagerDutyEvent.Array(obj, "links", errors);
        PagerDutyEvent.Array(obj, "images", errors);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }
        var integration = await keys.FindAsync(pipeline.Config.Current, routingKey!, context.RequestAborted);
        if (integration is null)
        {
            return Invalid(["'routing_key' is not a known integration key"]);
        }
        obj.Remove("routing_key");
        var now = time.GetUtcNow();
        var changes = new ChangeSet();
        changes.ChangeEvents.Add(new ChangeEventRecord(0, integration.Name, integration.Service, summary!, source, timestamp, obj.ToJsonString(), now));
        changes.Audit.Add(new AuditEntry(now, $"integration:{integration.Name}", "pagerduty.change", $"service/{integration.Service}", summary!));
        await pipeline.CommitAsync(changes, context.RequestAborted);
        return Results.Json(new PagerDutyChangeAccepted("success", "Change event processed"), PagerDutyJson.Default.PagerDutyChangeAccepted,
            statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> ListChanges(IVigilStore store, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > 500)
        {
            return Problems.BadRequest("limit must be between 1 and 500.");
        }
        var rows = await store.ListChangeEventsAsync(limit ?? 100, ct);
        return Results.Json(rows.Select(r => new ChangeDto(r.Id, r.Integration, r.Service, r.Summary, r.Source, r.Timestamp, r.ReceivedAt,
            JsonNode.Parse(r.Json))).ToList(), PagerDutyJson.Default.ListChangeDto);
    }
}
