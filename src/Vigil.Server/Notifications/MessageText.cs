using System.Globalization;
using System.Text;
using Vigil.Core.Notifications;

namespace Vigil.Server.Notifications;

/// <summary>The human text every channel shares: a subject line, a plain-text body and a link to the incident in Vigil.</summary>
internal static class MessageText
{
    public static string IncidentLink(NotificationMessage m, string externalUrl) =>
        m.IncidentId is { } id ? $"{externalUrl}/#/incidents/{id.ToString(CultureInfo.InvariantCulture)}" : externalUrl;

    /// <summary>
    /// An alert's generatorURL for a receiver elsewhere: Vigil's own alerts (a metric chart, an SLO page) carry a page
    /// of this server's UI (<c>/#/…</c>), which gets <c>external_url</c> in front; any other URL is passed on as it
    /// came, as Alertmanager does.
    /// </summary>
    public static string Absolute(string generatorUrl, string externalUrl) =>
        generatorUrl.StartsWith("/#/", StringComparison.Ordinal) ? externalUrl + generatorUrl : generatorUrl;

    /// <summary>Where an alert came from, as a link to put in a message: an absolute http(s) URL in its normalised
    /// form, or null (empty, relative, <c>javascript:</c>, or with spaces or control characters a sender could use to
    /// break out of a Markdown link).</summary>
    public static string? SourceLink(string? generatorUrl, string externalUrl)
    {
        if (string.IsNullOrEmpty(generatorUrl) || generatorUrl.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return null;
        }
        return Uri.TryCreate(Absolute(generatorUrl, externalUrl), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.AbsoluteUri
            : null;
    }

    /// <summary>"[FIRING:2] HighLatency on checkout", Alertmanager's subject convention. <paramref name="escape"/> is
    /// applied to what the alert's sender wrote (title, reason), not to Vigil's own words.</summary>
    public static string Subject(NotificationMessage m, Func<string, string>? escape = null)
    {
        escape ??= Verbatim;
        var firing = m.Alerts.Count(a => a.Status == "firing");
        var status = m.Status == "resolved" ? "RESOLVED" : $"FIRING:{firing}";
        var reason = m.Reason is { Length: > 0 } r ? $" ({escape(r)})" : "";
        var id = m.IncidentId is { } i ? $" #{i.ToString(CultureInfo.InvariantCulture)}" : "";
        return $"[{status}]{id} {escape(m.Title)}{reason}";
    }

    /// <summary>The plain-text body; <paramref name="escape"/> as in <see cref="Subject"/>.</summary>
    public static string Body(NotificationMessage m, string externalUrl, Func<string, string>? escape = null)
    {
        escape ??= Verbatim;
        var text = new StringBuilder();
        text.Append("Incident: ").Append(escape(m.Title)).Append(" (").Append(m.IncidentStatus).Append(")\n");
        text.Append("Group: ").Append(Labels(m.GroupLabels, escape)).Append('\n');
        text.Append("Open in Vigil: ").Append(IncidentLink(m, externalUrl)).Append("\n\n");
        foreach (var alert in m.Alerts)
        {
            text.Append("- [").Append(alert.Status).Append("] ").Append(Labels(alert.Labels, escape)).Append('\n');
            foreach (var (name, value) in alert.Annotations.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                text.Append("    ").Append(escape(name)).Append(": ").Append(escape(value)).Append('\n');
            }
            if (SourceLink(alert.GeneratorUrl, externalUrl) is { } source)
            {
                text.Append("    source: ").Append(source).Append('\n');
            }
        }
        return text.ToString();
    }

    public static string Labels(IReadOnlyDictionary<string, string> labels, Func<string, string>? escape = null)
    {
        escape ??= Verbatim;
        return "{" + string.Join(", ", labels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{escape(p.Key)}=\"{escape(p.Value)}\"")) + "}";
    }

    private static string Verbatim(string text) => text;
}
