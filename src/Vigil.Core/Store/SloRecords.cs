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
