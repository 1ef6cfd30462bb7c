using Vigil.Core.Alerts;

namespace Vigil.Core.Incidents;

public enum IncidentStatus
{
    Triggered,
    Acknowledged,
    Resolved,
}

/// <summary>Ordered from most to least severe, so the most severe alert of a group is the minimum.</summary>
public enum Severity
{
    Critical,
    Error,
    Warning,
    Info,
}

/// <summary>
/// The unit of work people act on: one alert group (a route and the values of its group_by labels) while it has
/// firing alerts. Everything that happens to it is appended to its timeline.
/// </summary>
/// <param name="Service">The service the incident belongs to, fixed when it opens (see <c>GroupFlush.ServiceOf</c>):
/// whose team may act on it and whose escalation policy pages for it. Null when it cannot be told.</param>
public sealed record Incident(
    long Id,
    string GroupKey,
    string Title,
    IncidentStatus Status,
    Severity Severity,
    string Priority,
    LabelSet GroupLabels,
    string Receiver,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    IReadOnlyList<Fingerprint> Alerts,
    string? Service = null);

public enum TimelineKind
{
    Created,
    AlertAdded,
    AlertResolved,
    AlertRefired,
    Acknowledged,
    Unacknowledged,
    Resolved,
    AutoResolved,
    Reopened,
    PriorityChanged,
    Note,
    Reminder,
    Notified,
    NotificationFailed,

    /// <summary>An escalation step: who was paged at which level and why, or why a level was passed.</summary>
    Escalation,

    /// <summary>A notification to the route's receiver was not queued: the route was in a mute time interval, or outside its active ones.</summary>
    NotificationMuted,
}

/// <summary>An append-only entry in an incident's timeline; also its audit trail.</summary>
public sealed record TimelineEntry(
    long IncidentId,
    DateTimeOffset At,
    TimelineKind Kind,
    string Actor,
    string Message,
    long Sequence = 0);
