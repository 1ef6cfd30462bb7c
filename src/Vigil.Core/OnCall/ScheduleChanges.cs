namespace Vigil.Core.OnCall;

/// <summary>
/// Someone on call for a time range on one schedule, above every layer and swap. Where overrides overlap, the one
/// created last wins (ties broken by id) — the newest decision is the one people expect to hold.
/// </summary>
/// <param name="DeletedAt">Deleted overrides are kept for the record and ignored by the computation.</param>
public sealed record ScheduleOverride(
    string Id,
    string Schedule,
    DateTimeOffset Start,
    DateTimeOffset End,
    string User,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? DeletedAt = null);

public enum SwapStatus
{
    /// <summary>Asked for by the shift owner; nobody has accepted yet. Has no effect on the schedule.</summary>
    Requested,

    /// <summary>Applies to the final schedule.</summary>
    Accepted,

    /// <summary>Withdrawn; kept for the record, no effect.</summary>
    Cancelled,
}

public enum SwapKind
{
    /// <summary>The owner asked, another user accepted.</summary>
    Request,

    /// <summary>Someone took the owner's shift without giving one back.</summary>
    Take,

    /// <summary>A team manager or admin made it, accepted at once.</summary>
    Manager,
}

/// <summary>
/// A handover of whatever <see cref="FromUser"/> has on the schedule within [Start, End) to <see cref="ToUser"/>.
/// It names people and a time range, not layer shifts, so it survives edits of the rotation: it applies to the
/// final entries the from-user has in the range at computation time (before overrides); if the from-user no longer
/// has a shift there, it applies to nothing. A two-way exchange is two swaps.
/// </summary>
public sealed record ShiftSwap(
    string Id,
    string Schedule,
    DateTimeOffset Start,
    DateTimeOffset End,
    string FromUser,
    string? ToUser,
    SwapStatus Status,
    SwapKind Kind,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? DecidedAt = null,
    string? DecidedBy = null);
