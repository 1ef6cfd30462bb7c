namespace Vigil.Core.Store;

/// <summary>
/// One metric series as stored: its identity, the detector's exported state and the recent points kept for charts.
/// Both blobs are opaque to the store (the server owns their format), so the detector can change without a migration.
/// </summary>
/// <param name="Id">Stable id derived from the name and sorted labels (used in URLs).</param>
/// <param name="State">The anomaly detector's <c>ExportState()</c> bytes.</param>
/// <param name="Points">The recent points (value, expected band, score), in the server's own compact encoding.</param>
public sealed record MetricSeriesRecord(
    string Id,
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    byte[] State,
    byte[] Points,
    DateTimeOffset UpdatedAt);
