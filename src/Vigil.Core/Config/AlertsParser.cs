using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>Parses Vigil's <c>alerts:</c> section (see <see cref="AlertsConfig"/>).</summary>
internal sealed class AlertsParser(YamlReader reader)
{
    private static readonly string[] SectionKeys = ["resolved_retention"];

    public AlertsConfig Parse(YamlNode? node)
    {
        if (node is null || YamlReader.IsNull(node) || reader.Mapping(node, "\"alerts\"") is not { } map)
        {
            return AlertsConfig.Default;
        }
        var keys = reader.Keys(map, "\"alerts\"", SectionKeys);
        var retention = AlertsConfig.DefaultResolvedRetention;
        if (keys.TryGetValue("resolved_retention", out var retentionNode)
            && reader.ZeroOrAtLeast(retentionNode, "alerts.resolved_retention", AlertsConfig.MinimumResolvedRetention, "keep every resolved alert") is { } value)
        {
            retention = value;
        }
        return new AlertsConfig(retention);
    }
}
