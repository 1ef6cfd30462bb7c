using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Server.Api.Alertmanager;
using Vigil.Server.Metrics;

namespace Vigil.Server.Api.Native;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(RfcTimeConverter), typeof(NullableRfcTimeConverter)],
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(MetricsAccepted))]
[JsonSerializable(typeof(List<MetricSourceDto>))]
[JsonSerializable(typeof(MetricSeriesListDto))]
[JsonSerializable(typeof(MetricSeriesDetailDto))]
[JsonSerializable(typeof(MetricsRelearnedDto))]
public sealed partial class MetricsJson : JsonSerializerContext;

/// <param name="Relearned">How many series matched and were relearned.</param>
/// <param name="Detectors">How many of them each detector took.</param>
public sealed record MetricsRelearnedDto(int Relearned, IReadOnlyDictionary<string, int> Detectors);

/// <param name="State">"starting" (backfill not done yet), "ok" or "error".</param>
public sealed record MetricSourceDto(
    string Name, string Url, string Query, double IntervalSeconds, string State, DateTimeOffset? LastSuccess, DateTimeOffset? LastErrorAt,
    string? LastError, string? Note, int Series, int LastSamples, long Polls, long Failures);

/// <param name="LastAnomalySignal">Why its latest anomaly was one (the signal of that point), with <c>LastAnomalyAt</c>.</param>
/// <param name="Anomalous">An anomaly alert for the series is active (sent within the hold window).</param>
/// <param name="Detector">The series' detector (<c>lightweight</c>, <c>balanced</c>, <c>contextual</c>), kept from its creation.</param>
/// <param name="Threshold">The anomaly score at which its points alert (its detector rule's, or its detector's).</param>
public sealed record MetricSeriesSummaryDto(
    string Id, string Name, IReadOnlyDictionary<string, string> Labels, string Text, long Samples, int Points, DateTimeOffset? LastTimestamp,
    double? LastValue, double? LastScore, string? LastSignal, long Anomalies, DateTimeOffset? LastAnomalyAt, string? LastAnomalySignal, bool Anomalous,
    string Detector, double Threshold);

/// <param name="Threshold">The threshold of series with the configured <c>metrics.detector</c>; each series carries its own.</param>
public sealed record MetricSeriesListDto(double Threshold, int Count, long SuppressedAlerts, IReadOnlyList<MetricSeriesSummaryDto> Series);

/// <param name="Score">Anomaly score in [0, 1]; <c>Anomaly</c> is true when it reached the threshold.</param>
/// <param name="Expected">Null while the detector is warming up (no band yet).</param>
public sealed record MetricPointDto(DateTimeOffset T, double Value, double Score, double? Expected, double? Lower, double? Upper, string Signal, bool Anomaly);

public sealed record ForecastPointDto(DateTimeOffset T, double Value, double Lower, double Upper);

/// <param name="Model">The fitted model in words (Holt-Winters factors and season).</param>
/// <param name="Capacity">Set when a capacity rule selects the series.</param>
public sealed record MetricForecastDto(string Model, double IntervalLevel, IReadOnlyList<ForecastPointDto> Points, CapacityDto? Capacity);

/// <param name="CrossingAt">When the forecast reaches the threshold within the horizon; null when it does not, or when
/// the series is past it already.</param>
/// <param name="PastSince">When the series is at or past the threshold: the first of its latest points at or past it;
/// else null.</param>
/// <param name="Direction">"rising" (the threshold is a ceiling) or "falling" (a floor).</param>
public sealed record CapacityDto(double Threshold, double HorizonSeconds, DateTimeOffset? CrossingAt, DateTimeOffset? PastSince, string Direction, string? ForecastFrom);

/// <param name="Hourly">The hourly means a capacity rule's series keeps, with their own forecast over the rule's
/// horizon; null for other series.</param>
/// <param name="RecentAlerts">The series' recent alerts as its detector counts them (each fades over ~10,000 samples).</param>
/// <param name="ScoreNeeded">The detector score the series needs now to alert: <see cref="Threshold"/> for a quiet
/// series, more for one that keeps alerting (the alert-rate damping, decision 019).</param>
public sealed record MetricSeriesDetailDto(
    MetricSeriesSummaryDto Series, double Threshold, int SeasonalPeriod, IReadOnlyList<MetricPointDto> Points, MetricForecastDto? Forecast,
    HourlyMeansDto? Hourly, double RecentAlerts, double ScoreNeeded);

/// <param name="Points">Each hour's mean, stamped at the middle of its hour (the hour being filled last).</param>
/// <param name="Forecast">Fitted to the hourly means, over the capacity rule's horizon (no capacity object: the
/// series' forecast has it); null with fewer than 20 hours.</param>
public sealed record HourlyMeansDto(IReadOnlyList<HourlyPointDto> Points, MetricForecastDto? Forecast);

public sealed record HourlyPointDto(DateTimeOffset T, double Value);
