using Vigil.Core.Slo.OpenSlo;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// Parses the <c>slos:</c> section and reads the OpenSLO files it names:
/// <code>
/// slos:
///   files: [slos/checkout.yaml, /etc/vigil/slos/payments.yaml]   # relative to the config file
/// </code>
/// Errors in the OpenSLO files are config errors with their own file:line:column, so a start or reload with a broken
/// SLO fails like any other invalid config instead of silently dropping the SLO.
/// </summary>
internal sealed class SlosParser(YamlReader reader, string configFile)
{
    private static readonly string[] SectionKeys = ["files"];

    public SlosConfig Parse(YamlNode? node)
    {
        if (node is null || YamlReader.IsNull(node) || reader.Mapping(node, "\"slos\"") is not { } map)
        {
            return SlosConfig.Default;
        }
        var keys = reader.Keys(map, "\"slos\"", SectionKeys);
        if (!keys.TryGetValue("files", out var filesNode) || reader.StringList(filesNode, "slos.files") is not { } files)
        {
            return SlosConfig.Default;
        }
        var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(configFile)) ?? Directory.GetCurrentDirectory();
        var paths = files.Select(f => Path.GetFullPath(f, baseDirectory)).Distinct(StringComparer.Ordinal).ToList();
        var catalog = OpenSloCatalog.Load(paths);
        reader.Errors.AddRange(catalog.Errors);
        return new SlosConfig(paths, catalog);
    }
}
