using Vigil.Core.Config;

namespace Vigil.Server.Pipeline;

/// <summary>
/// The configuration in force. Loaded at start (an invalid file stops the start with the file, line and problem);
/// reloads that fail keep the previous configuration.
/// </summary>
public sealed class ConfigHolder(ServerSettings settings)
{
    /// <summary>Demo mode without a config file: short timers so incidents appear within seconds, and a few routes.</summary>
    internal const string DemoYaml = """
        global:
          resolve_timeout: 5m
        route:
          receiver: operations
          group_by: [alertname, service]
          group_wait: 5s
          group_interval: 30s
          repeat_interval: 4h
          routes:
            - matchers: ['severity="critical"']
              receiver: oncall-pager
            - matchers: ['service=~"payments|checkout"']
              receiver: payments-team
        inhibit_rules:
          - source_matchers: ['severity="critical"']
            target_matchers: ['severity=~"warning|info"']
            equal: [service]
        receivers:
          - name: operations
          - name: oncall-pager
          - name: payments-team
        incidents:
          reopen_window: 1h
        metrics:
          forecast_interval: 1m
          capacity:
            - { matchers: ['__name__="node_filesystem_used_percent"'], threshold: 90, horizon: 1d }
        users:
          - {name: alice, full_name: Alice Liddell, time_zone: Europe/Berlin, contacts: [{email: alice@example.com}, {chat: "@alice"}]}
          - {name: bob, full_name: Bob Marley, time_zone: Europe/Berlin, contacts: [{email: bob@example.com}]}
          - {name: carol, full_name: Carol Shaw, time_zone: America/New_York, contacts: [{email: carol@example.com}, {webhook: "https://hooks.example.com/carol"}]}
          - {name: dave, full_name: Dave Cutler, time_zone: America/New_York, contacts: [{email: dave@example.com}]}
          - {name: erin, full_name: Erin Catto, time_zone: Asia/Tokyo, contacts: [{chat: "@erin"}]}
        teams:
          - name: payments
            members: [{user: alice, role: manager}, bob, carol]
          - name: platform
            members: [{user: dave, role: manager}, erin, alice]
        services:
          - {name: checkout, team: payments, escalation_policy: payments-default}
          - {name: payments, team: payments, escalation_policy: payments-default}
          - {name: api, team: platform}
        schedules:
          - name: payments-primary
            team: payments
            time_zone: Europe/Berlin
            layers:
              - name: weekly
                users: [alice, bob, carol]
                rotation: 1w
                start: 2025-01-06 09:00
          - name: platform-follow-the-sun
            team: platform
            time_zone: UTC
            layers:
              - name: americas
                users: [dave]
                rotation: 1w
                start: 2025-01-06 00:00
                restrictions: [{daily: "13:00-01:00"}]
              - name: apac
                users: [erin]
                rotation: 1w
                start: 2025-01-06 00:00
                restrictions: [{weekly: "Mon 01:00-Sat 09:00"}, {daily: "01:00-09:00"}]
        escalation_policies:
          - name: payments-default
            acknowledge_timeout: 1h
            levels:
              - delay: 5m
                targets: [{schedule: payments-primary}]
              - delay: 10m
                targets: [{user: alice}]
        """;

    private VigilConfig _current = Load(settings);

    public VigilConfig Current => _current;

    public string Original => _current.Original;

    /// <summary>The config text with secrets masked: what the API may show.</summary>
    public string Redacted => ConfigRedactor.Redact(_current.Original);

    public IReadOnlyList<string> ReceiverNames => _current.Receivers.Select(r => r.Name).ToList();

    private static VigilConfig Load(ServerSettings settings)
    {
        var config = settings.ConfigFile is not null
            ? ConfigLoader.Load(settings.ConfigFile)
            : settings.Demo ? ConfigLoader.Parse(DemoYaml, "<demo>") : VigilConfig.Default;
        settings.ResolveTimeout = config.ResolveTimeout;
        return config;
    }

    /// <summary>Reads the config file again; returns the new config, or throws <see cref="ConfigException"/> and keeps the old one.</summary>
    internal VigilConfig Reload()
    {
        var config = Load(settings);
        _current = config;
        return config;
    }
}
