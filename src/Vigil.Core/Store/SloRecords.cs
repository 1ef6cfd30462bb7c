namespace Vigil.Core.Store;

/// <summary>
/// Native SLI events of one SLO in one minute. Written as increments (the store adds them to the stored row), so
/// concurrent pushes for the same minute never overwrite each other.
/// </summary>
/// <param name="Minute">Minutes since the Unix epoch (UTC).</param>
public sealed record SloMinuteRecord(string Slo, long Minute, double Good, double Total);

/// <summary>Stored minutes of one SLO to delete, <paramref name="FromMinute"/> to <paramref name="ToMinute"/> inclusive, before the increments of the same commit.</summary>
/// <remarks>Clearing then adding replaces minutes: how re-read Prometheus minutes overwrite what was stored for them.</remarks>
public sealed record SloMinuteRange(string Slo, long FromMinute, long ToMinute);

/// <summary>
/// How far the server has read a Prometheus SLI: every minute through <paramref name="FetchedThrough"/> is stored.
/// <paramref name="SourceKey"/> identifies the queries it was read with; a different key means read the window again.
/// </summary>
public sealed record SloSourceRecord(string Slo, string SourceKey, long FetchedThrough);

/// <summary>
/// A change freeze of <paramref name="Service"/> because objective <paramref name="Objective"/> (index) of SLO
/// <paramref name="Slo"/> exhausted its error budget at <paramref name="Since"/>.
/// </summary>
/// <param name="RemainingPercent">Budget left when the freeze began (0 or negative); null when not a finite number.</param>
public sealed record SloFreezeRecord(string Slo, int Objective, string Service, DateTimeOffset Since, double? RemainingPercent);

/// <summary>
/// Changes of <paramref name="Service"/> may go through its change freeze from <paramref name="Start"/> until
/// <paramref name="End"/>, for <paramref name="Reason"/> (the fix of the very outage that spent the budget is the usual
/// one). Made by a person, never by Vigil; the freeze itself, its alert and the budget are untouched.
/// </summary>
/// <param name="RevokedAt">Revoked exemptions are kept for the record and no longer apply.</param>
public sealed record FreezeExemption(
    string Id,
    string Service,
    DateTimeOffset Start,
    DateTimeOffset End,
    string Reason,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? RevokedAt = null)
{
    public bool AppliesAt(DateTimeOffset at) => RevokedAt is null && Start <= at && at < End;
}
