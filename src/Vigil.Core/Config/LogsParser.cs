using System.Text.RegularExpressions;
using Vigil.Analytics.Logs;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// Parses the <c>logs:</c> section:
/// <code>
/// logs:
///   defaults: { format: '&lt;Content&gt;', masks: [] }
///   sources:
///     - name: hdfs
///       format: '&lt;Date&gt; &lt;Time&gt; &lt;Pid&gt; &lt;Level&gt; &lt;Component&gt;: &lt;Content&gt;'
///       masks: ['blk_-?\d+']
/// </code>
/// Format strings are compiled by the miner's own <see cref="LogFormat"/> parser and masks checked for valid regex
/// syntax here, so a mistake is reported with its line; the miner compiles them when the source first sends lines.
/// </summary>
internal sealed class LogsParser(YamlReader reader)
{
    private static readonly string[] SectionKeys = ["defaults", "sources", "retention", "max_sources", "max_alerts_per_minute", "source_ttl"];
    private static readonly string[] SettingsKeys = ["format", "masks"];
    private static readonly string[] SourceKeys = ["name", "format", "masks"];

    public LogsConfig Parse(YamlNode? node)
    {
        if (node is null || YamlReader.IsNull(node) || reader.Mapping(node, "\"logs\"") is not { } map)
        {
            return LogsConfig.Default;
        }
        var keys = reader.Keys(map, "\"logs\"", SectionKeys);
        var defaults = LogSourceSettings.WholeLine;
        if (keys.TryGetValue("defaults", out var defaultsNode) && !YamlReader.IsNull(defaultsNode)
            && reader.Mapping(defaultsNode, "\"logs.defaults\"") is { } defaultsMap)
        {
            defaults = Settings(reader.Keys(defaultsMap, "\"logs.defaults\"", SettingsKeys), "logs.defaults");
        }
        var sources = new Dictionary<string, LogSourceSettings>(StringComparer.Ordinal);
        if (keys.TryGetValue("sources", out var sourcesNode) && !YamlReader.IsNull(sourcesNode)
            && reader.Sequence(sourcesNode, "logs.sources") is { } sequence)
        {
            foreach (var item in sequence)
            {
                if (reader.Mapping(item, "each entry of \"logs.sources\"") is not { } sourceMap)
                {
                    continue;
                }
                var source = reader.Keys(sourceMap, "a log source", SourceKeys);
                var name = source.TryGetValue("name", out var nameNode) ? reader.String(nameNode, "name") : null;
                if (string.IsNullOrWhiteSpace(name))
                {
                    reader.Error(sourceMap, "a log source needs a \"name\" (the source label its lines are sent with)");
                    continue;
                }
                if (!sources.TryAdd(name, Settings(source, $"logs source \"{name}\"")))
                {
                    reader.Error(nameNode!, $"log source \"{name}\" is defined twice");
                }
            }
        }
        var retention = LogsConfig.DefaultRetention;
        if (keys.TryGetValue("retention", out var retentionNode) && reader.Duration(retentionNode, "retention") is { } value)
        {
            if (value < TimeSpan.FromHours(2))
            {
                // The rate-spike detector reads the last hour of counts; a shorter retention would blind it.
                reader.Error(retentionNode, $"logs.retention must be at least 2h, got {PromDuration.Format(value)}");
            }
            retention = value;
        }
        var sourceTtl = LogsConfig.DefaultSourceTtl;
        // At least an hour: forgetting drops a source's rate-spike history (the last hour); a shorter TTL would forget
        // sources that merely pause between bursts.
        if (keys.TryGetValue("source_ttl", out var ttlNode)
            && reader.ZeroOrAtLeast(ttlNode, "logs.source_ttl", TimeSpan.FromHours(1), "keep every source") is { } ttl)
        {
            sourceTtl = ttl;
        }
        return new LogsConfig(defaults, sources, retention, Integer(keys, "max_sources", LogsConfig.DefaultMaxSources),
            Integer(keys, "max_alerts_per_minute", LogsConfig.DefaultMaxAlertsPerMinute))
        {
            SourceTtl = sourceTtl,
        };
    }

    private LogSourceSettings Settings(Dictionary<string, YamlNode> keys, string where)
    {
        string? format = null;
        if (keys.TryGetValue("format", out var formatNode) && reader.String(formatNode, "format") is { Length: > 0 } text)
        {
            try
            {
                // The parser the miner uses: a format it refuses would otherwise load and fall back to whole lines
                // at run time ("field <Date> appears twice"), reported only in the log.
                _ = LogFormat.Parse(text);
            }
            catch (FormatException ex)
            {
                reader.Error(formatNode, $"{where}: format \"{text}\" is invalid: {ex.Message}");
            }
            format = text;
        }
        var masks = new List<string>();
        if (keys.TryGetValue("masks", out var masksNode) && reader.Sequence(masksNode, "masks") is { } sequence)
        {
            foreach (var item in sequence)
            {
                if (reader.String(item, "masks") is not { } pattern)
                {
                    continue;
                }
                try
                {
                    _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
                    masks.Add(pattern);
                }
                catch (ArgumentException ex)
                {
                    reader.Error(item, $"{where}: mask \"{pattern}\" is not a valid regular expression: {ex.Message}");
                }
            }
        }
        return new LogSourceSettings(format, masks);
    }

    private int Integer(Dictionary<string, YamlNode> keys, string key, int fallback)
    {
        if (!keys.TryGetValue(key, out var node) || reader.String(node, key) is not { } text)
        {
            return fallback;
        }
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            reader.Error(node, $"logs.{key} must be a whole number of at least 1, not \"{text}\"");
            return fallback;
        }
        return value;
    }
}
