using Vigil.Analytics.Metrics;
using Vigil.Core.Matching;

namespace Vigil.Core.Config;

/// <summary>One PromQL query polled from a Prometheus server (<c>metrics.sources</c>).</summary>
/// <param name="Url">The Prometheus base URL (e.g. <c>http://prometheus:9090</c>); the API paths are appended.</param>
/// <param name="Interval">How often <c>/api/v1/query</c> is evaluated.</param>
/// <param name="Step">The resolution of the start-up backfill (<c>/api/v1/query_range</c>).</param>
/// <param name="Backfill">How much history the backfill reads (scored, never alerted on).</param>
/// <param name="Auth">How Vigil authenticates to a Prometheus behind authentication (<c>http_config</c>, as a
/// receiver's: <c>basic_auth</c>, <c>authorization</c> or <c>bearer_token(_file)</c>); null: no credentials.</param>
public sealed record MetricSourceConfig(string Name, Uri Url, string Query, TimeSpan Interval, TimeSpan Step, TimeSpan Backfill, HttpAuth? Auth = null);

/// <summary>
/// A capacity rule (<c>metrics.capacity</c>): series matching every matcher (the series name is <c>__name__</c>)
/// are forecast, and an alert is raised when the forecast reaches <see cref="Threshold"/> within <see cref="Horizon"/>
/// (and while the series is past it).
/// </summary>
/// <param name="Falling">The threshold is a floor the series falls to (free space, remaining quota) instead of a
/// ceiling it rises to (used space, the default).</param>
public sealed record CapacityRule(IReadOnlyList<Matcher> Matchers, double Threshold, TimeSpan Horizon, bool Falling = false)
{
    /// <summary>Whether <paramref name="value"/> has reached the threshold, from the rule's side.</summary>
    public bool IsPast(double value) => Falling ? value <= Threshold : value >= Threshold;
}

/// <summary>
/// A detector rule (<c>metrics.detectors</c>): a new series matching every matcher gets <see cref="Detector"/> instead
/// of <c>metrics.detector</c> (the first rule that matches and has room wins), so the few series that matter can have
/// the accurate detector while the fleet keeps the cheap one.
/// </summary>
/// <param name="Threshold">The anomaly score that alerts for this rule's series; null: the detector's default.</param>
/// <param name="MaxSeries">At most this many series get the detector through this rule (a memory guard: a contextual
/// series holds ~320 KB); further matching series fall through to the next rule or <c>metrics.detector</c>.</param>
public sealed record MetricDetectorRule(IReadOnlyList<Matcher> Matchers, MetricDetectorKind Detector, double? Threshold, int? MaxSeries)
{
    /// <summary>The rule's identity across reloads (its matchers and detector), under which its series are counted.</summary>
    public string Key { get; } = $"{string.Join(",", Matchers)} -> {Detector}";
}

/// <summary>The <c>metrics:</c> section: alert threshold, polled Prometheus queries and capacity rules.</summary>
/// <param name="Threshold">Anomaly score at or above which a point raises <c>MetricAnomaly</c>.</param>
/// <param name="MaxSeries">Series kept in memory; samples of further series are counted and skipped.</param>
/// <param name="ForecastInterval">How often capacity rules are evaluated.</param>
/// <param name="MaxAlertsPerMinute">Storm guard: anomaly and capacity alerts sent per minute across all series.</param>
/// <param name="Threshold">Anomaly score at or above which a point of a <paramref name="Detector"/> series raises
/// <c>MetricAnomaly</c> (series with another detector use their rule's or their detector's default).</param>
/// <param name="Detector">Which detector scores a new series no rule of <see cref="DetectorRules"/> selects (see
/// <see cref="MetricDetectorKind"/>).</param>
public sealed record MetricsConfig(
    double Threshold,
    IReadOnlyList<MetricSourceConfig> Sources,
    IReadOnlyList<CapacityRule> Capacity,
    int MaxSeries,
    TimeSpan ForecastInterval,
    int MaxAlertsPerMinute,
    MetricDetectorKind Detector = MetricDetectorKind.Lightweight)
{
    /// <summary>A detector's default threshold: the score at which its post-alert suppression arms, fitted as it runs
    /// (0.62 for contextual, decision 021; 0.56 for lightweight, decision 023; 0.59 for balanced, decision 024; 0.69 for all before).</summary>
    public static double DefaultThresholdOf(MetricDetectorKind kind) => MetricDetectorSettings.Of(kind).AlertThreshold;

    /// <summary>Rules that give matching new series another detector than <see cref="Detector"/>, first match first.</summary>
    public IReadOnlyList<MetricDetectorRule> DetectorRules { get; init; } = [];

    /// <summary>A series that has learned no sample for this long is forgotten (memory, stored state, journal), so
    /// series that churn (pods, instances) do not fill <see cref="MaxSeries"/> for good; zero keeps every series.</summary>
    public TimeSpan SeriesTtl { get; init; } = DefaultSeriesTtl;

    /// <summary>
    /// The alert threshold of a series with detector <paramref name="kind"/> that <paramref name="rule"/> (if any) chose:
    /// the rule's own, else <see cref="Threshold"/> for the configured detector, else the default — a series keeps its
    /// detector when the configuration changes, and a threshold chosen for one detector's alert volume is not another's.
    /// </summary>
    public double ThresholdFor(MetricDetectorKind kind, MetricDetectorRule? rule) =>
        rule is { Threshold: { } own } && rule.Detector == kind ? own
        : kind == Detector ? Threshold
        : DefaultThresholdOf(kind);
    public const int DefaultMaxSeries = 50_000;
    public const int DefaultMaxAlertsPerMinute = 100;
    public static readonly TimeSpan DefaultForecastInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultBackfill = TimeSpan.FromHours(24);
    public static readonly TimeSpan DefaultSeriesTtl = TimeSpan.FromDays(7);

    public static readonly MetricsConfig Default = new(DefaultThresholdOf(MetricDetectorKind.Lightweight), [], [], DefaultMaxSeries, DefaultForecastInterval, DefaultMaxAlertsPerMinute);
}

/// <summary>
/// The server's detector per series. Lightweight (the default): the statistical ensemble with the transition novelty,
/// the anomaly likelihood, the seasonal shift and a short nearest window, ~5 M points/s and ~11 KB per series, so tens
/// of thousands of series fit; NAB standard 51.8 on the folder as run at its own threshold of 0.56. Balanced: ARTime at
/// two time scales in place of the nearest window, and every level move on a surprising value is news, NAB 69.9 as run at
/// its 0.59, ~2.4–3.4 M points/s and ~89 KB per series — thousands of series.
/// Contextual: ARTime and CAD OSE, NAB 74.6, but ~140,000–400,000 points/s (~16,000 on white noise) and ~346 KB per series —
/// for a few hundred important series (<c>metrics.detectors</c> gives it to the series that matter). See docs/metric-detection.md.
/// </summary>
public enum MetricDetectorKind
{
    Lightweight,
    Contextual,
    Balanced,
}

/// <summary>The detector settings of each <see cref="MetricDetectorKind"/>.</summary>
public static class MetricDetectorSettings
{
    public static DetectorSettings Of(MetricDetectorKind kind) => kind switch
    {
        MetricDetectorKind.Contextual => DetectorSettings.Default,
        MetricDetectorKind.Balanced => DetectorSettings.Balanced,
        _ => DetectorSettings.Lightweight,
    };
}

/// <summary>The names of <see cref="MetricDetectorKind"/> in the configuration, the API and storage.</summary>
public static class MetricDetectorNames
{
    public static string Of(MetricDetectorKind kind) => kind switch
    {
        MetricDetectorKind.Contextual => "contextual",
        MetricDetectorKind.Balanced => "balanced",
        _ => "lightweight",
    };

    public static MetricDetectorKind? Parse(string? name) => name switch
    {
        "lightweight" => MetricDetectorKind.Lightweight,
        "balanced" => MetricDetectorKind.Balanced,
        "contextual" => MetricDetectorKind.Contextual,
        _ => null,
    };
}
