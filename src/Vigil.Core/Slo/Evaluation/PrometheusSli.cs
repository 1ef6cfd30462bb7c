using System.Security.Cryptography;
using System.Text;
using Vigil.Core.Slo.Budget;
using Vigil.Core.Slo.OpenSlo;
using Vigil.Core.Slo.Rules;

namespace Vigil.Core.Slo.Evaluation;

/// <summary>What the per-minute values of a Prometheus SLI mean.</summary>
public enum PrometheusSliKind
{
    /// <summary>Good events and total events per minute.</summary>
    GoodTotal,

    /// <summary>Bad events and total events per minute.</summary>
    BadTotal,

    /// <summary>A precomputed success ratio: each minute is one event, good by that share.</summary>
    RawSuccess,

    /// <summary>A precomputed failure ratio.</summary>
    RawFailure,

    /// <summary>A value per minute, good when it meets the objective's <c>op</c> and <c>value</c>.</summary>
    Threshold,
}

/// <summary>
/// One PromQL expression whose value at the end of each minute describes that minute, and the Prometheus to ask.
/// <see cref="Scale"/> turns the value into events (60 for a per-second rate, 1 for counts and ratios).
/// </summary>
public sealed record MinuteQuery(Uri Url, string Expression, double Scale);

/// <summary>
/// How Vigil reads an SLO's SLI from Prometheus, one value per minute, with <c>query_range</c> at a 60 s step:
/// <list type="bullet">
/// <item>a counter selector such as <c>http_requests_total{code="500"}</c> becomes <c>sum(increase(selector[1m]))</c>: the events of the minute;</item>
/// <item>a query with Sloth's <c>{{.window}}</c> placeholder is used with <c>1m</c> and read as a per-second rate (Sloth's convention, <c>rate(...)</c>), × 60;</item>
/// <item>a <c>raw</c> ratio selector becomes <c>avg_over_time(selector[1m])</c> (one event per minute, good by that ratio);</item>
/// <item>a <c>thresholdMetric</c> query is evaluated as written; the minute is good when its value meets the objective.</item>
/// </list>
/// </summary>
public sealed record PrometheusSli(PrometheusSliKind Kind, MinuteQuery Part, MinuteQuery? Total, ComparisonOperator? Op, double? Value)
{
    public const string SourceType = "Prometheus";

    /// <summary>Key in a DataSource's <c>connectionDetails</c> that holds the Prometheus URL.</summary>
    public const string UrlKey = "url";

    /// <summary>
    /// Identifies what the stored minutes were read with: kind, queries, URLs and threshold. When it changes (the
    /// SLO's queries were edited) the stored minutes no longer mean the same thing and the window is read again.
    /// </summary>
    public string Key
    {
        get
        {
            var text = string.Join('\n', Kind, Part.Url, Part.Expression, Part.Scale, Total?.Url, Total?.Expression, Total?.Scale, Op, Value);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
        }
    }

    /// <summary>True when any metric source of the SLO's indicator is of type Prometheus (directly or through its DataSource).</summary>
    public static bool Reads(ServiceLevelIndicator indicator, OpenSloCatalog catalog) =>
        Sources(indicator).Any(s => IsPrometheus(s, catalog));

    /// <summary>The Prometheus reading of an SLO, or the reason Vigil cannot read it.</summary>
    /// <param name="defaultUrl"><c>slos.prometheus_url</c>: for sources without a DataSource that gives a <c>url</c>.</param>
    public static (PrometheusSli? Sli, string? Problem) For(ServiceLevelObjective slo, ServiceLevelIndicator indicator, OpenSloCatalog catalog, Uri? defaultUrl)
    {
        var sources = Sources(indicator).ToList();
        if (sources.Any(s => !IsPrometheus(s, catalog)))
        {
            return (null, "mixes Prometheus and other metric sources; Vigil reads an SLI either from Prometheus or from POST /api/v1/sli-events");
        }
        string? problem = null;
        MinuteQuery? Query(MetricSource source, Func<string, (string Expression, double Scale)?> shape)
        {
            if (problem is not null)
            {
                return null;
            }
            if (string.IsNullOrWhiteSpace(source.Query))
            {
                problem = "needs spec.query in each Prometheus metric source";
                return null;
            }
            if (UrlOf(source, catalog, defaultUrl, out problem) is not { } url)
            {
                return null;
            }
            if (shape(source.Query) is not { } shaped)
            {
                problem = $"has a query Vigil cannot read per minute, \"{source.Query.Trim()}\": write it with [{{{{.window}}}}] (as in Sloth) or as a plain counter selector";
                return null;
            }
            return new MinuteQuery(url, shaped.Expression, shaped.Scale);
        }
        if (indicator.Threshold is { } threshold)
        {
            var objective = slo.Objectives[0];
            var query = Query(threshold, q => (SliQuery.WithWindow(q, "1m"), 1));
            return query is null ? (null, problem) : (new PrometheusSli(PrometheusSliKind.Threshold, query, null, objective.Op, objective.Value), null);
        }
        var ratio = indicator.Ratio!;
        if (ratio.Raw is { } raw)
        {
            var query = Query(raw, q => SliQuery.HasWindowPlaceholder(q) ? (SliQuery.WithWindow(q, "1m"), 1)
                : SliQuery.IsSeriesSelector(q) ? ($"avg_over_time({q.Trim()}[1m])", 1) : null);
            var kind = ratio.RawType == RawRatioType.Failure ? PrometheusSliKind.RawFailure : PrometheusSliKind.RawSuccess;
            return query is null ? (null, problem) : (new PrometheusSli(kind, query, null, null, null), null);
        }
        var counter = ratio.Counter != false;
        (string, double)? Counted(string q) => SliQuery.HasWindowPlaceholder(q) ? (SliQuery.WithWindow(q, "1m"), 60)
            : counter && SliQuery.IsSeriesSelector(q) ? ($"sum(increase({q.Trim()}[1m]))", 1) : null;
        var part = Query((ratio.Bad ?? ratio.Good)!, Counted);
        var total = Query(ratio.Total!, Counted);
        return part is null || total is null
            ? (null, problem)
            : (new PrometheusSli(ratio.Bad is null ? PrometheusSliKind.GoodTotal : PrometheusSliKind.BadTotal, part, total, null, null), null);
    }

    /// <summary>
    /// The counts of one minute from the values read for it (null: the query returned nothing for that minute).
    /// No total means no data. A missing bad count with a total is 0 bad events (error counters often appear only with
    /// the first error); a missing good count is no data, never "all bad": a typo in the good query must not page.
    /// </summary>
    public EventCounts Counts(double? part, double? total)
    {
        static double? Finite(double? v) => v is { } x && double.IsFinite(x) ? x : null;
        (part, total) = (Finite(part), Finite(total));
        switch (Kind)
        {
            case PrometheusSliKind.GoodTotal when part is { } good && total is { } t:
                var all = Math.Max(0, t * Total!.Scale);
                return new EventCounts(Math.Clamp(good * Part.Scale, 0, all), all);
            case PrometheusSliKind.BadTotal when total is { } t:
                var sum = Math.Max(0, t * Total!.Scale);
                return new EventCounts(sum - Math.Clamp((part ?? 0) * Part.Scale, 0, sum), sum);
            case PrometheusSliKind.RawSuccess when part is { } r:
                return new EventCounts(Math.Clamp(r, 0, 1), 1);
            case PrometheusSliKind.RawFailure when part is { } r:
                return new EventCounts(1 - Math.Clamp(r, 0, 1), 1);
            case PrometheusSliKind.Threshold when part is { } v:
                return new EventCounts(Meets(v) ? 1 : 0, 1);
            default:
                return EventCounts.Missing;
        }
    }

    /// <summary>Combines the values of several series for one minute: summed for event counts, the worst for a threshold.</summary>
    public double Combine(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0)
        {
            return double.NaN;
        }
        return Kind switch
        {
            PrometheusSliKind.Threshold when Op is ComparisonOperator.Lt or ComparisonOperator.Lte => finite.Max(),
            PrometheusSliKind.Threshold => finite.Min(),
            PrometheusSliKind.RawSuccess or PrometheusSliKind.RawFailure => finite.Average(),
            _ => finite.Sum(),
        };
    }

    private bool Meets(double value) => Op switch
    {
        ComparisonOperator.Lt => value < Value,
        ComparisonOperator.Lte => value <= Value,
        ComparisonOperator.Gt => value > Value,
        _ => value >= Value,
    };

    private static IEnumerable<MetricSource> Sources(ServiceLevelIndicator indicator) =>
        indicator.Threshold is { } threshold
            ? [threshold]
            : new[] { indicator.Ratio?.Good, indicator.Ratio?.Bad, indicator.Ratio?.Total, indicator.Ratio?.Raw }.OfType<MetricSource>();

    private static bool IsPrometheus(MetricSource source, OpenSloCatalog catalog) =>
        string.Equals(catalog.SourceTypeOf(source), SourceType, StringComparison.OrdinalIgnoreCase);

    private static Uri? UrlOf(MetricSource source, OpenSloCatalog catalog, Uri? defaultUrl, out string? problem)
    {
        problem = null;
        if (source.Ref is { } name && catalog.Find<DataSource>("DataSource", name)?.ConnectionDetails.GetString(UrlKey) is { } text)
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                problem = $"names DataSource \"{name}\", whose connectionDetails.url \"{Config.PrometheusUrls.Redacted(text)}\" is not an http(s) URL";
                return null;
            }
            if (url.UserInfo.Length > 0)
            {
                // As slos.prometheus_url: the URL is shown by the SLO API, in read errors and in the log.
                problem = $"names DataSource \"{name}\", whose connectionDetails.url \"{Config.PrometheusUrls.Redacted(text)}\" "
                    + Config.PrometheusUrls.NoCredentials;
                return null;
            }
            return url;
        }
        if (defaultUrl is null)
        {
            problem = source.Ref is { } r
                ? $"reads Prometheus, but DataSource \"{r}\" has no connectionDetails.url and slos.prometheus_url is not set"
                : "reads Prometheus, but slos.prometheus_url is not set (or give a DataSource with connectionDetails.url)";
        }
        return defaultUrl;
    }
}
