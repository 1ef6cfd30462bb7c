namespace Vigil.Core.Escalation;

/// <summary>One person to page, and why, for the timeline and the notification itself.</summary>
/// <param name="Step">The escalation step (its <see cref="EscalationState.Steps"/> number) that pages; with the
/// incident and the user it makes the notification's deduplication key.</param>
public sealed record EscalationNotice(string User, int Level, int Step, string Reason);

/// <summary>What one call to the <see cref="Escalator"/> decided.</summary>
/// <param name="Log">Human-readable lines for the incident timeline, in order (skipped levels, empty schedules...).</param>
/// <param name="RoundRobinCursors">Cursors moved by this step, to persist (key: <see cref="Escalator.CursorKey"/>).</param>
/// <param name="Retriggered">The acknowledgement timed out: the incident goes back to triggered.</param>
public sealed record EscalationOutcome(
    EscalationState State,
    IReadOnlyList<EscalationNotice> Notices,
    IReadOnlyList<string> Log,
    IReadOnlyDictionary<string, int> RoundRobinCursors,
    bool Retriggered = false);

/// <summary>What escalation needs to know about people and the incident, looked up when a level fires.</summary>
/// <param name="OnCall">The users on call on a schedule at an instant (empty for a gap or an unknown schedule).</param>
/// <param name="TeamMembers">The members of a team (empty when unknown).</param>
/// <param name="AlertsWithin">How many alerts the incident received in the given time before now.</param>
/// <param name="RoundRobinCursor">The stored cursor for a key, 0 when none.</param>
/// <param name="Unreachable">Why a page to a user would reach nobody (not a user in the config, no contact method that
/// can be sent to under the config in force), or null when at least one of their contact methods can be paged.</param>
public sealed record EscalationContext(
    Func<string, DateTimeOffset, IReadOnlyList<string>> OnCall,
    Func<string, IReadOnlyList<string>> TeamMembers,
    Func<TimeSpan, int> AlertsWithin,
    Func<string, int> RoundRobinCursor,
    Func<string, string?> Unreachable);
