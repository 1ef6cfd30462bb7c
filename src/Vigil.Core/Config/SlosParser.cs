using Vigil.Core.Slo.OpenSlo;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// Parses the <c>slos:</c> section and reads the OpenSLO files it names:
/// <code>
/// slos:
///   files: [slos/checkout.yaml, /etc/vigil/slos/payments.yaml]   # relative to the config file
///   evaluation_interval: 30s                                       # how often burn-rate alerts are checked
/// </code>
/// Errors in the OpenSLO files are config errors with their own file:line:column, so a start or reload with a broken
/// SLO fails like any other invalid config instead of silently dropping the SLO.
/// </summary>
internal sealed class SlosParser(YamlReader reader, string configFile)
{
    private static readonly string[] SectionKeys = ["files", "evaluation_interval"];

    public SlosConfig Parse(YamlNode? node)
    {
        if (node is null || YamlReader.IsNull(node) || reader.Mapping(node, "\"slos\"") is not { } map)
        {
            return SlosConfig.Default;
        }
        var keys = reader.Keys(map, "\"slos\"", SectionKeys);
        var interval = SlosConfig.DefaultEvaluationInterval;
        if (keys.TryGetValue("evaluation_interval", out var intervalNode) && reader.Duration(intervalNode, "evaluation_interval") is { } value)
        {
            if (value < TimeSpan.FromSeconds(1))
            {
                reader.Error(intervalNode, "slos.evaluation_interval must be at least 1s");
            }
            interval = value;
        }
        if (!keys.TryGetValue("files", out var filesNode) || reader.StringList(filesNode, "slos.files") is not { } files)
        {
            return SlosConfig.Default with { EvaluationInterval = interval };
        }
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(configFile)) ?? Directory.GetCurrentDirectory();
        var paths = files.Select(f => Path.GetFullPath(f, baseDirectory)).Distinct(StringComparer.Ordinal).ToList();
        var catalog = OpenSloCatalog.Load(paths);
        reader.Errors.AddRange(catalog.Errors);
        return new SlosConfig(paths, catalog, interval);
    }
}
