using System.Net;
using System.Text.Json;

namespace Vigil.Server.Demo;

/// <summary>
/// <c>--demo</c> only: the notification sender's HTTP goes through here. A request to
/// <c>http(s)://demo-inbox.invalid/NAME</c> is answered 200 at once and put in the <see cref="DemoInbox"/>; every other
/// request goes on to the network unchanged. So the demo's pages run the whole real pipeline (outbox, payload, retries,
/// notification log, timeline) with nowhere to send them (decision 013).
/// </summary>
public sealed class DemoInboxHandler(DemoInbox inbox) : DelegatingHandler
{
    private const int SummaryChars = 300;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { } uri || !IsInbox(uri))
        {
            return await base.SendAsync(request, cancellationToken);
        }
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var (status, summary) = Describe(body);
        inbox.Add(Target(uri), status, summary, body.Length);
        return new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new ByteArrayContent([]) };
    }

    private static bool IsInbox(Uri uri) =>
        uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && string.Equals(uri.IdnHost, DemoInbox.Host, StringComparison.OrdinalIgnoreCase);

    private static string Target(Uri uri)
    {
        var path = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        return path.Length > 0 ? path : "(no name)";
    }

    /// <summary>
    /// What a person would read first: for an Alertmanager webhook message "[FIRING:1] HighLatency on checkout —
    /// p99 latency above 2s", Alertmanager's subject convention; for any other body (a chat robot's JSON, if a config
    /// points one here) only that it arrived.
    /// </summary>
    internal static (string Status, string Summary) Describe(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object && Text(root, "status") is { } status
                && root.TryGetProperty("alerts", out var alerts) && alerts.ValueKind == JsonValueKind.Array)
            {
                var firing = alerts.EnumerateArray().Count(a => a.ValueKind == JsonValueKind.Object && Text(a, "status") == "firing");
                var head = status == "resolved" ? "[RESOLVED]" : $"[FIRING:{firing}]";
                var name = Label(root, "commonLabels", "alertname") ?? Label(root, "groupLabels", "alertname") ?? "(several alerts)";
                var service = Label(root, "commonLabels", "service") is { } s ? $" on {s}" : "";
                var detail = Label(root, "commonAnnotations", "summary") is { } d ? $" — {d}" : "";
                return (status, Shorten($"{head} {name}{service}{detail}"));
            }
        }
        catch (JsonException)
        {
        }
        return ("unknown", "a message that is not an Alertmanager webhook payload");
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Label(JsonElement root, string set, string name) =>
        root.TryGetProperty(set, out var labels) && labels.ValueKind == JsonValueKind.Object ? Text(labels, name) : null;

    private static string Shorten(string text) => text.Length > SummaryChars ? text[..SummaryChars] + "…" : text;
}
