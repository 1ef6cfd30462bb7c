namespace Vigil.Core.Incidents;

/// <summary>The incident after a manual action, and the timeline entries that record it.</summary>
public sealed record IncidentTransition(Incident Incident, IReadOnlyList<TimelineEntry> Timeline);

/// <summary>
/// Pure state transitions for what people do to incidents. Each returns the new incident and its timeline entries or
/// throws <see cref="IncidentTransitionException"/>. Pass the result to <c>Dispatcher.Apply</c> so automatic handling
/// sees it, then persist it.
/// </summary>
public static class IncidentLifecycle
{
    /// <summary>Actor name of everything Vigil does by itself (auto-resolve, reopen, reminders).</summary>
    public const string SystemActor = "vigil";

    public const int MaxNoteLength = 10_000;

    public static IncidentTransition Acknowledge(Incident incident, string actor, DateTimeOffset now, string? comment = null)
    {
        switch (incident.Status)
        {
            case IncidentStatus.Acknowledged:
                throw Conflict($"incident {incident.Id} is already acknowledged by {incident.AcknowledgedBy}");
            case IncidentStatus.Resolved:
                throw Conflict($"incident {incident.Id} is resolved; reopen it before acknowledging");
        }
        var updated = incident with { Status = IncidentStatus.Acknowledged, AcknowledgedAt = now, AcknowledgedBy = actor, UpdatedAt = now };
        return One(updated, now, TimelineKind.Acknowledged, actor, WithComment($"Acknowledged by {actor}", comment));
    }

    public static IncidentTransition Unacknowledge(Incident incident, string actor, DateTimeOffset now, string? comment = null)
    {
        if (incident.Status != IncidentStatus.Acknowledged)
        {
            throw Conflict($"incident {incident.Id} is {Name(incident.Status)}, not acknowledged");
        }
        var updated = incident with { Status = IncidentStatus.Triggered, AcknowledgedAt = null, AcknowledgedBy = null, UpdatedAt = now };
        return One(updated, now, TimelineKind.Unacknowledged, actor, WithComment($"Acknowledgement withdrawn by {actor}", comment));
    }

    /// <summary>Manual resolve. The dispatcher will not reopen a manually resolved incident; new alerts open a new one.</summary>
    public static IncidentTransition Resolve(Incident incident, string actor, DateTimeOffset now, string? comment = null)
    {
        if (incident.Status == IncidentStatus.Resolved)
        {
            throw Conflict($"incident {incident.Id} is already resolved");
        }
        var updated = incident with { Status = IncidentStatus.Resolved, ResolvedAt = now, ResolvedBy = actor, UpdatedAt = now };
        return One(updated, now, TimelineKind.Resolved, actor, WithComment($"Resolved by {actor}", comment));
    }

    public static IncidentTransition Reopen(Incident incident, string actor, DateTimeOffset now, string? comment = null)
    {
        if (incident.Status != IncidentStatus.Resolved)
        {
            throw Conflict($"incident {incident.Id} is {Name(incident.Status)}, not resolved");
        }
        var updated = incident with
        {
            Status = IncidentStatus.Triggered,
            ResolvedAt = null,
            ResolvedBy = null,
            AcknowledgedAt = null,
            AcknowledgedBy = null,
            UpdatedAt = now,
        };
        return One(updated, now, TimelineKind.Reopened, actor, WithComment($"Reopened by {actor}", comment));
    }

    public static IncidentTransition AddNote(Incident incident, string actor, DateTimeOffset now, string text)
    {
        var note = text?.Trim() ?? "";
        if (note.Length == 0)
        {
            throw Invalid("a note needs some text");
        }
        if (note.Length > MaxNoteLength)
        {
            throw Invalid($"a note can be at most {MaxNoteLength} characters long");
        }
        return One(incident with { UpdatedAt = now }, now, TimelineKind.Note, actor, note);
    }

    /// <summary>Sets P1..P5. Setting the current priority again is a no-op with no timeline entry.</summary>
    public static IncidentTransition SetPriority(Incident incident, string actor, DateTimeOffset now, string priority)
    {
        if (!IncidentSeverity.IsValidPriority(priority))
        {
            throw Invalid($"priority must be one of P1, P2, P3, P4, P5, not \"{priority}\"");
        }
        if (priority == incident.Priority)
        {
            return new IncidentTransition(incident, []);
        }
        var updated = incident with { Priority = priority, UpdatedAt = now };
        return One(updated, now, TimelineKind.PriorityChanged, actor, $"Priority changed from {incident.Priority} to {priority} by {actor}");
    }

    private static IncidentTransition One(Incident updated, DateTimeOffset now, TimelineKind kind, string actor, string message) =>
        new(updated, [new TimelineEntry(updated.Id, now, kind, actor, message)]);

    private static string WithComment(string message, string? comment) =>
        string.IsNullOrWhiteSpace(comment) ? message : $"{message}: {comment.Trim()}";

    private static string Name(IncidentStatus status) => status.ToString().ToLowerInvariant();

    private static IncidentTransitionException Conflict(string message) => new(message, TransitionFailure.Conflict);

    private static IncidentTransitionException Invalid(string message) => new(message, TransitionFailure.InvalidInput);
}
