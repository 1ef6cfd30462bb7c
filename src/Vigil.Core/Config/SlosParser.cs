using System.Globalization;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Evaluation;
using Vigil.Core.Slo.OpenSlo;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// Parses the <c>slos:</c> section and reads the OpenSLO files it names:
/// <code>
/// slos:
///   files: [slos/checkout.yaml, /etc/vigil/slos/payments.yaml]   # relative to the config file
///   evaluation_interval: 30s                                       # how often burn-rate alerts are checked
///   prometheus_url: http://prometheus:9090                         # for Prometheus SLIs without a DataSource url
///   unfreeze_above: 10%                                            # a freeze lifts above this share of budget left
/// </code>
/// Errors in the OpenSLO files are config errors with their own file:line:column, so a start or reload with a broken
/// SLO fails like any other invalid config instead of silently dropping the SLO. So are SLOs the server cannot
/// evaluate: a Prometheus SLI without a URL or with a query that cannot be read per minute, an alert condition looking
/// back further than the SLO's window.
/// </summary>
internal sealed class SlosParser(YamlReader reader, string configFile)
{
    private static readonly string[] SectionKeys = ["files", "evaluation_interval", "prometheus_url", "unfreeze_above"];

    public SlosConfig Parse(YamlNode? node)
    {
        if (node is null || YamlReader.IsNull(node) || reader.Mapping(node, "\"slos\"") is not { } map)
        {
            return SlosConfig.Default;
        }
        var keys = reader.Keys(map, "\"slos\"", SectionKeys);
        var interval = SlosConfig.DefaultEvaluationInterval;
        if (keys.TryGetValue("evaluation_interval", out var intervalNode) && reader.TimerPeriod(intervalNode, "slos.evaluation_interval") is { } value)
        {
            if (value < TimeSpan.FromSeconds(1))
            {
                reader.Error(intervalNode, "slos.evaluation_interval must be at least 1s");
            }
            interval = value;
        }
        Uri? prometheus = null;
        if (keys.TryGetValue("prometheus_url", out var urlNode) && reader.String(urlNode, "prometheus_url") is { } urlText)
        {
            if (!Uri.TryCreate(urlText, UriKind.Absolute, out prometheus) || prometheus.Scheme is not ("http" or "https"))
            {
                reader.Error(urlNode, $"slos.prometheus_url \"{PrometheusUrls.Redacted(urlText)}\" must be an http(s) URL such as http://prometheus:9090");
                prometheus = null;
            }
            else if (prometheus.UserInfo.Length > 0)
            {
                reader.Error(urlNode, $"slos.prometheus_url \"{PrometheusUrls.Redacted(urlText)}\" {PrometheusUrls.NoCredentials}");
                prometheus = null;
            }
        }
        var unfreeze = SlosConfig.DefaultUnfreezeAbovePercent;
        if (keys.TryGetValue("unfreeze_above", out var unfreezeNode) && reader.String(unfreezeNode, "unfreeze_above") is { } unfreezeText)
        {
            if (double.TryParse(unfreezeText.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) && percent is >= 0 and < 100)
            {
                unfreeze = percent;
            }
            else
            {
                reader.Error(unfreezeNode, $"slos.unfreeze_above must be a percentage from 0% to below 100% (such as 10%), not \"{unfreezeText}\"");
            }
        }
        var config = SlosConfig.Default with { EvaluationInterval = interval, PrometheusUrl = prometheus, UnfreezeAbovePercent = unfreeze };
        if (!keys.TryGetValue("files", out var filesNode) || reader.StringEntries(filesNode, "slos.files") is not { } files)
        {
            return config;
        }
        var paths = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (file, fileNode) in files)
        {
            if (ConfigFiles.Resolve(reader, fileNode, "slos.files entry", file, configFile) is { } path && seen.Add(path))
            {
                paths.Add(path);
            }
        }
        var catalog = OpenSloCatalog.Load(paths);
        reader.Errors.AddRange(catalog.Errors);
        var sources = catalog.IsValid ? Evaluable(catalog, prometheus) : [];
        return config with { Files = paths, Catalog = catalog, Prometheus = sources };
    }

    /// <summary>What the server needs beyond a valid catalog; problems are errors at the SLO's name.</summary>
    private Dictionary<string, PrometheusSli> Evaluable(OpenSloCatalog catalog, Uri? prometheus)
    {
        var sources = new Dictionary<string, PrometheusSli>(StringComparer.Ordinal);
        foreach (var slo in catalog.Slos)
        {
            if (catalog.IndicatorOf(slo) is { } indicator && PrometheusSli.Reads(indicator, catalog))
            {
                var (sli, problem) = PrometheusSli.For(slo, indicator, catalog, prometheus);
                if (sli is not null)
                {
                    sources[slo.Name] = sli;
                }
                else
                {
                    reader.Errors.Add(catalog.ErrorAt(slo, $"SLO \"{slo.Name}\" {problem}"));
                }
            }
            var period = slo.TimeWindow.Duration.ToTimeSpan();
            foreach (var condition in PolicyCondition.Of(slo, catalog).Where(c => c.Lookback > period))
            {
                reader.Errors.Add(catalog.ErrorAt(slo, $"SLO \"{slo.Name}\": alert condition \"{condition.Condition}\" looks back "
                    + $"{PromDuration.Format(condition.Lookback)}, longer than the SLO's {slo.TimeWindow.Duration} time window"));
            }
        }
        return sources;
    }
}
