using System.Globalization;
using Vigil.Analytics.Metrics;
using Vigil.Core.Alerts;

namespace Vigil.Server.Metrics;

/// <summary>
/// Turns metric findings into ordinary alerts (grouping, silences, incidents like any other). Like log-pattern alerts
/// they carry an end time and auto-resolve unless re-sent; the labels are the series' own, so there is at most one
/// alert of each kind per series.
/// </summary>
public static class MetricAlerts
{
    public const string Anomaly = "MetricAnomaly";
    public const string Capacity = "CapacityForecast";

    /// <summary>Label holding the series name (the metric name is not a label of its own in Vigil's model).</summary>
    public const string SeriesLabel = "series";

    /// <summary>How long an anomaly alert stays firing after it was last sent.</summary>
    public static readonly TimeSpan HoldFor = TimeSpan.FromMinutes(15);

    /// <summary>Least time between two sends of the same alert (each send is a pipeline write).</summary>
    public static readonly TimeSpan ResendInterval = TimeSpan.FromMinutes(1);

    /// <summary>The UI chart of a series; the alert's generatorURL.</summary>
    public static string ChartUrl(SeriesKey key) => "/#/metrics/" + key.Id;

    public static Alert ForAnomaly(SeriesKey key, MetricPoint point, DateTimeOffset startedAt, DateTimeOffset now)
    {
        var value = SeriesKey.Number(point.Value);
        var (lower, upper, expected) = (SeriesKey.Number(point.Lower), SeriesKey.Number(point.Upper), SeriesKey.Number(point.Expected));
        var why = point.Signal switch
        {
            AnomalySignal.LevelShift => "level shift",
            AnomalySignal.SeasonalDeviation => "unlike the same time yesterday",
            AnomalySignal.SeasonalShift => "a run of values unlike the same hours yesterday",
            AnomalySignal.Flatline => "stuck at one value for longer than ever before (flatline)",
            AnomalySignal.Spike => "spike",
            AnomalySignal.Pattern => "an unexpected sequence of values",
            AnomalySignal.NovelStretch => "a stretch of values unlike any before",
            AnomalySignal.NovelTransition => "a move between levels never made before",
            _ => "unusual",
        };
        // The band is the one the chart draws (the same time yesterday for a seasonal series, else the recent level),
        // while a spike is measured from the recent level and a level shift by the recent mean: such a point can lie
        // inside the band, and "outside expected" would then be false (10 of 150 spikes and 11 of 13 level shifts
        // the default flags on NAB's files).
        var inside = point.Value >= point.Lower && point.Value <= point.Upper;
        var summary = inside
            ? $"{key}: value {value} inside expected [{lower}, {upper}] but {InsideWhy(point.Signal)}"
            : $"{key}: value {value} outside expected [{lower}, {upper}] ({why})";
        return Build(Anomaly, key, now, startedAt, now + HoldFor, summary,
        [
            ("value", value),
            ("expected", expected),
            ("expected_range", $"[{lower}, {upper}]"),
            ("signal", point.Signal.ToString()),
            ("score", point.Score.ToString("0.###", CultureInfo.InvariantCulture)),
            ("sample_time", point.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
        ]);
    }

    public static Alert ForCapacity(SeriesKey key, double threshold, CapacityCrossing forecast, double lastValue, DateTimeOffset now, TimeSpan holdFor)
    {
        var crossing = forecast.Point;
        var eta = crossing.Timestamp - now.UtcDateTime;
        var summary = $"{key} reaches {SeriesKey.Number(threshold)} in ~{Humanize(eta)} (now {SeriesKey.Number(lastValue)})";
        return Build(Capacity, key, now, now, now + holdFor, summary,
        [
            ("threshold", SeriesKey.Number(threshold)),
            ("value", SeriesKey.Number(lastValue)),
            ("crossing_at", crossing.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
            ("forecast_range", $"[{SeriesKey.Number(crossing.Lower)}, {SeriesKey.Number(crossing.Upper)}]"),
            ("forecast_from", forecast.Basis),
        ]);
    }

    private static string InsideWhy(AnomalySignal signal) => signal switch
    {
        AnomalySignal.LevelShift => "its recent mean moved away from its long-run mean (level shift)",
        AnomalySignal.SeasonalDeviation => "unlike the same time yesterday",
        AnomalySignal.SeasonalShift => "its recent values run unlike the same hours yesterday (seasonal shift)",
        AnomalySignal.Flatline => "it has held this one value for longer than it ever held one before: is its source stuck? (flatline)",
        AnomalySignal.Spike => "far from its recent level (spike)",
        AnomalySignal.NovelStretch => "in a stretch of values unlike any before",
        AnomalySignal.NovelTransition => "reached by a move between levels never made before",
        _ => "in an unexpected sequence of values",
    };

    /// <summary>A series already at or past its capacity threshold (since <paramref name="since"/>, when its latest
    /// run above the threshold began); <paramref name="stopped"/>: it has sent nothing for a while, which the summary
    /// says instead of calling its last value "now".</summary>
    public static Alert ForCapacityReached(SeriesKey key, double threshold, DateTime since, MetricPoint last, bool stopped, DateTimeOffset now, TimeSpan holdFor)
    {
        var ago = now.UtcDateTime - since;
        var when = ago >= TimeSpan.FromMinutes(2) ? $" ~{Humanize(ago)} ago" : "";
        var value = SeriesKey.Number(last.Value);
        var state = stopped ? $"last value {value}, no data for ~{Humanize(now.UtcDateTime - last.Timestamp)}" : $"now {value}";
        var summary = $"{key} reached {SeriesKey.Number(threshold)}{when} ({state})";
        return Build(Capacity, key, now, now, now + holdFor, summary,
        [
            ("threshold", SeriesKey.Number(threshold)),
            ("value", value),
            ("crossing_at", since.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
        ]);
    }

    /// <summary>"3 days", "5 hours", "12 minutes": the precision a person plans with.</summary>
    public static string Humanize(TimeSpan span) => span switch
    {
        { TotalDays: >= 2 } => $"{Math.Round(span.TotalDays):0} days",
        { TotalHours: >= 2 } => $"{Math.Round(span.TotalHours):0} hours",
        { TotalMinutes: >= 2 } => $"{Math.Round(span.TotalMinutes):0} minutes",
        _ => "now",
    };

    private static Alert Build(string name, SeriesKey key, DateTimeOffset now, DateTimeOffset startsAt, DateTimeOffset endsAt, string summary,
        (string, string)[] extra)
    {
        // The three labels Vigil sets win a clash; the series' own value moves to exported_<name>, as Prometheus does with
        // a target label that clashes with one it attaches. Dropping it made log_lines{severity="error"} and
        // log_lines{severity="info"} one alert, each overwriting the other's summary and chart link.
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [AlertLabels.AlertName] = name,
            [SeriesLabel] = key.Name,
            [AlertLabels.Severity] = "warning",
        };
        foreach (var (k, v) in key.Labels.Where(l => !labels.ContainsKey(l.Key)))
        {
            labels[k] = v;
        }
        foreach (var (k, v) in key.Labels.Where(l => l.Key is AlertLabels.AlertName or SeriesLabel or AlertLabels.Severity))
        {
            var exported = "exported_" + k;
            while (labels.ContainsKey(exported))
            {
                exported = "exported_" + exported;
            }
            labels[exported] = v;
        }
        var annotations = LabelSet.From([("summary", summary), ("series_id", key.Id), .. extra]);
        return new Alert(LabelSet.From(labels), annotations, startsAt <= now ? startsAt : now, endsAt, ChartUrl(key), now, Timeout: true);
    }
}
