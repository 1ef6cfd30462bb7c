using System.Net.Mail;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// Parses <c>receivers:</c> in Alertmanager's shape. The integrations Vigil sends through (webhook, slack, msteams,
/// email, and Vigil's own dingtalk/feishu/wecom robots) are validated; other Alertmanager integrations
/// (<c>pagerduty_configs</c>, <c>opsgenie_configs</c>, ...) are accepted so an existing file loads, and unused.
/// </summary>
internal sealed class ReceiverParser(YamlReader reader, SmtpDefaults smtp, HttpConfigParser http, HttpAuth? globalAuth)
{
    private static readonly Dictionary<string, IntegrationKind> Kinds = new(StringComparer.Ordinal)
    {
        ["webhook_configs"] = IntegrationKind.Webhook,
        ["slack_configs"] = IntegrationKind.Slack,
        ["msteams_configs"] = IntegrationKind.MsTeams,
        ["dingtalk_configs"] = IntegrationKind.DingTalk,
        ["feishu_configs"] = IntegrationKind.Feishu,
        ["wecom_configs"] = IntegrationKind.WeCom,
        ["email_configs"] = IntegrationKind.Email,
    };

    // Alertmanager's other integrations: accepted so an existing file loads, unused (a warning at start says so).
    private static readonly HashSet<string> OtherAlertmanagerIntegrations = new(StringComparer.Ordinal)
    {
        "pagerduty_configs", "opsgenie_configs", "pushover_configs", "victorops_configs", "wechat_configs", "telegram_configs",
        "sns_configs", "webex_configs", "discord_configs", "msteamsv2_configs", "jira_configs", "rocketchat_configs",
        "incidentio_configs", "mattermost_configs",
    };

    // Alertmanager fields that shape message text through Go templates, or tune what Vigil does its own way (timeout,
    // the SMTP greeting and PLAIN identity): they load unused.
    private static readonly string[] TemplateKeys =
    [
        "title", "text", "summary", "username", "icon_emoji", "icon_url", "color", "pretext", "footer", "fallback", "fields",
        "actions", "link_names", "short_fields", "mrkdwn_in", "title_link", "callback_id", "image_url", "thumb_url",
        "timeout", "html", "headers", "hello", "auth_identity", "message",
    ];

    // Fields without which a send fails (TLS settings, CRAM-MD5 secrets): errors until Vigil supports them.
    private static readonly string[] UnsupportedKeys = ["tls_config", "auth_secret", "auth_secret_file"];

    private static readonly string[] UrlFileKeys = ["url_file", "api_url_file", "webhook_url_file"];

    public List<ReceiverConfig> ParseAll(YamlNode? node)
    {
        var receivers = new List<ReceiverConfig>();
        if (node is null || YamlReader.IsNull(node) || reader.Sequence(node, "receivers") is not { } sequence)
        {
            return receivers;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in sequence)
        {
            if (reader.Mapping(item, "each receiver") is not { } map)
            {
                continue;
            }
            string? name = null;
            var integrations = new List<string>();
            var channels = new List<IntegrationConfig>();
            foreach (var (keyNode, value) in map.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value;
                if (YamlReader.IsNull(value) && key is not null && (key == "name" || Kinds.ContainsKey(key) || OtherAlertmanagerIntegrations.Contains(key)))
                {
                    // As YamlReader.Keys: null is the key left out ("name: ~" is a receiver without a name).
                    continue;
                }
                if (key == "name")
                {
                    name = reader.String(value, "name");
                }
                else if (key is not null && !Kinds.ContainsKey(key) && !OtherAlertmanagerIntegrations.Contains(key))
                {
                    // A typo ("webhook_config") loaded as an unknown integration: the receiver then sent nothing.
                    reader.Error(keyNode, $"unknown key \"{key}\" in a receiver; a receiver has a name and integrations such as "
                        + "webhook_configs, slack_configs, email_configs, msteams_configs, dingtalk_configs, feishu_configs, wecom_configs");
                }
                else if (key is not null)
                {
                    integrations.Add(key);
                    if (Kinds.TryGetValue(key, out var kind) && reader.Sequence(value, key) is { } list)
                    {
                        foreach (var entry in list)
                        {
                            if (ParseIntegration(kind, key, channels.Count(c => c.Kind == kind), entry) is { } parsed)
                            {
                                channels.Add(parsed);
                            }
                        }
                    }
                }
            }
            if (string.IsNullOrEmpty(name))
            {
                reader.Error(map, "receiver has no \"name\"");
                continue;
            }
            if (!seen.Add(name))
            {
                reader.Error(map, $"duplicate receiver name \"{name}\"");
                continue;
            }
            receivers.Add(new ReceiverConfig(name, integrations) { Channels = channels });
        }
        return receivers;
    }

    private IntegrationConfig? ParseIntegration(IntegrationKind kind, string section, int index, YamlNode node)
    {
        if (reader.Mapping(node, $"each entry of {section}") is not { } map)
        {
            return null;
        }
        var known = kind switch
        {
            IntegrationKind.Webhook => new[] { "send_resolved", "url", "http_config", "max_alerts" },
            IntegrationKind.Slack => ["send_resolved", "api_url", "channel", "http_config"],
            IntegrationKind.MsTeams => ["send_resolved", "webhook_url", "http_config"],
            IntegrationKind.DingTalk or IntegrationKind.Feishu => ["send_resolved", "webhook_url", "secret", "http_config"],
            IntegrationKind.WeCom => ["send_resolved", "webhook_url", "http_config"],
            IntegrationKind.Email => ["send_resolved", "to", "from", "smarthost", "auth_username", "auth_password", "auth_password_file", "require_tls"],
            _ => [],
        };
        http.RejectUnsupported(map, section, UnsupportedKeys);
        http.RejectUnsupported(map, section, UrlFileKeys, "write the URL itself (url, api_url or webhook_url)");
        var keys = reader.Keys(map, section, known, [.. TemplateKeys, .. UnsupportedKeys, .. UrlFileKeys]);
        // Alertmanager's defaults: webhook and msteams send resolved notifications, slack and email do not.
        var sendResolved = kind is IntegrationKind.Webhook or IntegrationKind.MsTeams or IntegrationKind.DingTalk
            or IntegrationKind.Feishu or IntegrationKind.WeCom;
        if (keys.TryGetValue("send_resolved", out var sr) && reader.Bool(sr, "send_resolved") is { } b)
        {
            sendResolved = b;
        }
        var config = new IntegrationConfig(kind, index, sendResolved)
        {
            // An integration's own http_config replaces global.http_config, as in Alertmanager.
            Auth = keys.TryGetValue("http_config", out var httpNode) ? http.Parse(httpNode, $"{section} http_config") : globalAuth,
            Secret = keys.TryGetValue("secret", out var secret) ? reader.String(secret, "secret") : null,
            SlackChannel = keys.TryGetValue("channel", out var channel) ? reader.String(channel, "channel") : null,
        };
        if (kind == IntegrationKind.Email)
        {
            return config with { Email = ParseEmail(map, keys) };
        }
        var urlKey = kind switch
        {
            IntegrationKind.Webhook => "url",
            IntegrationKind.Slack => "api_url",
            _ => "webhook_url",
        };
        var url = keys.TryGetValue(urlKey, out var urlNode) ? reader.String(urlNode, urlKey) : null;
        if (string.IsNullOrEmpty(url))
        {
            reader.Error(map, $"{section} entry needs \"{urlKey}\"");
        }
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            // The URL itself is a secret (it may carry a token), so the error names the field, not the value.
            reader.Error(urlNode!, $"\"{urlKey}\" must be an absolute http or https URL");
        }
        var maxAlerts = 0;
        if (keys.TryGetValue("max_alerts", out var maxNode))
        {
            if (!int.TryParse(reader.String(maxNode, "max_alerts"), out maxAlerts) || maxAlerts < 0)
            {
                reader.Error(maxNode, "\"max_alerts\" must be a non-negative integer (0 = no limit)");
            }
        }
        return config with { Url = url, MaxAlerts = maxAlerts };
    }

    private EmailSettings? ParseEmail(YamlMappingNode map, Dictionary<string, YamlNode> keys)
    {
        var to = keys.TryGetValue("to", out var toNode) ? reader.String(toNode, "to") : null;
        var from = keys.TryGetValue("from", out var fromNode) ? reader.String(fromNode, "from") : smtp.From;
        var smarthost = keys.TryGetValue("smarthost", out var hostNode) ? reader.String(hostNode, "smarthost") : smtp.SmartHost;
        var user = keys.TryGetValue("auth_username", out var userNode) ? reader.String(userNode, "auth_username") : smtp.AuthUsername;
        var password = smtp.AuthPassword;
        if (keys.TryGetValue("auth_password", out var pwNode) && keys.ContainsKey("auth_password_file"))
        {
            reader.Error(pwNode, "give \"auth_password\" or \"auth_password_file\", not both");
        }
        else if (pwNode is not null)
        {
            password = reader.String(pwNode, "auth_password") is { } inline ? SecretSource.Inline(inline) : null;
        }
        else if (keys.TryGetValue("auth_password_file", out var pwFile))
        {
            password = http.SecretFile(pwFile, "auth_password_file");
        }
        var requireTls = keys.TryGetValue("require_tls", out var tlsNode) ? reader.Bool(tlsNode, "require_tls") ?? true : smtp.RequireTls;
        var recipients = (to ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (recipients.Length == 0)
        {
            reader.Error(map, "email_configs entry needs \"to\"");
        }
        foreach (var recipient in recipients.Where(r => !IsMailbox(r)))
        {
            reader.Error(toNode!, $"\"to\" has an invalid e-mail address \"{recipient}\" (addresses are separated by commas)");
        }
        if (string.IsNullOrEmpty(from))
        {
            reader.Error(map, "email_configs entry needs \"from\" (or global.smtp_from)");
        }
        else if (fromNode is not null && !IsMailbox(from))
        {
            // A default from global.smtp_from was checked where it is written.
            reader.Error(fromNode, $"\"from\" is not a valid e-mail address: \"{from}\"");
        }
        var port = 25;
        var host = smarthost ?? "";
        var colon = host.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(host.AsSpan(colon + 1), out port) || port is <= 0 or > 65535)
        {
            reader.Error(hostNode ?? map, "\"smarthost\" (or global.smtp_smarthost) must be host:port");
            return null;
        }
        return new EmailSettings(recipients, from ?? "", host[..colon], port, user, password, requireTls);
    }

    /// <summary>
    /// An address as <c>to</c>/<c>from</c> take it: <c>a@example.com</c> or <c>Name &lt;a@example.com&gt;</c>. Checked
    /// at load so a typo is a config error with its line, not a notification that fails at 3 a.m.
    /// </summary>
    internal static bool IsMailbox(string value) => MailAddress.TryCreate(value, out _);
}

/// <summary>Alertmanager's <c>global.smtp_*</c> settings, the defaults of every <c>email_configs</c> entry.</summary>
public sealed record SmtpDefaults(string? From, string? SmartHost, string? AuthUsername, SecretSource? AuthPassword, bool RequireTls);
