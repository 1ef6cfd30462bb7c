using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Vigil.Core.Alerts;
using Vigil.Core.Security;
using Vigil.Server.Api.Alertmanager;
using Vigil.Server.Auth;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Api.Native;

/// <summary>
/// POST /api/v1/events: Vigil's own event format for anything that is not Prometheus. Each event becomes an alert
/// whose identity is (source, service, dedup_key, extra labels), so repeated triggers deduplicate and a resolve ends it.
/// </summary>
public static class EventsEndpoints
{
    public static void MapNativeEvents(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/events", PostEvents).RequireRole(Role.Responder);

    private static async Task<IResult> PostEvents(HttpContext context, AlertPipeline pipeline, ServerSettings settings, TimeProvider time)
    {
        var body = await RequestBody.ReadJsonAsync(context, NativeJson.Default.EventBatch, settings.MaxBodyBytes);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var now = time.GetUtcNow();
        var events = body.Value!.Events;
        if (events.Count == 0)
        {
            return Problems.BadRequest("No events given.");
        }
        var errors = new List<string>();
        var alerts = new List<Alert>(events.Count);
        var ended = new List<Alert>();
        for (var i = 0; i < events.Count; i++)
        {
            var alert = ToAlert(events[i], events.Count == 1 ? "event" : $"event {i}", now, settings, errors);
            if (alert is null)
            {
                continue;
            }
            // ToAlert refused a null event, so this one is there.
            var posted = events[i]!;
            // The key's alerts under another severity end: a resolve need not repeat the trigger's severity, and a
            // trigger whose severity changed replaces the key's alert instead of firing beside it.
            if (posted.Labels?.ContainsKey(AlertLabels.Severity) != true)
            {
                ended.AddRange(FiringWithOtherSeverity(pipeline, alert, now));
            }
            alerts.Add(alert);
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        var endings = ended.DistinctBy(a => a.Fingerprint).Where(e => !alerts.Any(a => a.Fingerprint == e.Fingerprint))
            .Select(a => a with { EndsAt = now, UpdatedAt = now, Timeout = false });
        await pipeline.IngestAsync([.. alerts, .. endings], context.RequestAborted);
        return Results.Json(new EventsAccepted(alerts.Count, alerts.Select(a => a.Fingerprint.ToString()).ToList()),
            NativeJson.Default.EventsAccepted, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// The firing alerts of the same event key (source, service, dedup_key, extra labels) under another severity label:
    /// the severity is a label for routing, but the key is what identifies an event's alert.
    /// </summary>
    private static List<Alert> FiringWithOtherSeverity(AlertPipeline pipeline, Alert alert, DateTimeOffset now)
    {
        // An event's severity is one of four, so the other alerts of its key are looked up by their labels, not
        // searched for among every stored alert.
        var severity = alert.Labels.Get(AlertLabels.Severity);
        var found = new List<Alert>();
        foreach (var other in Severities.Where(s => s != severity))
        {
            var labels = LabelSet.From(alert.Labels.Select(l => l.Key == AlertLabels.Severity ? KeyValuePair.Create(l.Key, other) : l));
            if (pipeline.Alerts.Get(labels.Fingerprint()) is { } firing && !firing.IsResolvedAt(now) && firing.Labels.Equals(labels))
            {
                found.Add(firing);
            }
        }
        return found;
    }

    /// <summary>
    /// Events are not re-sent like Prometheus alerts, so a trigger stays firing until resolved — or, as a safety net
    /// against a sender that never resolves, for 24 hours after the last trigger.
    /// </summary>
    public static readonly TimeSpan EventAutoResolve = TimeSpan.FromHours(24);

    private static readonly string[] Severities = ["critical", "error", "warning", "info"];

    internal static Alert? ToAlert(NativeEvent? e, string where, DateTimeOffset now, ServerSettings settings, List<string> errors)
    {
        if (e is null)
        {
            errors.Add($"{where}: is null; expected an object");
            return null;
        }
        var before = errors.Count;
        var action = (e.Action ?? "trigger").ToLowerInvariant();
        if (action is not ("trigger" or "resolve"))
        {
            errors.Add($"{where}: action \"{e.Action}\" is unknown; use trigger or resolve");
        }
        Require(e.Source, "source", where, errors);
        Require(e.Service, "service", where, errors);
        if (action == "trigger")
        {
            Require(e.Summary, "summary", where, errors);
        }
        if (e.Summary is { Length: > 1024 })
        {
            errors.Add($"{where}: summary is {e.Summary.Length} characters; at most 1024");
        }
        var severity = (e.Severity ?? "warning").ToLowerInvariant();
        if (!Severities.Contains(severity))
        {
            errors.Add($"{where}: severity \"{e.Severity}\" is unknown; use critical, error, warning or info");
        }
        if (e.DedupKey is { Length: > 255 })
        {
            errors.Add($"{where}: dedup_key is longer than 255 characters");
        }
        if (e.Timestamp is { } timestamp && EventTimestamps.TooFarAhead("timestamp", timestamp, now) is { } ahead)
        {
            errors.Add($"{where}: {ahead}");
        }
        if (action == "resolve" && string.IsNullOrEmpty(e.DedupKey) && string.IsNullOrEmpty(e.Summary))
        {
            errors.Add($"{where}: a resolve needs the dedup_key (or the summary) of the event it resolves");
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (e.Labels is not null)
        {
            if (e.Labels.Count > settings.MaxLabelsPerAlert)
            {
                errors.Add($"{where}: {e.Labels.Count} labels given, at most {settings.MaxLabelsPerAlert} allowed");
            }
            foreach (var (name, value) in e.Labels)
            {
                if (!LabelNames.IsValid(name))
                {
                    errors.Add($"{where}: label name {LabelNames.Problem(name)}");
                }
                else if (value is null)
                {
                    errors.Add($"{where}: label \"{name}\" has a null value");
                }
                else
                {
                    labels[name] = value;
                }
            }
        }
        if (errors.Count > before)
        {
            return null;
        }
        var dedupKey = string.IsNullOrEmpty(e.DedupKey) ? DeriveDedupKey(e.Source!, e.Service!, e.Summary ?? "") : e.DedupKey;
        labels.TryAdd(AlertLabels.AlertName, e.Source!);
        labels["source"] = e.Source!;
        labels[AlertLabels.Service] = e.Service!;
        labels["dedup_key"] = dedupKey;
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (e.Annotations is not null)
        {
            foreach (var (name, value) in e.Annotations)
            {
                if (!LabelNames.IsValid(name))
                {
                    // Alertmanager refuses such an alert too; dropping the annotation silently lost what the sender
                    // meant. A resolve is taken all the same, without that annotation: a sender that always adds one
                    // must still be able to end what it opened before this was refused.
                    if (action != "resolve")
                    {
                        errors.Add($"{where}: annotation name {LabelNames.Problem(name)}");
                    }
                }
                else if (value is not null)
                {
                    annotations[name] = value;
                }
            }
        }
        if (!string.IsNullOrEmpty(e.Summary))
        {
            annotations["summary"] = e.Summary;
        }
        // The alert API's value rules, on everything an event becomes (source, service, summary and dedup key included):
        // PostgreSQL cannot store NUL in text (it was a 500 there), and a value is at most MaxValueLength.
        foreach (var (what, map) in new[] { ("label", labels), ("annotation", annotations) })
        {
            foreach (var (name, value) in map)
            {
                if (value.Contains('\0', StringComparison.Ordinal))
                {
                    errors.Add($"{where}: {what} \"{name}\" contains a NUL character");
                }
                else if (value.Length > settings.MaxValueLength)
                {
                    errors.Add($"{where}: {what} \"{name}\" is {value.Length} characters long; at most {settings.MaxValueLength} allowed");
                }
            }
        }
        if (errors.Count > before)
        {
            return null;
        }
        var at = EventTimestamps.StartOf(e.Timestamp, now);
        // Severity may change between events of one key, but Prometheus convention (and routing) needs it as a label:
        // the endpoint ends the key's alert under its old severity (see FiringWithOtherSeverity) unless the sender put
        // severity in labels itself, which makes it part of the identity.
        labels.TryAdd(AlertLabels.Severity, severity);
        return action == "resolve"
            ? new Alert(LabelSet.From(labels), LabelSet.From(annotations), at, now, "", now)
            : new Alert(LabelSet.From(labels), LabelSet.From(annotations), at, now + EventAutoResolve, "", now, Timeout: true);
    }

    private static void Require(string? value, string name, string where, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{where}: {name} is required");
        }
    }

    private static string DeriveDedupKey(string source, string service, string summary) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{source}\n{service}\n{summary}")))[..16];
}

public sealed class NativeEvent
{
    public string? Action { get; set; }
    public string? Source { get; set; }
    public string? Service { get; set; }
    public string? Severity { get; set; }
    public string? Summary { get; set; }

    [JsonPropertyName("dedup_key")]
    public string? DedupKey { get; set; }

    public Dictionary<string, string?>? Labels { get; set; }
    public Dictionary<string, string?>? Annotations { get; set; }
    public DateTimeOffset? Timestamp { get; set; }
}

/// <summary>Either one event or an array of them.</summary>
[JsonConverter(typeof(EventBatchConverter))]
public sealed record EventBatch(List<NativeEvent?> Events);

public sealed record EventsAccepted(int Accepted, IReadOnlyList<string> Fingerprints);
