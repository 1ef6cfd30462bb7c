using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

internal sealed class ReceiverParser(YamlReader reader)
{
    public List<ReceiverConfig> ParseAll(YamlNode? node)
    {
        var receivers = new List<ReceiverConfig>();
        if (node is null || YamlReader.IsNull(node) || reader.Sequence(node, "receivers") is not { } sequence)
        {
            return receivers;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in sequence)
        {
            if (reader.Mapping(item, "each receiver") is not { } map)
            {
                continue;
            }
            string? name = null;
            var integrations = new List<string>();
            foreach (var (keyNode, value) in map.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value;
                if (key == "name")
                {
                    name = reader.String(value, "name");
                }
                else if (key is not null)
                {
                    // Integrations (webhook_configs, ...) are kept for display; no notifier uses them yet.
                    integrations.Add(key);
                }
            }
            if (string.IsNullOrEmpty(name))
            {
                reader.Error(map, "receiver has no \"name\"");
                continue;
            }
            if (!seen.Add(name))
            {
                reader.Error(map, $"duplicate receiver name \"{name}\"");
                continue;
            }
            receivers.Add(new ReceiverConfig(name, integrations));
        }
        return receivers;
    }
}
