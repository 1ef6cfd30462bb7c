using System.Text.RegularExpressions;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Slo.Rules;

/// <summary>
/// Turns an SLI's Prometheus queries into an error-ratio expression over a range window. Queries may carry Sloth's
/// <c>{{.window}}</c> placeholder and are then used as written; a bare series selector of a counter becomes
/// <c>sum(rate(selector[window]))</c>; anything else cannot be windowed safely and is refused.
/// </summary>
public static partial class SliQuery
{
    [GeneratedRegex(@"\{\{\s*\.window\s*\}\}")]
    private static partial Regex WindowPlaceholder();

    [GeneratedRegex(@"^\s*(?:[a-zA-Z_:][a-zA-Z0-9_:]*\s*(?:\{[^{}]*\})?|\{[^{}]*\})\s*$")]
    private static partial Regex SeriesSelector();

    /// <summary>The error ratio of <paramref name="indicator"/> over <paramref name="window"/>, or a reason why there is none.</summary>
    public static (string? Expression, string? Problem) ErrorRatio(ServiceLevelIndicator indicator, OpenSloCatalog catalog, string window)
    {
        if (indicator.Ratio is not { } ratio)
        {
            return (null, "a thresholdMetric SLI compares single values; Prometheus rules need event counts (use a ratioMetric, e.g. over histogram buckets)");
        }
        foreach (var source in new[] { ratio.Good, ratio.Bad, ratio.Total, ratio.Raw }.OfType<MetricSource>())
        {
            if (!string.Equals(catalog.SourceTypeOf(source), "Prometheus", StringComparison.OrdinalIgnoreCase))
            {
                return (null, $"metric source type \"{catalog.SourceTypeOf(source)}\" is not Prometheus");
            }
            if (string.IsNullOrWhiteSpace(source.Query))
            {
                return (null, "a Prometheus metric source needs spec.query");
            }
        }
        if (ratio.Raw is { } raw)
        {
            var average = Windowed(raw.Query!, window, selector => $"avg_over_time({selector}[{window}])", out var problem);
            return average is null ? (null, problem) : (ratio.RawType == RawRatioType.Failure ? average : $"1 - ({average})", null);
        }
        var counter = ratio.Counter != false;
        var total = Counted(ratio.Total!.Query!, window, counter, out var totalProblem);
        var part = Counted((ratio.Bad ?? ratio.Good)!.Query!, window, counter, out var partProblem);
        if (total is null || part is null)
        {
            return (null, totalProblem ?? partProblem);
        }
        return ratio.Bad is not null
            ? ($"({part})\n/\n({total})", null)
            : ($"1 - (\n  ({part})\n  /\n  ({total})\n)", null);
    }

    /// <summary>True when the query carries Sloth's <c>{{.window}}</c> placeholder.</summary>
    public static bool HasWindowPlaceholder(string query) => WindowPlaceholder().IsMatch(query);

    /// <summary>True for a plain series selector such as <c>http_requests_total{code="500"}</c>.</summary>
    public static bool IsSeriesSelector(string query) => SeriesSelector().IsMatch(query);

    /// <summary>The query with its <c>{{.window}}</c> placeholders replaced by <paramref name="window"/>.</summary>
    public static string WithWindow(string query, string window) => WindowPlaceholder().Replace(query.Trim(), window);

    private static string? Counted(string query, string window, bool counter, out string? problem) =>
        Windowed(query, window, selector => counter ? $"sum(rate({selector}[{window}]))" : null, out problem);

    private static string? Windowed(string query, string window, Func<string, string?> wrapSelector, out string? problem)
    {
        problem = null;
        if (WindowPlaceholder().IsMatch(query))
        {
            return WindowPlaceholder().Replace(query.Trim(), window);
        }
        if (SeriesSelector().IsMatch(query) && wrapSelector(query.Trim()) is { } wrapped)
        {
            return wrapped;
        }
        problem = $"cannot put the query \"{query.Trim()}\" over a window: write it with [{{{{.window}}}}] (as in Sloth) or as a plain counter selector";
        return null;
    }
}
