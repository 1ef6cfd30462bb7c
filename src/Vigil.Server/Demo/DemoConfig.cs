using Vigil.Core.Config;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Server.Demo;

/// <summary>
/// <c>--demo</c> without a config file: short timers so incidents appear within seconds, a few routes, teams, on-call
/// schedules, a capacity rule for the demo disk and two SLOs (OpenSLO, inline here instead of in files). Receivers and
/// people are sent to the <see cref="DemoInbox"/> (<c>http://demo-inbox.invalid/NAME</c>); the people's e-mail and chat
/// contacts stay, to show that paging skips what it cannot deliver to (no SMTP server in the demo). The escalation
/// policy's first delay is short so its second level is seen paging within minutes.
/// </summary>
internal static class DemoConfig
{
    internal const string Yaml = """
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
            webhook_configs: [{url: "http://demo-inbox.invalid/operations", send_resolved: true}]
          - name: oncall-pager
            webhook_configs: [{url: "http://demo-inbox.invalid/oncall-pager", send_resolved: true}]
          - name: payments-team
            webhook_configs: [{url: "http://demo-inbox.invalid/payments-team", send_resolved: true}]
        incidents:
          reopen_window: 1h
        metrics:
          forecast_interval: 1m
          capacity:
            - { matchers: ['__name__="node_filesystem_used_percent"'], threshold: 90, horizon: 1d }
        users:
          - {name: alice, full_name: Alice Liddell, time_zone: Europe/Berlin, contacts: [{email: alice@example.com}, {chat: "@alice"}, {webhook: "http://demo-inbox.invalid/alice"}]}
          - {name: bob, full_name: Bob Marley, time_zone: Europe/Berlin, contacts: [{email: bob@example.com}, {webhook: "http://demo-inbox.invalid/bob"}]}
          - {name: carol, full_name: Carol Shaw, time_zone: America/New_York, contacts: [{email: carol@example.com}, {webhook: "http://demo-inbox.invalid/carol"}]}
          - {name: dave, full_name: Dave Cutler, time_zone: America/New_York, contacts: [{email: dave@example.com}, {webhook: "http://demo-inbox.invalid/dave"}]}
          - {name: erin, full_name: Erin Catto, time_zone: Asia/Tokyo, contacts: [{chat: "@erin"}, {webhook: "http://demo-inbox.invalid/erin"}]}
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
            acknowledge_timeout: 30m
            levels:
              - delay: 2m
                targets: [{schedule: payments-primary}]
              - delay: 10m
                targets: [{user: alice}]
        """;

    /// <summary>Two SLOs fed by <see cref="DemoSlis"/>: checkout within its budget, payments past it (an outage
    /// spent it; its error-budget policy freezes the service's changes).</summary>
    internal const string SlosYaml = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-availability
          displayName: Checkout availability
        spec:
          service: checkout
          description: Checkout requests answered without a server error
          indicator:
            metadata:
              name: checkout-requests
            spec:
              ratioMetric:
                counter: true
                good: {metricSource: {type: Vigil}}
                total: {metricSource: {type: Vigil}}
          timeWindow:
            - duration: 28d
              isRolling: true
          budgetingMethod: Occurrences
          objectives:
            - displayName: availability
              target: 0.999
        ---
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: payments-availability
          displayName: Payments availability
          annotations:
            vigil/error-budget-policy: freeze
        spec:
          service: payments
          description: Card charges that did not fail on our side
          indicator:
            metadata:
              name: payments-charges
            spec:
              ratioMetric:
                counter: true
                good: {metricSource: {type: Vigil}}
                total: {metricSource: {type: Vigil}}
          timeWindow:
            - duration: 28d
              isRolling: true
          budgetingMethod: Occurrences
          objectives:
            - displayName: availability
              target: 0.995
        """;

    public static VigilConfig Load()
    {
        var config = ConfigLoader.Parse(Yaml, "<demo>");
        var catalog = OpenSloCatalog.Parse(SlosYaml, "<demo-slos>");
        if (!catalog.IsValid)
        {
            throw new ConfigException(catalog.Errors);
        }
        return config with { Slos = config.Slos with { Catalog = catalog } };
    }
}
