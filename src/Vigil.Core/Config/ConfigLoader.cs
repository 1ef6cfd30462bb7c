using Vigil.Core.Routing;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// Reads the single YAML config file. Uses YamlDotNet's representation model rather than deserialisation because its
/// nodes carry line and column, which every error message needs.
/// </summary>
public static class ConfigLoader
{
    private static readonly string[] TopLevelKeys =
    [
        "global", "route", "inhibit_rules", "receivers", "alerts", "incidents", "logs", "metrics", "slos", "notifications", "integrations",
        "users", "teams", "services", "schedules", "escalation_policies", "time_intervals", "mute_time_intervals",
    ];

    // Alertmanager sections Vigil does not implement yet; accepted so an existing alertmanager.yml loads.
    private static readonly string[] IgnoredTopLevelKeys = ["templates", "tracing"];

    private static readonly string[] GlobalKeys =
    [
        "resolve_timeout", "smtp_from", "smtp_smarthost", "smtp_auth_username", "smtp_auth_password", "smtp_auth_password_file",
        "smtp_require_tls", "http_config",
    ];

    // Settings of Vigil's e-mail without which a send fails: errors until Vigil supports them (ignored, every e-mail
    // went out without them).
    private static readonly string[] UnsupportedGlobalKeys = ["smtp_auth_secret", "smtp_auth_secret_file", "smtp_tls_config"];

    // Notification settings of Alertmanager's global section for integrations Vigil does not send through (and the
    // SMTP greeting and PLAIN identity, which Vigil does its own way): accepted, unused.
    private static readonly string[] IgnoredGlobalKeys =
    [
        "smtp_hello", "smtp_auth_identity", "slack_api_url", "slack_api_url_file", "slack_app_token", "slack_app_token_file",
        "slack_app_url", "victorops_api_key", "victorops_api_key_file", "victorops_api_url", "pagerduty_url",
        "opsgenie_api_key", "opsgenie_api_key_file", "opsgenie_api_url", "wechat_api_url", "wechat_api_secret",
        "wechat_api_corp_id", "telegram_api_url", "telegram_bot_token", "telegram_bot_token_file", "webex_api_url",
        "rocketchat_api_url", "rocketchat_token", "rocketchat_token_file", "rocketchat_token_id",
        "rocketchat_token_id_file", "jira_api_url",
    ];

    private static readonly string[] IncidentKeys = ["reopen_window", "silence_on_acknowledge"];

    /// <exception cref="ConfigException">The file cannot be read or is not valid; the message lists every problem with
    /// its position.</exception>
    public static VigilConfig Load(string path) => Parse(ConfigFiles.ReadConfig(path), path);

    /// <exception cref="ConfigException">The text is not a valid config; the message lists every problem.</exception>
    public static VigilConfig Parse(string text, string fileName)
    {
        var reader = new YamlReader(fileName);
        var root = LoadDocument(text, fileName);
        if (root is null)
        {
            throw new ConfigException([new ConfigError(fileName, 1, 1, "the file is empty; it needs at least a \"route\" and \"receivers\"")]);
        }
        if (reader.Mapping(root, "the top level of the config") is not { } map)
        {
            throw new ConfigException(reader.Errors);
        }
        var keys = reader.Keys(map, "the top level of the config", TopLevelKeys, IgnoredTopLevelKeys);
        var http = new HttpConfigParser(reader, fileName);
        var (resolveTimeout, smtp, globalAuth) = ParseGlobal(reader, http, keys);
        var alerts = new AlertsParser(reader).Parse(keys.GetValueOrDefault("alerts"));
        var (reopenWindow, silenceOnAck) = ParseIncidents(reader, keys);
        var receivers = new ReceiverParser(reader, smtp, http, globalAuth).ParseAll(keys.GetValueOrDefault("receivers"));
        var notifications = new NotificationsParser(reader).Parse(keys.GetValueOrDefault("notifications"));
        var integrations = new NotificationsParser(reader).ParseIntegrations(keys.GetValueOrDefault("integrations"), fileName);
        var escalation = new EscalationPoliciesParser(reader);
        var escalationPolicies = escalation.ParseAll(keys.GetValueOrDefault("escalation_policies"));
        // The deprecated top-level mute_time_intervals first, as Alertmanager reads them: a name defined in both lists is
        // reported where time_intervals repeats it.
        var timeIntervals = new TimeIntervalParser(reader);
        timeIntervals.ParseAll(keys.GetValueOrDefault("mute_time_intervals"), "mute_time_intervals");
        timeIntervals.ParseAll(keys.GetValueOrDefault("time_intervals"), "time_intervals");
        Route? route = null;
        if (keys.TryGetValue("route", out var routeNode))
        {
            var routes = new RouteParser(reader, timeIntervals.Intervals);
            route = routes.ParseRoot(routeNode);
            var names = receivers.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, node) in routes.ReceiverReferences)
            {
                if (!names.Contains(name))
                {
                    reader.Error(node, $"route refers to receiver \"{name}\", which is not defined under \"receivers\"");
                }
            }
            var policyNames = escalationPolicies.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var (name, node) in routes.EscalationPolicyReferences)
            {
                if (!policyNames.Contains(name))
                {
                    reader.Error(node, $"route refers to escalation policy \"{name}\", which is not defined under \"escalation_policies\"");
                }
            }
        }
        else
        {
            reader.Error(map, "missing \"route\": the config needs a root route with a receiver");
        }
        var inhibitRules = keys.TryGetValue("inhibit_rules", out var inhibitNode)
            ? new InhibitRuleParser(reader).ParseAll(inhibitNode)
            : [];
        var logs = new LogsParser(reader).Parse(keys.GetValueOrDefault("logs"));
        var metrics = new MetricsParser(reader, http).Parse(keys.GetValueOrDefault("metrics"));
        var slos = new SlosParser(reader, fileName).Parse(keys.GetValueOrDefault("slos"));
        var onCallParser = new OnCallParser(reader);
        var onCall = onCallParser.Parse(keys.GetValueOrDefault("users"), keys.GetValueOrDefault("teams"),
            keys.GetValueOrDefault("services"), keys.GetValueOrDefault("schedules"));
        CheckEscalationReferences(reader, escalation, escalationPolicies, onCall, onCallParser.EscalationPolicyReferences);
        if (reader.Errors.Count > 0 || route is null)
        {
            throw new ConfigException(reader.Errors);
        }
        return new VigilConfig
        {
            ResolveTimeout = resolveTimeout,
            Route = route,
            InhibitRules = inhibitRules,
            Receivers = receivers,
            Alerts = alerts,
            ReopenWindow = reopenWindow,
            SilenceOnAcknowledge = silenceOnAck,
            Notifications = notifications,
            Integrations = integrations,
            Logs = logs,
            Metrics = metrics,
            Slos = slos,
            EscalationPolicies = escalationPolicies,
            TimeIntervals = timeIntervals.InOrder,
            OnCall = onCall,
            Smtp = smtp,
            Original = text,
        };
    }

    /// <summary>Every user, team and schedule a policy pages, and every policy a service names, must exist.</summary>
    private static void CheckEscalationReferences(
        YamlReader reader, EscalationPoliciesParser escalation, List<Escalation.EscalationPolicy> policies, OnCall.OnCallDirectory onCall,
        List<(string Service, string Policy, YamlNode Node)> servicePolicies)
    {
        foreach (var (target, node) in escalation.References)
        {
            var missing = target switch
            {
                Escalation.EscalationTarget.User u when onCall.FindUser(u.Name) is null => $"user \"{u.Name}\", which is not defined under \"users\"",
                Escalation.EscalationTarget.Schedule s when onCall.FindSchedule(s.Name) is null => $"schedule \"{s.Name}\", which is not defined under \"schedules\"",
                Escalation.EscalationTarget.Team t when onCall.FindTeam(t.Name) is null => $"team \"{t.Name}\", which is not defined under \"teams\"",
                Escalation.EscalationTarget.RoundRobin r when r.Users.FirstOrDefault(name => onCall.FindUser(name) is null) is { } name =>
                    $"user \"{name}\" (in round_robin), which is not defined under \"users\"",
                _ => null,
            };
            if (missing is not null)
            {
                reader.Error(node, $"escalation policy target refers to {missing}");
            }
        }
        var names = policies.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        // Blamed on the service's own escalation_policy line: the whole "services" list pointed every error at the first.
        foreach (var (service, policy, node) in servicePolicies)
        {
            if (!names.Contains(policy))
            {
                reader.Error(node, $"service \"{service}\" names escalation policy \"{policy}\", which is not defined under \"escalation_policies\"");
            }
        }
    }

    private static YamlNode? LoadDocument(string text, string fileName)
    {
        if (!YamlLoader.TryLoad(text, fileName, out var stream, out var error))
        {
            throw new ConfigException([error]);
        }
        return stream.Documents.Count == 0 || YamlReader.IsNull(stream.Documents[0].RootNode) ? null : stream.Documents[0].RootNode;
    }

    private static (TimeSpan ResolveTimeout, SmtpDefaults Smtp, HttpAuth? Auth) ParseGlobal(YamlReader reader, HttpConfigParser http, Dictionary<string, YamlNode> keys)
    {
        var none = new SmtpDefaults(null, null, null, null, true);
        if (!keys.TryGetValue("global", out var node) || YamlReader.IsNull(node) || reader.Mapping(node, "\"global\"") is not { } map)
        {
            return (VigilConfig.DefaultResolveTimeout, none, null);
        }
        http.RejectUnsupported(map, "\"global\"", UnsupportedGlobalKeys);
        var global = reader.Keys(map, "\"global\"", GlobalKeys, [.. IgnoredGlobalKeys, .. UnsupportedGlobalKeys]);
        var timeout = global.TryGetValue("resolve_timeout", out var t) && reader.Duration(t, "resolve_timeout") is { } value
            ? value
            : VigilConfig.DefaultResolveTimeout;
        string? Str(string key) => global.TryGetValue(key, out var n) ? reader.String(n, key) : null;
        var requireTls = !global.TryGetValue("smtp_require_tls", out var tls) || (reader.Bool(tls, "smtp_require_tls") ?? true);
        if (global.TryGetValue("smtp_from", out var fromNode) && Str("smtp_from") is { Length: > 0 } from && !ReceiverParser.IsMailbox(from))
        {
            reader.Error(fromNode, $"\"smtp_from\" is not a valid e-mail address: \"{from}\"");
        }
        SecretSource? password = null;
        if (global.TryGetValue("smtp_auth_password", out var pwNode) && global.TryGetValue("smtp_auth_password_file", out _))
        {
            reader.Error(pwNode, "give \"smtp_auth_password\" or \"smtp_auth_password_file\", not both");
        }
        else if (Str("smtp_auth_password") is { } inline)
        {
            password = SecretSource.Inline(inline);
        }
        else if (global.TryGetValue("smtp_auth_password_file", out var pwFile))
        {
            password = http.SecretFile(pwFile, "smtp_auth_password_file");
        }
        var auth = global.TryGetValue("http_config", out var httpNode) ? http.Parse(httpNode, "global http_config") : null;
        return (timeout, new SmtpDefaults(Str("smtp_from"), Str("smtp_smarthost"), Str("smtp_auth_username"), password, requireTls), auth);
    }

    private static (TimeSpan ReopenWindow, bool SilenceOnAcknowledge) ParseIncidents(YamlReader reader, Dictionary<string, YamlNode> keys)
    {
        if (!keys.TryGetValue("incidents", out var node) || YamlReader.IsNull(node) || reader.Mapping(node, "\"incidents\"") is not { } map)
        {
            return (VigilConfig.DefaultReopenWindow, false);
        }
        var incidents = reader.Keys(map, "\"incidents\"", IncidentKeys);
        var window = incidents.TryGetValue("reopen_window", out var w) && reader.Duration(w, "reopen_window") is { } value
            ? value
            : VigilConfig.DefaultReopenWindow;
        var silence = incidents.TryGetValue("silence_on_acknowledge", out var s) && reader.Bool(s, "silence_on_acknowledge") == true;
        return (window, silence);
    }
}
