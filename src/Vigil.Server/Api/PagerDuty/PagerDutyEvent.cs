using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vigil.Server.Api.PagerDuty;

/// <summary>
/// A validated PagerDuty Events API v2 alert event
/// (https://developer.pagerduty.com/docs/events-API-v2/trigger-events/). Validation collects every problem, worded
/// like PagerDuty's own errors, instead of stopping at the first.
/// </summary>
internal sealed record PagerDutyEvent(
    string RoutingKey,
    string Action,
    string? DedupKey,
    string? Summary,
    string? Source,
    string? Severity,
    DateTimeOffset? Timestamp,
    string? Component,
    string? Group,
    string? Class,
    JsonNode? CustomDetails,
    JsonArray? Links,
    JsonArray? Images)
{
    public const int MaxDedupKey = 255;
    public const int MaxSummary = 1024;
    private static readonly string[] Actions = ["trigger", "acknowledge", "resolve"];
    private static readonly string[] Severities = ["critical", "error", "warning", "info"];

    /// <summary>Longest string field other than the summary (which has its own limit): they become labels.</summary>
    private const int MaxField = 1024;

    public static PagerDutyEvent? Parse(JsonNode? root, DateTimeOffset now, List<string> errors)
    {
        if (root is not JsonObject body)
        {
            errors.Add("Event object is not a JSON object");
            return null;
        }
        var routingKey = String(body, "routing_key", errors);
        var action = String(body, "event_action", errors);
        var dedupKey = String(body, "dedup_key", errors);
        if (string.IsNullOrEmpty(routingKey))
        {
            errors.Add("'routing_key' is missing or blank");
        }
        if (string.IsNullOrEmpty(action))
        {
            errors.Add("'event_action' is missing or blank");
        }
        else if (!Actions.Contains(action))
        {
            errors.Add($"'event_action' is invalid: \"{action}\" (must be one of trigger, acknowledge, resolve)");
        }
        if (dedupKey is { Length: > MaxDedupKey })
        {
            errors.Add($"'dedup_key' is too long: {dedupKey.Length} characters (must be at most {MaxDedupKey})");
        }
        if (action is "acknowledge" or "resolve" && string.IsNullOrEmpty(dedupKey))
        {
            errors.Add($"'dedup_key' is required for event_action {action}");
        }
        string? summary = null, source = null, severity = null, component = null, group = null, cls = null;
        DateTimeOffset? timestamp = null;
        JsonNode? details = null;
        if (action == "trigger")
        {
            if (body["payload"] is not JsonObject payload)
            {
                errors.Add("'payload' is missing or not an object (required for event_action trigger)");
            }
            else
            {
                summary = String(payload, "summary", errors);
                source = String(payload, "source", errors);
                severity = String(payload, "severity", errors);
                component = String(payload, "component", errors);
                group = String(payload, "group", errors);
                cls = String(payload, "class", errors);
                details = payload["custom_details"]?.DeepClone();
                if (string.IsNullOrWhiteSpace(summary))
                {
                    errors.Add("'payload.summary' is missing or blank");
                }
                else if (summary.Length > MaxSummary)
                {
                    errors.Add($"'payload.summary' is too long: {summary.Length} characters (must be at most {MaxSummary})");
                }
                if (string.IsNullOrWhiteSpace(source))
                {
                    errors.Add("'payload.source' is missing or blank");
                }
                if (string.IsNullOrEmpty(severity))
                {
                    errors.Add("'payload.severity' is missing or blank");
                }
                else if (!Severities.Contains(severity))
                {
                    errors.Add($"'payload.severity' is invalid: \"{severity}\" (must be one of critical, error, warning, info)");
                }
                if (String(payload, "timestamp", errors) is { } ts)
                {
                    if (PagerDutyTimestamp.TryParse(ts, out var parsed))
                    {
                        // PagerDuty treats the timestamp as information; Vigil starts the alert there, so it must not
                        // be ahead of the server.
                        if (EventTimestamps.TooFarAhead("'payload.timestamp'", parsed, now) is { } ahead)
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
        }
        var links = Array(body, "links", errors);
        var images = Array(body, "images", errors);
        return errors.Count > 0
            ? null
            : new PagerDutyEvent(routingKey!, action!, string.IsNullOrEmpty(dedupKey) ? null : dedupKey, summary, source, severity, timestamp,
                component, group, cls, details, links, images);
    }

    internal static string? String(JsonObject obj, string name, List<string> errors)
    {
        var node = obj[name];
        if (node is null)
        {
            return null;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                // These become alert labels: PostgreSQL cannot store NUL in text, and the native and Alertmanager paths refuse it.
                errors.Add($"'{name}' contains a NUL character");
                return null;
            }
            if (text.Length > MaxField && name != "summary")
            {
                errors.Add($"'{name}' is too long: {text.Length} characters (must be at most {MaxField})");
                return null;
            }
            return text;
        }
        errors.Add($"'{name}' must be a string");
        return null;
    }

    internal static JsonArray? Array(JsonObject obj, string name, List<string> errors)
    {
        var node = obj[name];
        if (node is null)
        {
            return null;
        }
        if (node is JsonArray array)
        {
            return (JsonArray)array.DeepClone();
        }
        errors.Add($"'{name}' must be an array");
        return null;
    }
}
