namespace Vigil.Core.Alerts;

/// <summary>
/// One alert as Vigil stores it. Identity is <see cref="Fingerprint"/> (from <see cref="Labels"/> only); annotations,
/// times and the generator URL are payload that a newer copy of the same alert replaces.
/// </summary>
/// <param name="EndsAt">When the alert stops (or stopped) firing; always set once ingested (see <see cref="AlertMerge"/>).</param>
/// <param name="Timeout">True when <see cref="EndsAt"/> was not given by the sender but derived from resolve_timeout,
/// so a later explicit end time from the sender wins (Alertmanager's <c>Alert.Timeout</c>).</param>
public sealed record Alert(
    LabelSet Labels,
    LabelSet Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string GeneratorUrl,
    DateTimeOffset UpdatedAt,
    bool Timeout = false)
{
    private Fingerprint? _fingerprint;

    public Fingerprint Fingerprint => _fingerprint ??= Labels.Fingerprint();

    public string Name => Labels.Get(AlertLabels.AlertName);

    /// <summary>An alert is resolved once its end time has passed.</summary>
    public bool IsResolvedAt(DateTimeOffset now) => EndsAt <= now;

    public AlertStatus StatusAt(DateTimeOffset now) => IsResolvedAt(now) ? AlertStatus.Resolved : AlertStatus.Firing;
}

public enum AlertStatus
{
    Firing,
    Resolved,
}

/// <summary>Label names with a meaning to Vigil.</summary>
public static class AlertLabels
{
    public const string AlertName = "alertname";
    public const string Severity = "severity";
    public const string Service = "service";
}
