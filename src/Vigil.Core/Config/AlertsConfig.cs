namespace Vigil.Core.Config;

/// <summary>
/// Vigil's own <c>alerts:</c> section: how long the alert store keeps what it no longer needs.
/// <code>
/// alerts:
///   resolved_retention: 24h   # a resolved alert is deleted (memory and storage) this long after it ended; 0 keeps them all
/// </code>
/// </summary>
public sealed record AlertsConfig(TimeSpan ResolvedRetention)
{
    /// <summary>
    /// A day: resolved alerts are listed nowhere but on their incident's page (the Alertmanager API, like Alertmanager,
    /// shows only active ones), so a day keeps yesterday's incidents whole for their review while label churn (a pod
    /// label per deploy) stays bounded. Alerts of open incidents are kept whatever their age.
    /// </summary>
    public static readonly TimeSpan DefaultResolvedRetention = TimeSpan.FromHours(24);

    /// <summary>Shorter would collect alerts while their incident's page is still being looked at.</summary>
    public static readonly TimeSpan MinimumResolvedRetention = TimeSpan.FromMinutes(1);

    public static readonly AlertsConfig Default = new(DefaultResolvedRetention);

    /// <summary>False when <c>resolved_retention</c> is 0: resolved alerts are kept for good (the store grows with label churn).</summary>
    public bool CollectsResolved => ResolvedRetention > TimeSpan.Zero;
}
