using Vigil.Core.Security;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>Parses Vigil's <c>notifications:</c> and <c>integrations:</c> (PagerDuty routing keys) sections.</summary>
internal sealed class NotificationsParser(YamlReader reader)
{
    private static readonly string[] SectionKeys = ["external_url", "max_attempts", "max_age", "rate_limit", "retention"];

    public NotificationsConfig Parse(YamlNode? node)
    {
        var result = NotificationsConfig.Default;
        if (node is null || YamlReader.IsNull(node) || reader.Mapping(node, "\"notifications\"") is not { } map)
        {
            return result;
        }
        var keys = reader.Keys(map, "\"notifications\"", SectionKeys);
        if (keys.TryGetValue("external_url", out var urlNode) && reader.String(urlNode, "external_url") is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                reader.Error(urlNode, "\"external_url\" must be an absolute http or https URL");
            }
            result = result with { ExternalUrl = url.TrimEnd('/') };
        }
        if (keys.TryGetValue("max_attempts", out var attempts))
        {
            // 0 (the default) is no limit: max_age decides. Kept so configs that set it still load and mean what they say.
            if (int.TryParse(reader.String(attempts, "max_attempts"), out var max) && max >= 0)
            {
                result = result with { MaxAttempts = max };
            }
            else
            {
                reader.Error(attempts, "\"max_attempts\" must be 0 (no limit: max_age decides) or a positive integer");
            }
        }
        if (keys.TryGetValue("max_age", out var age) && reader.Duration(age, "max_age") is { } maxAge)
        {
            result = result with { MaxAge = maxAge };
        }
        if (keys.TryGetValue("retention", out var retentionNode)
            && reader.ZeroOrAtLeast(retentionNode, "notifications.retention", NotificationsConfig.MinimumRetention, "keep every notification") is { } retention)
        {
            result = result with { Retention = retention };
        }
        if (keys.TryGetValue("rate_limit", out var rate) && reader.Mapping(rate, "rate_limit") is { } rateMap)
        {
            var rateKeys = reader.Keys(rateMap, "rate_limit", ["per_minute", "burst"]);
            if (rateKeys.TryGetValue("per_minute", out var perMinute))
            {
                result = result with { PerMinute = PositiveInt(perMinute, "rate_limit.per_minute") ?? result.PerMinute };
            }
            if (rateKeys.TryGetValue("burst", out var burst))
            {
                result = result with { Burst = PositiveInt(burst, "rate_limit.burst") ?? result.Burst };
            }
        }
        return result;
    }

    private int? PositiveInt(YamlNode node, string key)
    {
        if (int.TryParse(reader.String(node, key), out var value) && value > 0)
        {
            return value;
        }
        reader.Error(node, $"\"{key}\" must be a positive integer");
        return null;
    }

    /// <summary>
    /// <code>
    /// integrations:
    ///   - name: checkout-alertmanager
    ///     service: checkout
    ///     routing_key: 3f0e...        # 32+ characters; or routing_key_file (relative to the config file)
    /// </code>
    /// </summary>
    public List<PagerDutyIntegration> ParseIntegrations(YamlNode? node, string configFile)
    {
        var result = new List<PagerDutyIntegration>();
        if (node is null || YamlReader.IsNull(node) || reader.Sequence(node, "integrations") is not { } list)
        {
            return result;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            if (reader.Mapping(item, "each integration") is not { } map)
            {
                continue;
            }
            var keys = reader.Keys(map, "integration", ["name", "service", "routing_key", "routing_key_file"]);
            var name = keys.TryGetValue("name", out var n) ? reader.String(n, "name") : null;
            var service = keys.TryGetValue("service", out var s) ? reader.String(s, "service") : null;
            var key = keys.TryGetValue("routing_key", out var k) ? reader.String(k, "routing_key") : null;
            var unreadable = false;
            if (keys.TryGetValue("routing_key_file", out var f) && reader.String(f, "routing_key_file") is { } file)
            {
                key = ConfigFiles.ReadReferenced(reader, f, "routing_key_file", file, configFile)?.Trim();
                unreadable = key is null;
            }
            if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(service))
            {
                reader.Error(map, "an integration needs \"name\" and \"service\"");
                continue;
            }
            if (unreadable)
            {
                continue; // already reported at routing_key_file
            }
            if (key is null || key.Length < 32)
            {
                // PagerDuty integration keys are 32 characters; shorter ones would be guessable.
                reader.Error(map, $"integration \"{name}\" needs a routing_key (or routing_key_file) of at least 32 characters");
                continue;
            }
            var hash = TokenSecrets.Hash(key);
            if (!names.Add(name) || !hashes.Add(hash))
            {
                reader.Error(map, $"integration \"{name}\": duplicate name or routing key");
                continue;
            }
            result.Add(new PagerDutyIntegration(name, service, hash));
        }
        return result;
    }
}
