namespace Vigil.Core.Store;

/// <summary>
/// Native SLI events of one SLO in one minute. Written as increments (the store adds them to the stored row), so
/// concurrent pushes for the same minute never overwrite each other.
/// </summary>
/// <param name="Minute">Minutes since the Unix epoch (UTC).</param>
public sealed record SloMinuteRecord(string Slo, long Minute, double Good, double Total);
