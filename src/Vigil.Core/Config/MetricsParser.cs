using System.Globalization;
using Vigil.Core.Matching;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// Parses the <c>metrics:</c> section:
/// <code>
/// metrics:
///   detector: lightweight        # for new series no rule below selects
///   threshold: 0.56              # anomaly score that raises MetricAnomaly (series of metrics.detector; default: its own)
///   detectors:                   # the accurate detector for the series that matter, first match first
///     - matchers: ['__name__="checkout_latency_seconds"']
///       detector: contextual
///       threshold: 0.62          # optional: the detector's default
///       max_series: 500          # optional: further matching series fall through to the next rule
///   sources:                     # PromQL queries polled from Prometheus
///     - name: node-cpu
///       url: http://prometheus:9090
///       query: 'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))'
///       interval: 1m
///       step: 1m
///       backfill: 24h
///       http_config:             # optional, a Prometheus behind authentication (as a receiver's http_config)
///         basic_auth: { username: vigil, password_file: /etc/vigil/prometheus-password }
///   capacity:                    # forecast and alert before a resource runs out
///     - matchers: ['__name__="disk_used_percent"', 'mountpoint="/data"']
///       threshold: 90
///       horizon: 7d
///       direction: rising        # default; "falling" for a floor such as free space
/// </code>
/// </summary>
internal sealed class MetricsParser(YamlReader reader, HttpConfigParser http)
{
    private static readonly string[] SectionKeys = ["detector", "threshold", "detectors", "sources", "capacity", "max_series", "forecast_interval", "max_alerts_per_minute", "series_ttl"];
    private static readonly string[] DetectorRuleKeys = ["matchers", "detector", "threshold", "max_series"];
    private static readonly string[] SourceKeys = ["name", "url", "query", "interval", "step", "backfill", "http_config"];
    private static readonly string[] CapacityKeys = ["matchers", "threshold", "horizon", "direction"];

    /// <summary>Bounds the start-up backfill: query_range answers at most 11,000 points per series.</summary>
    private const int MaxBackfillPoints = 11_000;

    public MetricsConfig Parse(YamlNode? node)
    {
        if (node is null || YamlReader.IsNull(node) || reader.Mapping(node, "\"metrics\"") is not { } map)
        {
            return MetricsConfig.Default;
        }
        var keys = reader.Keys(map, "\"metrics\"", SectionKeys);
        var detector = keys.TryGetValue("detector", out var detectorNode) ? Detector(detectorNode, "metrics.detector") : null;
        var threshold = keys.TryGetValue("threshold", out var thresholdNode) ? Score(thresholdNode, "metrics.threshold") : null;
        var maxSeries = Integer(keys, "max_series", MetricsConfig.DefaultMaxSeries);
        var detectorRules = Rules(keys, "detectors", DetectorRule);
        var maxAlerts = Integer(keys, "max_alerts_per_minute", MetricsConfig.DefaultMaxAlertsPerMinute);
        var forecastInterval = MetricsConfig.DefaultForecastInterval;
        if (keys.TryGetValue("forecast_interval", out var fiNode) && reader.Duration(fiNode, "forecast_interval") is { } fi)
        {
            if (fi < TimeSpan.FromSeconds(1))
            {
                reader.Error(fiNode, "metrics.forecast_interval must be at least 1s");
            }
            forecastInterval = fi;
        }
        var seriesTtl = MetricsConfig.DefaultSeriesTtl;
        if (keys.TryGetValue("series_ttl", out var ttlNode)
            && reader.ZeroOrAtLeast(ttlNode, "metrics.series_ttl", TimeSpan.FromHours(1), "keep every series") is { } ttl)
        {
            seriesTtl = ttl;
        }
        var sources = new List<MetricSourceConfig>();
        if (keys.TryGetValue("sources", out var sourcesNode) && !YamlReader.IsNull(sourcesNode)
            && reader.Sequence(sourcesNode, "metrics.sources") is { } sequence)
        {
            foreach (var item in sequence)
            {
                if (reader.Mapping(item, "each entry of \"metrics.sources\"") is { } sourceMap && Source(sourceMap) is { } source)
                {
                    if (sources.Any(s => s.Name == source.Name))
                    {
                        reader.Error(sourceMap, $"metric source \"{source.Name}\" is defined twice");
                        continue;
                    }
                    sources.Add(source);
                }
            }
        }
        var capacity = Rules(keys, "capacity", Capacity);
        var kind = detector ?? MetricDetectorKind.Lightweight;
        return new MetricsConfig(threshold ?? MetricsConfig.DefaultThresholdOf(kind), sources, capacity, maxSeries, forecastInterval, maxAlerts, kind)
        {
            DetectorRules = detectorRules,
            SeriesTtl = seriesTtl,
        };
    }

    /// <summary>A list of rules under <c>metrics.{key}</c>; entries with mistakes are reported and left out.</summary>
    private List<T> Rules<T>(Dictionary<string, YamlNode> keys, string key, Func<YamlMappingNode, T?> parse)
        where T : class
    {
        var rules = new List<T>();
        if (keys.TryGetValue(key, out var node) && !YamlReader.IsNull(node) && reader.Sequence(node, $"metrics.{key}") is { } items)
        {
            foreach (var item in items)
            {
                if (reader.Mapping(item, $"each entry of \"metrics.{key}\"") is { } map && parse(map) is { } rule)
                {
                    rules.Add(rule);
                }
            }
        }
        return rules;
    }

    /// <summary>The matchers that select a rule's series (required).</summary>
    private List<Matcher> SeriesMatchers(Dictionary<string, YamlNode> keys, YamlMappingNode map, string rule, string exampleName)
    {
        var matchers = keys.TryGetValue("matchers", out var node) ? reader.Matchers(node, "matchers") : [];
        if (matchers.Count == 0)
        {
            reader.Error(node ?? map, $"{rule} needs \"matchers\" selecting its series, e.g. ['__name__=\"{exampleName}\"']");
        }
        return matchers;
    }

    /// <summary>A key a rule cannot do without: parsed when present, reported on the rule when missing.</summary>
    private T? Required<T>(Dictionary<string, YamlNode> keys, YamlMappingNode map, string key, string missing, Func<YamlNode, T?> parse)
        where T : struct
    {
        if (keys.TryGetValue(key, out var node))
        {
            return parse(node);
        }
        reader.Error(map, missing);
        return null;
    }

    private MetricDetectorRule? DetectorRule(YamlMappingNode map)
    {
        var keys = reader.Keys(map, "a detector rule", DetectorRuleKeys);
        var matchers = SeriesMatchers(keys, map, "a detector rule", "checkout_latency_seconds");
        var detector = Required(keys, map, "detector", "a detector rule needs a \"detector\" (\"lightweight\", \"balanced\" or \"contextual\")",
            node => Detector(node, "a detector rule's detector"));
        var threshold = keys.TryGetValue("threshold", out var thresholdNode) ? Score(thresholdNode, "a detector rule's threshold") : null;
        int? maxSeries = keys.ContainsKey("max_series") ? Integer(keys, "max_series", 1, "a detector rule's max_series") : null;
        return matchers.Count == 0 || detector is null ? null : new MetricDetectorRule(matchers, detector.Value, threshold, maxSeries);
    }

    private MetricDetectorKind? Detector(YamlNode node, string where)
    {
        if (reader.String(node, where) is not { } name)
        {
            return null;
        }
        var kind = MetricDetectorNames.Parse(name);
        if (kind is null)
        {
            reader.Error(node, $"{where} must be \"lightweight\", \"balanced\" or \"contextual\", got \"{name}\"");
        }
        return kind;
    }

    /// <summary>An alert threshold: an anomaly score above 0 and at most 1.</summary>
    private double? Score(YamlNode node, string where)
    {
        if (Number(node, where) is not { } value)
        {
            return null;
        }
        if (value is <= 0 or > 1)
        {
            reader.Error(node, $"{where} must be above 0 and at most 1 (an anomaly score), got {Format(value)}");
            return null;
        }
        return value;
    }

    private MetricSourceConfig? Source(YamlMappingNode map)
    {
        var keys = reader.Keys(map, "a metric source", SourceKeys);
        var name = keys.TryGetValue("name", out var nameNode) ? reader.String(nameNode, "name") : null;
        if (string.IsNullOrWhiteSpace(name))
        {
            reader.Error(map, "a metric source needs a \"name\"");
            return null;
        }
        var where = $"metric source \"{name}\"";
        Uri? url = null;
        if (!keys.TryGetValue("url", out var urlNode))
        {
            reader.Error(map, $"{where} needs a \"url\" (the Prometheus server, e.g. http://prometheus:9090)");
        }
        else if (reader.String(urlNode, "url") is { } text)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
            {
                reader.Error(urlNode, $"{where}: url \"{PrometheusUrls.Redacted(text)}\" must be an absolute http:// or https:// URL");
                url = null;
            }
            else if (url.UserInfo.Length > 0)
            {
                reader.Error(urlNode, $"{where}: url \"{PrometheusUrls.Redacted(text)}\" {PrometheusUrls.NoCredentials}; "
                    + "give them in http_config (basic_auth, or authorization for a token)");
                url = null;
            }
        }
        var query = keys.TryGetValue("query", out var queryNode) ? reader.String(queryNode, "query") : null;
        if (string.IsNullOrWhiteSpace(query))
        {
            reader.Error(queryNode ?? map, $"{where} needs a \"query\" (PromQL)");
        }
        // The interval is the poller's timer period; the step is capped alike, since the backfill is bounded by 11,000
        // of them and that product must stay a TimeSpan.
        var interval = Duration(keys, "interval", TimeSpan.FromMinutes(1), where, maximum: YamlReader.MaxTimerPeriod);
        var step = Duration(keys, "step", interval, where, maximum: YamlReader.MaxTimerPeriod);
        // Unset: 24 h, or less when a fine step would exceed the query_range limit.
        var defaultBackfill = step * MaxBackfillPoints < MetricsConfig.DefaultBackfill ? step * MaxBackfillPoints : MetricsConfig.DefaultBackfill;
        var backfill = keys.ContainsKey("backfill") ? Duration(keys, "backfill", defaultBackfill, where, allowZero: true) : defaultBackfill;
        if (step > TimeSpan.Zero && backfill / step > MaxBackfillPoints)
        {
            reader.Error(keys.GetValueOrDefault("backfill") ?? keys.GetValueOrDefault("step") ?? map,
                $"{where}: backfill {PromDuration.Format(backfill)} at step {PromDuration.Format(step)} is more than {MaxBackfillPoints} points "
                + "(Prometheus' query_range limit); raise the step or shorten the backfill");
        }
        // A Prometheus behind authentication (basic auth, a bearer token): the same http_config as a receiver's.
        var auth = keys.TryGetValue("http_config", out var httpNode) ? http.Parse(httpNode, $"{where}: http_config") : null;
        return url is null || string.IsNullOrWhiteSpace(query) ? null : new MetricSourceConfig(name, url, query, interval, step, backfill, auth);
    }

    private CapacityRule? Capacity(YamlMappingNode map)
    {
        var keys = reader.Keys(map, "a capacity rule", CapacityKeys);
        var matchers = SeriesMatchers(keys, map, "a capacity rule", "disk_used_percent");
        var threshold = Required(keys, map, "threshold", "a capacity rule needs a \"threshold\" (the value at which the resource is exhausted)",
            node => Number(node, "threshold"));
        var horizon = Duration(keys, "horizon", TimeSpan.FromDays(7), "a capacity rule");
        var falling = false;
        if (keys.TryGetValue("direction", out var directionNode) && reader.String(directionNode, "direction") is { } direction)
        {
            falling = direction == "falling";
            if (!falling && direction != "rising")
            {
                reader.Error(directionNode, $"a capacity rule's direction must be \"rising\" (the threshold is a ceiling, e.g. used space) or \"falling\" (a floor, e.g. free space), not \"{direction}\"");
            }
        }
        return matchers.Count == 0 || threshold is null ? null : new CapacityRule(matchers, threshold.Value, horizon, falling);
    }

    private TimeSpan Duration(Dictionary<string, YamlNode> keys, string key, TimeSpan fallback, string where, bool allowZero = false, TimeSpan? maximum = null)
    {
        if (!keys.TryGetValue(key, out var node) || reader.Duration(node, key) is not { } value)
        {
            return fallback;
        }
        if (value <= TimeSpan.Zero && !(allowZero && value == TimeSpan.Zero))
        {
            reader.Error(node, $"{where}: \"{key}\" must be positive");
            return fallback;
        }
        if (value > maximum)
        {
            reader.Error(node, $"{where}: \"{key}\" must be at most {PromDuration.Format(maximum.Value)}, got {PromDuration.Format(value)}");
            return fallback;
        }
        return value;
    }

    private int Integer(Dictionary<string, YamlNode> keys, string key, int fallback, string? where = null)
    {
        if (!keys.TryGetValue(key, out var node) || reader.String(node, key) is not { } text)
        {
            return fallback;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            reader.Error(node, $"{where ?? "metrics." + key} must be a whole number of at least 1, not \"{text}\"");
            return fallback;
        }
        return value;
    }

    private double? Number(YamlNode node, string key)
    {
        var text = reader.String(node, key);
        if (text is null)
        {
            return null;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }
        reader.Error(node, $"\"{key}\" must be a number, not \"{text}\"");
        return null;
    }

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
