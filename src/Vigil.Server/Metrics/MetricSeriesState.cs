using Vigil.Analytics.Metrics;

namespace Vigil.Server.Metrics;

/// <summary>
/// Everything the server keeps for one series: its detector, recent points and alert timers. All access goes
/// through <see cref="Gate"/>: a push and a Prometheus poll of the same series must score in turn.
/// </summary>
public sealed class MetricSeriesState(SeriesKey key, MetricAnomalyDetector detector, PointBuffer points)
{
    public SeriesKey Key { get; } = key;

    public Lock Gate { get; } = new();

    public MetricAnomalyDetector Detector { get; } = detector;

    public PointBuffer Points { get; } = points;

    /// <summary>Points learned since the last save.</summary>
    public bool Dirty { get; set; }

    /// <summary>When the anomaly alert was last sent (wall clock); null when none is active.</summary>
    public DateTimeOffset? AnomalySentAt { get; set; }

    /// <summary>When the anomaly that the active alert reports began.</summary>
    public DateTimeOffset AnomalyStartedAt { get; set; }

    public DateTimeOffset? CapacitySentAt { get; set; }

    /// <summary>Anomalous points (<see cref="MetricPoint.IsAnomaly"/>) learned since the server started, plus those among the
    /// points restored with the series at start.</summary>
    public long Anomalies { get; set; }

    /// <summary>The last flagged point, for the series list.</summary>
    public MetricPoint? LastAnomaly { get; set; }
}
