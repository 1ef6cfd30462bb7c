using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Storage.Mapping;

/// <summary>JSON of the log tables' list columns (token slots, variable flags, example lines, merge aliases).</summary>
internal static class LogJson
{
    public static string Strings(IReadOnlyList<string> values) => JsonSerializer.Serialize([.. values], LogJsonContext.Default.ListString);

    public static IReadOnlyList<string> ParseStrings(string json) => JsonSerializer.Deserialize(json, LogJsonContext.Default.ListString) ?? [];

    public static string Bools(IReadOnlyList<bool> values) => JsonSerializer.Serialize([.. values], LogJsonContext.Default.ListBoolean);

    public static IReadOnlyList<bool> ParseBools(string json) => JsonSerializer.Deserialize(json, LogJsonContext.Default.ListBoolean) ?? [];

    public static string Aliases(IReadOnlyDictionary<long, long> aliases)
    {
        // Object keys are strings in JSON; ids are written in decimal and sorted so the text is stable.
        var map = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (from, to) in aliases)
        {
            map[from.ToString(CultureInfo.InvariantCulture)] = to;
        }
        return JsonSerializer.Serialize(new Dictionary<string, long>(map), LogJsonContext.Default.DictionaryStringInt64);
    }

    public static IReadOnlyDictionary<long, long> ParseAliases(string json)
    {
        var map = JsonSerializer.Deserialize(json, LogJsonContext.Default.DictionaryStringInt64) ?? [];
        var result = new Dictionary<long, long>(map.Count);
        foreach (var (from, to) in map)
        {
            result[long.Parse(from, CultureInfo.InvariantCulture)] = to;
        }
        return result;
    }

    /// <summary>A metric series' labels, sorted by name so the stored text is stable.</summary>
    public static string StringMap(IReadOnlyDictionary<string, string> labels) =>
        JsonSerializer.Serialize(new SortedDictionary<string, string>(labels.ToDictionary(), StringComparer.Ordinal), LogJsonContext.Default.SortedDictionaryStringString);

    public static IReadOnlyDictionary<string, string> ParseStringMap(string json) =>
        JsonSerializer.Deserialize(json, LogJsonContext.Default.DictionaryStringString) ?? [];
}

[JsonSerializable(typeof(SortedDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<bool>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
internal sealed partial class LogJsonContext : JsonSerializerContext;
