using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Vigil.Core.Notifications;

namespace Vigil.Server.Notifications;

/// <summary>
/// The chat robot formats. Each is the platform's documented incoming-webhook body; the text is the same
/// <see cref="MessageText"/> everywhere so a page reads alike on every channel.
/// </summary>
public static class ChatPayloads
{
    /// <summary>Slack incoming webhook: fallback text plus one coloured attachment (also what Mattermost/Rocket.Chat accept).</summary>
    public static JsonObject Slack(NotificationMessage m, string? channel, string externalUrl)
    {
        var subject = SlackEscaped(MessageText.Subject(m));
        var body = new JsonObject
        {
            ["username"] = "Vigil",
            ["text"] = subject,
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["color"] = m.Status == "resolved" ? "good" : "danger",
                ["title"] = subject,
                ["title_link"] = MessageText.IncidentLink(m, externalUrl),
                ["text"] = SlackEscaped(MessageText.Body(m, externalUrl)),
                ["fallback"] = subject,
            }),
        };
        if (!string.IsNullOrEmpty(channel))
        {
            body["channel"] = channel;
        }
        return body;
    }

    /// <summary>
    /// Slack reads &lt;...&gt; in message text as a control sequence: an alert's summary of "&lt;!channel&gt;" notified the
    /// whole channel, and "&lt;https://evil.example|Open in Vigil&gt;" showed a disguised link. Slack's rule: escape
    /// &amp;, &lt; and &gt;, and nothing else (URLs are still linked).
    /// </summary>
    internal static string SlackEscaped(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>
    /// DingTalk and WeCom render markdown with some HTML (&lt;font&gt;, WeCom's "&lt;@all&gt;" mention), so an alert's text
    /// could carry a disguised link ("[Open in Vigil](https://evil.example)"), an image, emphasis that hides text, a
    /// mention or tags. What the alert's sender wrote is therefore shown literally: CommonMark's backslash escape for the
    /// characters that open inline markdown, HTML entities for &amp;, &lt; and &gt; (understood also by renderers that
    /// ignore backslashes), and line breaks made spaces so a value cannot start a heading, list or quote of its own.
    /// Vigil's own markup around it (headings, bold, list items, its links) is written unescaped.
    /// </summary>
    internal static string MarkdownEscaped(string text) => Escaped(text, htmlToo: true);

    /// <summary>As <see cref="MarkdownEscaped"/> for Teams' Adaptive Cards, whose markdown has no HTML: &lt;, &gt; and
    /// &amp; are left as they are ("latency &gt; 500ms" would otherwise show its entity).</summary>
    internal static string AdaptiveCardEscaped(string text) => Escaped(text, htmlToo: false);

    private static string Escaped(string text, bool htmlToo)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' when htmlToo => escaped.Append("&amp;"),
                '<' when htmlToo => escaped.Append("&lt;"),
                '>' when htmlToo => escaped.Append("&gt;"),
                '\\' or '`' or '*' or '_' or '[' or ']' or '~' or '|' or '!' => escaped.Append('\\').Append(c),
                '\r' or '\n' or '\u2028' or '\u2029' => escaped.Append(' '),
                _ => escaped.Append(c),
            };
        }
        return escaped.ToString();
    }

    /// <summary>
    /// Feishu/Lark text messages read <c>&lt;at user_id="all"&gt;…&lt;/at&gt;</c> as a mention of everyone in the group
    /// (and <c>&lt;at user_id="ou_…"&gt;</c> of one person), with no escape for a literal tag. So in what the alert's
    /// sender wrote, &lt; and &gt; become the full-width ＜ and ＞: the text reads the same and no tag can form.
    /// </summary>
    internal static string FeishuEscaped(string text) =>
        text.Replace('<', '\uFF1C').Replace('>', '\uFF1E');

    /// <summary>Microsoft Teams (Workflows / Power Automate webhook): an Adaptive Card in a message, as Alertmanager's msteamsv2.</summary>
    public static JsonObject Teams(NotificationMessage m, string externalUrl) => new()
    {
        ["type"] = "message",
        ["attachments"] = new JsonArray(new JsonObject
        {
            ["contentType"] = "application/vnd.microsoft.card.adaptive",
            ["content"] = new JsonObject
            {
                ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                ["type"] = "AdaptiveCard",
                ["version"] = "1.2",
                ["msteams"] = new JsonObject { ["width"] = "full" },
                ["body"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "TextBlock",
                        ["text"] = MessageText.Subject(m, AdaptiveCardEscaped),
                        ["weight"] = "Bolder",
                        ["size"] = "Medium",
                        ["wrap"] = true,
                        ["color"] = m.Status == "resolved" ? "Good" : "Attention",
                    },
                    new JsonObject { ["type"] = "TextBlock", ["text"] = MessageText.Body(m, externalUrl, AdaptiveCardEscaped), ["wrap"] = true }),
                ["actions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Action.OpenUrl",
                    ["title"] = "Open in Vigil",
                    ["url"] = MessageText.IncidentLink(m, externalUrl),
                }),
            },
        }),
    };

    /// <summary>What ends a message cut to fit a platform's size limit.</summary>
    internal const string TruncatedMarker = "\n… truncated: the whole incident is in Vigil\n";

    /// <summary>DingTalk custom robot: markdown message.</summary>
    public static JsonObject DingTalk(NotificationMessage m, string externalUrl)
    {
        var title = MessageText.Subject(m);
        return new()
        {
            ["msgtype"] = "markdown",
            ["markdown"] = new JsonObject
            {
                ["title"] = title.Length > PlatformLimits.DingTalkTitleChars ? title[..(PlatformLimits.DingTalkTitleChars - 1)] + "…" : title,
                ["text"] = Markdown(m, externalUrl, PlatformLimits.DingTalkMarkdownBytes),
            },
        };
    }

    /// <summary>
    /// DingTalk "加签" security: timestamp (ms) and sign = Base64(HMAC-SHA256(secret, timestamp + "\n" + secret)), URL-encoded,
    /// appended to the webhook URL.
    /// </summary>
    public static string DingTalkSignedUrl(string url, string secret, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var sign = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}\n{secret}")));
        return $"{url}{(url.Contains('?', StringComparison.Ordinal) ? '&' : '?')}timestamp={timestamp}&sign={Uri.EscapeDataString(sign)}";
    }

    /// <summary>Feishu/Lark custom bot: text message; with a secret, timestamp (s) and sign = Base64(HMAC-SHA256(timestamp + "\n" + secret, "")).</summary>
    public static JsonObject Feishu(NotificationMessage m, string? secret, DateTimeOffset now, string externalUrl)
    {
        var content = new JsonObject { ["text"] = "" };
        var body = new JsonObject { ["msg_type"] = "text", ["content"] = content };
        if (!string.IsNullOrEmpty(secret))
        {
            var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            body["timestamp"] = timestamp;
            body["sign"] = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{timestamp}\n{secret}"), Array.Empty<byte>()));
        }
        // Feishu limits the request body as sent, JSON escapes included (each CJK character is written \uXXXX).
        var overhead = PlatformLimits.Utf8Bytes(body.ToJsonString()) - 2;
        content["text"] = PlatformLimits.Fit(MessageText.Subject(m, FeishuEscaped) + "\n" + MessageText.Body(m, externalUrl, FeishuEscaped),
            PlatformLimits.FeishuBodyBytes - overhead, text => PlatformLimits.Utf8Bytes(JsonValue.Create(text).ToJsonString()), TruncatedMarker);
        return body;
    }

    /// <summary>WeCom (企业微信) group robot: markdown message (the robot key is part of the webhook URL).</summary>
    public static JsonObject WeCom(NotificationMessage m, string externalUrl) => new()
    {
        ["msgtype"] = "markdown",
        ["markdown"] = new JsonObject { ["content"] = Markdown(m, externalUrl, PlatformLimits.WeComMarkdownBytes) },
    };

    /// <summary>The markdown message, cut to <paramref name="maxBytes"/> of UTF-8 before its link to Vigil, which is always kept.</summary>
    private static string Markdown(NotificationMessage m, string externalUrl, int maxBytes)
    {
        var link = $"\n[Open in Vigil]({MessageText.IncidentLink(m, externalUrl)})";
        return PlatformLimits.Fit(MarkdownBody(m, externalUrl), maxBytes - PlatformLimits.Utf8Bytes(link), PlatformLimits.Utf8Bytes, TruncatedMarker) + link;
    }

    private static string MarkdownBody(NotificationMessage m, string externalUrl)
    {
        var text = new StringBuilder();
        text.Append("### ").Append(MessageText.Subject(m, MarkdownEscaped)).Append("\n\n");
        text.Append("**Status:** ").Append(m.IncidentStatus).Append("  \n");
        text.Append("**Group:** ").Append(MessageText.Labels(m.GroupLabels, MarkdownEscaped)).Append("  \n");
        foreach (var alert in m.Alerts)
        {
            text.Append("- [").Append(alert.Status).Append("] ").Append(MessageText.Labels(alert.Labels, MarkdownEscaped));
            if (alert.Annotations.TryGetValue("summary", out var summary))
            {
                text.Append(": ").Append(MarkdownEscaped(summary));
            }
            if (MessageText.SourceLink(alert.GeneratorUrl, externalUrl) is { } source)
            {
                // Parentheses would end the Markdown link early: they are percent-encoded (the same URL).
                text.Append(" ([source](").Append(source.Replace("(", "%28", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal)).Append("))");
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
