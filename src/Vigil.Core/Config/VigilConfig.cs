using Vigil.Core.Escalation;
using Vigil.Core.Inhibition;
using Vigil.Core.Routing;

namespace Vigil.Core.Config;

/// <summary>
/// The validated configuration: Alertmanager's shape (global, route, inhibit_rules, receivers) plus Vigil's own
/// sections (<c>alerts</c>, <c>incidents</c>, ...). Built by <see cref="ConfigLoader"/>; immutable.
/// </summary>
public sealed record VigilConfig
{
    public static readonly TimeSpan DefaultResolveTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultReopenWindow = TimeSpan.FromHours(1);

    /// <summary>How long an alert without an end time stays firing after it was last received.</summary>
    public required TimeSpan ResolveTimeout { get; init; }

    public required Route Route { get; init; }

    public required IReadOnlyList<InhibitRule> InhibitRules { get; init; }

    public required IReadOnlyList<ReceiverConfig> Receivers { get; init; }

    /// <summary>How long resolved alerts are kept (the <c>alerts:</c> section).</summary>
    public AlertsConfig Alerts { get; init; } = AlertsConfig.Default;

    /// <summary>An incident auto-resolved less than this long ago is reopened instead of a new one being created.</summary>
    public required TimeSpan ReopenWindow { get; init; }

    /// <summary>Acknowledging an incident of Prometheus alerts creates a silence of its group's labels until it resolves.</summary>
    public bool SilenceOnAcknowledge { get; init; }

    /// <summary>How the outbox worker sends (the <c>notifications:</c> section).</summary>
    public NotificationsConfig Notifications { get; init; } = NotificationsConfig.Default;

    /// <summary>PagerDuty Events API v2 routing keys and the services they feed (the <c>integrations:</c> section).</summary>
    public IReadOnlyList<PagerDutyIntegration> Integrations { get; init; } = [];

    /// <summary>How log sources are parsed before mining (the <c>logs:</c> section).</summary>
    public LogsConfig Logs { get; init; } = LogsConfig.Default;

    /// <summary>Metric anomaly detection: threshold, polled Prometheus queries, capacity rules (the <c>metrics:</c> section).</summary>
    public MetricsConfig Metrics { get; init; } = MetricsConfig.Default;

    /// <summary>OpenSLO objectives evaluated from native SLI events (the <c>slos:</c> section).</summary>
    public SlosConfig Slos { get; init; } = SlosConfig.Default;

    /// <summary><c>global.smtp_*</c>: the mail server escalation pages users' e-mail addresses through.</summary>
    public SmtpDefaults Smtp { get; init; } = new(null, null, null, null, true);

    /// <summary>Who is paged, in which order, for incidents whose route names a policy (the <c>escalation_policies:</c> section).</summary>
    public IReadOnlyList<EscalationPolicy> EscalationPolicies { get; init; } = [];

    /// <summary>Named time intervals (<c>time_intervals:</c> and the deprecated top-level <c>mute_time_intervals:</c>);
    /// routes hold the ones they name, so this list is for display.</summary>
    public IReadOnlyList<TimeIntervals.NamedTimeInterval> TimeIntervals { get; init; } = [];

    /// <summary>Users, teams, service ownership and on-call schedules (<c>users:</c>, <c>teams:</c>, <c>services:</c>, <c>schedules:</c>).</summary>
    public OnCall.OnCallDirectory OnCall { get; init; } = Core.OnCall.OnCallDirectory.Empty;

    /// <summary>The file's text exactly as read, for <c>GET /api/v2/status</c>.</summary>
    public required string Original { get; init; }

    /// <summary>One receiver <c>default</c>, grouping by alertname and service, Alertmanager's default timers.</summary>
    public static VigilConfig Default => LazyDefault.Value;

    // Lazy so the parse does not run inside this type's static initialiser (the loader reads the defaults above).
    private static readonly Lazy<VigilConfig> LazyDefault = new(() => ConfigLoader.Parse(
        """
        route:
          receiver: default
          group_by: [alertname, service]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 4h
        receivers:
          - name: default
        """,
        "<default>"));
}
