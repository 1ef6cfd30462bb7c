namespace Vigil.Core.Escalation;

public enum EscalationStatus
{
    /// <summary>Levels are being notified; the next one fires at <see cref="EscalationState.NextDueAt"/>.</summary>
    Escalating,

    /// <summary>Someone acknowledged; nothing fires unless the acknowledgement times out.</summary>
    Acknowledged,

    /// <summary>Every level and repeat ran and nobody acknowledged.</summary>
    Exhausted,

    /// <summary>The incident was resolved.</summary>
    Ended,
}

/// <summary>
/// The durable escalation of one incident: a row with a due time that a worker claims. Firing a step and moving this
/// state on are committed together with the notifications they cause, so a restart neither loses nor repeats a step.
/// </summary>
/// <param name="NextLevel">Index of the level that fires at <paramref name="NextDueAt"/>.</param>
/// <param name="Cycle">How many times the levels have been walked completely before this pass (0-based).</param>
/// <param name="Steps">Levels fired so far; part of every notification's deduplication key.</param>
public sealed record EscalationState(
    long IncidentId,
    string Policy,
    EscalationStatus Status,
    int NextLevel,
    int Cycle,
    DateTimeOffset? NextDueAt,
    int Steps,
    DateTimeOffset StartedAt)
{
    public bool IsDue(DateTimeOffset now) => NextDueAt is { } due && due <= now;
}
