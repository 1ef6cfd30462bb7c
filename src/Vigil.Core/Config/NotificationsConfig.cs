namespace Vigil.Core.Config;

/// <summary>
/// Vigil's own <c>notifications:</c> section: how the outbox worker sends.
/// <code>
/// notifications:
///   external_url: https://vigil.example.com   # links in messages and externalURL in webhook payloads
///   max_age: 24h                               # a notification still undelivered this long after it was queued is given up (failed)
///   max_attempts: 0                            # optional: also give up after this many failed attempts (0 = no limit; rate-limit answers do not count)
///   rate_limit: {per_minute: 60, burst: 10}    # token bucket per receiver integration
///   retention: 30d                             # delivered and given-up notifications are deleted this long after they were queued; 0 keeps them
/// </code>
/// </summary>
public sealed record NotificationsConfig(string ExternalUrl, int MaxAttempts, TimeSpan MaxAge, int PerMinute, int Burst, TimeSpan Retention)
{
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(30);

    /// <summary>The shortest retention other than 0: the log of what was sent should outlive a working day.</summary>
    public static readonly TimeSpan MinimumRetention = TimeSpan.FromHours(1);

    public static readonly NotificationsConfig Default = new("http://127.0.0.1:8080", 0, TimeSpan.FromHours(24), 60, 10, DefaultRetention);
}

/// <summary>
/// A PagerDuty Events API v2 integration key (<c>integrations:</c>): events sent with this routing key become alerts
/// of <see cref="Service"/>. Only the SHA-256 of the key is kept in memory after loading.
/// </summary>
public sealed record PagerDutyIntegration(string Name, string Service, string RoutingKeyHash);
