using Vigil.Core.Slo.Evaluation;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Config;

/// <summary>
/// The <c>slos:</c> section: OpenSLO files (absolute paths), the catalog read from them at load time, how often
/// burn-rate alerts are evaluated, the default Prometheus for Prometheus SLIs, and the error-budget freeze hysteresis.
/// </summary>
/// <param name="PrometheusUrl"><c>prometheus_url</c>: asked for Prometheus SLIs whose metric source names no DataSource with a url.</param>
/// <param name="UnfreezeAbovePercent"><c>unfreeze_above</c>: a freeze lifts once more than this share (%) of the budget is left again.</param>
/// <param name="Prometheus">The SLOs read from Prometheus, by name, with their per-minute queries (validated at load).</param>
public sealed record SlosConfig(
    IReadOnlyList<string> Files,
    OpenSloCatalog Catalog,
    TimeSpan EvaluationInterval,
    Uri? PrometheusUrl = null,
    double UnfreezeAbovePercent = SlosConfig.DefaultUnfreezeAbovePercent,
    IReadOnlyDictionary<string, PrometheusSli>? Prometheus = null)
{
    public static readonly TimeSpan DefaultEvaluationInterval = TimeSpan.FromSeconds(30);

    public const double DefaultUnfreezeAbovePercent = 10;

    public static readonly SlosConfig Default = new([], OpenSloCatalog.Link([]), DefaultEvaluationInterval);

    public IReadOnlyDictionary<string, PrometheusSli> PrometheusSlis => Prometheus ?? EmptyPrometheus;

    private static readonly Dictionary<string, PrometheusSli> EmptyPrometheus = [];
}
