namespace Vigil.Core.Store;

/// <summary>
/// One metric series as stored: its identity, the detector's exported state and the recent points kept for charts.
/// Both blobs are opaque to the store (the server owns their format), so the detector can change without a migration.
/// </summary>
/// <param name="Id">Stable id derived from the name and sorted labels (used in URLs).</param>
/// <param name="State">The anomaly detector's <c>ExportState()</c> bytes.</param>
/// <param name="Points">The recent points (value, expected band, score), in the server's own compact encoding.</param>
/// <param name="Detector">The name of the detector the state belongs to; null for rows stored before it was kept.</param>
public sealed record MetricSeriesRecord(
    string Id,
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    byte[] State,
    byte[] Points,
    DateTimeOffset UpdatedAt,
    string? Detector = null);

/// <summary>
/// One accepted metric sample, journaled before the push is answered so that a crash cannot lose it; the series'
/// checkpointed detector state plus the samples journaled after the checkpoint rebuild exactly what was accepted.
/// </summary>
/// <param name="SeriesId">The <see cref="MetricSeriesRecord.Id"/> of its series.</param>
/// <param name="TimestampTicks">The sample's time, UTC <see cref="DateTime.Ticks"/>.</param>
/// <param name="RecordedAtTicks">When the server journaled it, UTC ticks: what a checkpoint prunes by.</param>
public sealed record MetricSampleRecord(string SeriesId, long TimestampTicks, double Value, long RecordedAtTicks);
