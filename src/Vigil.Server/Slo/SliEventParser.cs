using System.Text.Json;
using Vigil.Server.Api;
using Vigil.Server.Metrics;

namespace Vigil.Server.Slo;

/// <summary>One validated entry of <c>POST /api/v1/sli-events</c>: events of one SLO at one time.</summary>
public readonly record struct SliEvent(string Slo, double Good, double Total, DateTimeOffset Timestamp);

/// <summary>
/// Parses <c>{"events":[{"slo":"name","good":n,"total":n,"timestamp"?}]}</c> (or <c>bad</c> instead of <c>good</c>).
/// Every problem is collected (up to a limit) so a client fixes its batch in one round; nothing is accepted unless all is valid.
/// </summary>
public static class SliEventParser
{
    public const int MaxEvents = 10_000;

    /// <summary>
    /// The largest count of one event. An SLO's history keeps its counts as 32-bit floats, so a count beyond their range
    /// (about 3.4e38) became infinite there: the budget of the whole window was unreadable and the burn-down broke off
    /// (found by the endpoint sweep). A quadrillion leaves room to add up any real traffic.
    /// </summary>
    public const double MaxCount = 1e15;

    private const int MaxErrors = 20;

    /// <summary>Clients' clocks drift; a little skew is accepted and counted in the current minute.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private const string Shape = "{\"events\":[{\"slo\":\"name\",\"good\":99,\"total\":100,\"timestamp\":\"RFC 3339 or unix seconds (optional)\"}]}";

    /// <param name="oldest">
    /// The earliest time that still counts for an SLO, null for a name that is not configured. Older events are outside
    /// every window and refused rather than silently dropped.
    /// </param>
    /// <param name="refuse">Why a configured SLO takes no events (its SLI is read from Prometheus), or null.</param>
    public static (List<SliEvent> Events, List<string> Errors) Parse(ReadOnlySpan<byte> body, DateTimeOffset now, Func<string, DateTimeOffset?> oldest,
        Func<string, string?>? refuse = null)
    {
        var events = new List<SliEvent>();
        var errors = new List<string>();
        using var document = JsonEnvelope.Parse(body, "events", "Expected a JSON object with an \"events\" array: " + Shape + ".", errors, out var list);
        if (document is null)
        {
            return (events, errors);
        }
        if (list.GetArrayLength() is 0 or > MaxEvents)
        {
            errors.Add($"{list.GetArrayLength()} events in one request; send 1 to {MaxEvents}.");
            return (events, errors);
        }
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (Event(item, $"events[{index++}]", now, oldest, refuse, errors) is { } e)
            {
                events.Add(e);
            }
            if (errors.Count >= MaxErrors)
            {
                break;
            }
        }
        return (events, errors);
    }

    private static SliEvent? Event(JsonElement item, string where, DateTimeOffset now, Func<string, DateTimeOffset?> oldest, Func<string, string?>? refuse,
        List<string> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{where} must be an object such as {{\"slo\":\"name\",\"good\":99,\"total\":100}}.");
            return null;
        }
        var count = errors.Count;
        string? slo = null;
        DateTimeOffset? from = null;
        if (!item.TryGetProperty("slo", out var sloNode) || sloNode.ValueKind != JsonValueKind.String || sloNode.GetString() is not { Length: > 0 } name)
        {
            errors.Add($"{where}.slo must be the name of a configured SLO.");
        }
        else if (oldest(name) is not { } start)
        {
            errors.Add($"{where}.slo \"{name}\" is not a configured SLO; GET /api/v1/slos lists them.");
        }
        else if (refuse?.Invoke(name) is { } refusal)
        {
            errors.Add($"{where}.slo \"{name}\" {refusal}");
        }
        else
        {
            (slo, from) = (name, start);
        }
        var total = Count(item, "total", where, errors);
        var hasGood = item.TryGetProperty("good", out _);
        var hasBad = item.TryGetProperty("bad", out _);
        double? good = null;
        if (hasGood == hasBad)
        {
            errors.Add($"{where} needs exactly one of \"good\" and \"bad\".");
        }
        else if (Count(item, hasGood ? "good" : "bad", where, errors) is { } part && total is { } t)
        {
            if (part > t)
            {
                errors.Add($"{where}.{(hasGood ? "good" : "bad")} ({part}) is more than total ({t}).");
            }
            good = hasGood ? part : t - part;
        }
        var timestamp = new DateTimeOffset(MetricBatchParser.Timestamp(item, where, now, errors), TimeSpan.Zero);
        if (errors.Count == count && timestamp > now + MaxClockSkew)
        {
            errors.Add($"{where}.timestamp is in the future (more than {MaxClockSkew.TotalMinutes:0} minutes after the server's clock).");
        }
        else if (errors.Count == count && timestamp < from)
        {
            errors.Add($"{where}.timestamp is older than the SLO's window ({from:yyyy-MM-dd'T'HH:mm:ss'Z'}); it cannot count any more.");
        }
        return errors.Count == count ? new SliEvent(slo!, good!.Value, total!.Value, timestamp < now ? timestamp : now) : null;
    }

    private static double? Count(JsonElement item, string name, string where, List<string> errors)
    {
        if (!item.TryGetProperty(name, out var node))
        {
            errors.Add($"{where}.{name} is missing.");
            return null;
        }
        if (node.ValueKind == JsonValueKind.Number && node.TryGetDouble(out var value) && double.IsFinite(value) && value is >= 0 and <= MaxCount)
        {
            return value;
        }
        errors.Add($"{where}.{name} must be a number of events from 0 to {MaxCount:0.#e0}, not {node.GetRawText()}.");
        return null;
    }
}
