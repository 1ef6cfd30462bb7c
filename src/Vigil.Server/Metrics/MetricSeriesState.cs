using System.Globalization;
using Vigil.Analytics.Metrics;
using Vigil.Core.Config;

namespace Vigil.Server.Metrics;

/// <summary>
/// Everything the server keeps for one series: its detector, recent points and alert timers. All access goes
/// through <see cref="Gate"/>: a push and a Prometheus poll of the same series must score in turn.
/// </summary>
/// <param name="kind">The detector's kind: a series keeps it whatever the configuration says later, until it is told to
/// learn again (<see cref="MetricIngest.RelearnAsync"/>).</param>
/// <param name="ruleKey">The <see cref="MetricDetectorRule.Key"/> of the rule that gave it its detector, if any.</param>
public sealed class MetricSeriesState(SeriesKey key, MetricAnomalyDetector detector, PointBuffer points, MetricDetectorKind kind, string? ruleKey)
{
    private ThresholdUnder? _threshold;
    private CapacityRuleUnder? _capacityRule;

    public SeriesKey Key { get; } = key;

    public Lock Gate { get; } = new();

    public MetricAnomalyDetector Detector { get; private set; } = detector;

    public PointBuffer Points { get; } = points;

    /// <summary>Hourly means for capacity forecasts, kept while a capacity rule selects the series (see
    /// <see cref="CapacityRule"/>); null otherwise.</summary>
    public HourlyMeans? Hourly { get; set; }

    public MetricDetectorKind Kind { get; private set; } = kind;

    public string? RuleKey { get; private set; } = ruleKey;

    /// <summary>Starts again with a fresh <paramref name="detector"/> (under <see cref="Gate"/>); the points stay.</summary>
    public void Relearn(MetricAnomalyDetector detector, MetricDetectorKind kind, string? ruleKey)
    {
        (Detector, Kind, RuleKey) = (detector, kind, ruleKey);
        _threshold = null;
    }

    /// <summary>Points learned since the last save.</summary>
    public bool Dirty { get; private set; }

    /// <summary>While <see cref="Dirty"/>: when the oldest change not yet saved began to be learned. Journaled samples
    /// recorded since then may be missing from the saved state, so the journal is kept from there on.</summary>
    public DateTimeOffset DirtySince { get; private set; }

    /// <summary>Which of every <see cref="MetricIngest.CheckpointSlots"/> checkpoints saves this series: from its id,
    /// so each checkpoint writes about the same share of the series.</summary>
    public int CheckpointSlot { get; } = int.Parse(key.Id.AsSpan(0, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
        % MetricIngest.CheckpointSlots;

    /// <summary>Something not yet saved was learned from samples journaled at <paramref name="since"/> or later (an
    /// ingest that began then, a replayed journal, a save that failed); the oldest such time is kept.</summary>
    public void MarkChanged(DateTimeOffset since) =>
        (Dirty, DirtySince) = (true, Dirty && DirtySince < since ? DirtySince : since);

    public void MarkSaved() => Dirty = false;

    /// <summary>Commits of this series' journaled samples that failed. The detector learned those samples before the
    /// commit (it decides which samples are new), so they are in memory only until a row of the series is saved.</summary>
    public int FailedJournalCommits { get; private set; }

    private int _failedJournalCommitsSaved;

    /// <summary>Samples were learned whose journal commit failed and no row saved since holds them: the next push of the
    /// series saves its row before it is answered (its client was told to retry, and a retry's samples are not new).</summary>
    public bool HoldsUnjournaledSamples => FailedJournalCommits != _failedJournalCommitsSaved;

    public void JournalCommitFailed() => FailedJournalCommits++;

    /// <summary>A row was saved from a snapshot taken when <see cref="FailedJournalCommits"/> was <paramref name="failedCommits"/>.</summary>
    public void RowSaved(int failedCommits) => _failedJournalCommitsSaved = Math.Max(_failedJournalCommitsSaved, failedCommits);

    /// <summary>When a sample was last learned (wall clock; for a restored series, the start that restored it): a series
    /// silent for <c>metrics.series_ttl</c> is forgotten.</summary>
    public DateTimeOffset LastLearnedAt { get; set; }

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

    /// <summary>The score at which a point of this series is an anomaly under <paramref name="config"/> (see
    /// <see cref="MetricsConfig.ThresholdFor"/>); worked out again only after the configuration is reloaded.</summary>
    public double Threshold(MetricsConfig config)
    {
        var known = _threshold;
        if (!ReferenceEquals(known?.Config, config))
        {
            var rule = RuleKey is null ? null : config.DetectorRules.FirstOrDefault(r => r.Key == RuleKey);
            _threshold = known = new ThresholdUnder(config, config.ThresholdFor(Kind, rule));
        }
        return known!.Value;
    }

    /// <summary>Keeps hourly means (<paramref name="kept"/>, the ones it has, or new ones) while a capacity rule under
    /// <paramref name="config"/> selects the series, and drops them when none does (a rule taken out of the
    /// configuration). Under <see cref="Gate"/>.</summary>
    public void KeepHourlyMeansFor(MetricsConfig config, HourlyMeans? kept = null) =>
        Hourly = CapacityRule(config) is null ? null : kept ?? Hourly ?? new HourlyMeans();

    /// <summary>The capacity rule that selects this series under <paramref name="config"/>, if any; worked out again only
    /// after the configuration is reloaded.</summary>
    public CapacityRule? CapacityRule(MetricsConfig config)
    {
        var known = _capacityRule;
        if (!ReferenceEquals(known?.Config, config))
        {
            _capacityRule = known = new CapacityRuleUnder(config, SeriesForecast.RuleFor(Key, config.Capacity));
        }
        return known!.Rule;
    }

    private sealed record ThresholdUnder(MetricsConfig Config, double Value);

    private sealed record CapacityRuleUnder(MetricsConfig Config, CapacityRule? Rule);
}
