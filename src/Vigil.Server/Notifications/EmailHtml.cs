using System.Net;
using System.Text;
using Vigil.Core.Notifications;

namespace Vigil.Server.Notifications;

/// <summary>The HTML part of notification e-mails: the same facts as the text part, every value HTML-encoded.</summary>
internal static class EmailHtml
{
    public static string Render(NotificationMessage m, string externalUrl)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var color = m.Status == "resolved" ? "#2e7d32" : "#c62828";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        html.Append($"<h2 style=\"color:{color}\">{E(MessageText.Subject(m))}</h2>");
        html.Append($"<p>Status: <b>{E(m.IncidentStatus)}</b><br>Group: <code>{E(MessageText.Labels(m.GroupLabels))}</code></p>");
        html.Append($"<p><a href=\"{E(MessageText.IncidentLink(m, externalUrl))}\">Open in Vigil</a></p><ul>");
        foreach (var alert in m.Alerts)
        {
            html.Append($"<li><b>{E(alert.Status)}</b> <code>{E(MessageText.Labels(alert.Labels))}</code>");
            if (alert.Annotations.Count > 0)
            {
                html.Append("<ul>");
                foreach (var (name, value) in alert.Annotations.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    html.Append($"<li>{E(name)}: {E(value)}</li>");
                }
                html.Append("</ul>");
            }
            if (MessageText.SourceLink(alert.GeneratorUrl, externalUrl) is { } source)
            {
                html.Append($"<a href=\"{E(source)}\">Source</a>");
            }
            html.Append("</li>");
        }
        html.Append("</ul></body></html>");
        return html.ToString();
    }
}
