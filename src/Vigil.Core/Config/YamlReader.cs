using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// Typed access to YamlDotNet's representation model that records a positioned <see cref="ConfigError"/> instead of
/// throwing, so one pass over the file reports every problem. Every getter returns null when the value is invalid.
/// </summary>
internal sealed partial class YamlReader(string file)
{
    public List<ConfigError> Errors { get; } = [];

    public void Error(YamlNode node, string message) =>
        Errors.Add(new ConfigError(file, checked((int)node.Start.Line), checked((int)node.Start.Column), message));

    /// <summary>
    /// YAML 1.2's null (core schema): a plain <c>~</c>, <c>null</c>, <c>Null</c>, <c>NULL</c> or nothing at all, untagged
    /// or tagged <c>!!null</c>. Quoted (<c>"~"</c>) or tagged <c>!!str</c> it is text.
    /// </summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" } scalar
        && (scalar.Tag.IsEmpty || scalar.Tag.Value == NullTag);

    private const string NullTag = "tag:yaml.org,2002:null";

    public YamlMappingNode? Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode map)
        {
            return map;
        }
        Error(node, $"{what} must be a mapping (key: value)");
        return null;
    }

    /// <summary>
    /// The keys of a mapping by name. Keys outside <paramref name="known"/> are errors unless listed in
    /// <paramref name="ignored"/> (Alertmanager settings Vigil accepts for compatibility but does not act on yet).
    /// A key whose value is null (<see cref="IsNull"/>) is left out, so it reads as absent — its default, or the error
    /// for a missing required key — as Alertmanager reads it; it was read as the text "~" or "null".
    /// </summary>
    public Dictionary<string, YamlNode> Keys(YamlMappingNode map, string section, IReadOnlyCollection<string> known, IReadOnlyCollection<string>? ignored = null)
    {
        var result = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Error(keyNode, $"keys in {section} must be plain strings");
                continue;
            }
            if (known.Contains(key))
            {
                if (IsNull(value))
                {
                    continue;
                }
                if (!result.TryAdd(key, value))
                {
                    Error(keyNode, $"duplicate key \"{key}\" in {section}");
                }
            }
            else if (ignored is null || !ignored.Contains(key))
            {
                Error(keyNode, $"unknown key \"{key}\" in {section}; expected one of: {string.Join(", ", known)}");
            }
        }
        return result;
    }

    /// <summary>
    /// A scalar's text. A null (<c>~</c>, <c>null</c>, nothing) is an error here: a keyed setting never gets here null
    /// (<see cref="Keys"/> leaves it out), so this is a value that must be given — a list entry, a label's value.
    /// </summary>
    public string? String(YamlNode node, string key)
    {
        if (IsNull(node))
        {
            Error(node, $"\"{key}\" has no value (~, null or nothing); give one, or quote it (\"~\") if that text is meant");
            return null;
        }
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }
        Error(node, $"\"{key}\" must be a string");
        return null;
    }

    public TimeSpan? Duration(YamlNode node, string key)
    {
        var text = String(node, key);
        if (text is null)
        {
            return null;
        }
        if (PromDuration.TryParse(text, out var duration, out var outOfRange))
        {
            return duration;
        }
        Error(node, outOfRange
            ? $"duration \"{text}\" for \"{key}\" is out of range: durations are at most {PromDuration.Format(PromDuration.Maximum)} (about 292y, as in Prometheus)"
            : $"invalid duration \"{text}\" for \"{key}\"; use Prometheus syntax such as 30s, 5m, 1h30m, 2d, 1w");
        return null;
    }

    /// <summary>
    /// The longest period of a setting that runs a timer (<c>Task.Delay</c>, <c>PeriodicTimer</c>). .NET timers throw
    /// past 2^32-2 ms (49.7 days; <c>System.Threading.Timer</c>'s int overloads past 2^31-1 ms, 24.8 days), which stopped
    /// the server (a background service died ~30 s after a reload) or its start. A round 24d stays below both.
    /// </summary>
    public static readonly TimeSpan MaxTimerPeriod = TimeSpan.FromDays(24);

    /// <summary>
    /// A duration that becomes a timer's period, so at most <see cref="MaxTimerPeriod"/>: longer is an error at the node
    /// and null (as is a value that is not a duration).
    /// </summary>
    /// <param name="path">The setting's full name for the message, e.g. <c>slos.evaluation_interval</c>; its last part is the key.</param>
    public TimeSpan? TimerPeriod(YamlNode node, string path)
    {
        if (Duration(node, path[(path.LastIndexOf('.') + 1)..]) is not { } value)
        {
            return null;
        }
        if (value > MaxTimerPeriod)
        {
            Error(node, $"{path} must be at most {PromDuration.Format(MaxTimerPeriod)} (it sets a timer), got {PromDuration.Format(value)}");
            return null;
        }
        return value;
    }

    /// <summary>
    /// A retention or time-to-live: 0 turns it off (<paramref name="zeroMeans"/>), anything else must be at least
    /// <paramref name="minimum"/> (reported with the node's line otherwise). Null when the text is not a duration.
    /// </summary>
    /// <param name="path">The setting's full name for the message, e.g. <c>logs.source_ttl</c>; its last part is the key.</param>
    public TimeSpan? ZeroOrAtLeast(YamlNode node, string path, TimeSpan minimum, string zeroMeans)
    {
        if (Duration(node, path[(path.LastIndexOf('.') + 1)..]) is not { } value)
        {
            return null;
        }
        if (value != TimeSpan.Zero && value < minimum)
        {
            Error(node, $"{path} must be 0 ({zeroMeans}) or at least {PromDuration.Format(minimum)}, got {PromDuration.Format(value)}");
        }
        return value;
    }

    public bool? Bool(YamlNode node, string key)
    {
        var text = String(node, key);
        switch (text)
        {
            case null:
                return null;
            case "true" or "True" or "TRUE":
                return true;
            case "false" or "False" or "FALSE":
                return false;
            default:
                Error(node, $"\"{key}\" must be true or false, not \"{text}\"");
                return null;
        }
    }

    public YamlSequenceNode? Sequence(YamlNode node, string key)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence;
        }
        Error(node, $"\"{key}\" must be a list");
        return null;
    }

    /// <summary>
    /// A list of strings (<c>slos.files</c>, <c>round_robin</c>). A null entry (<c>~</c>, <c>null</c>, nothing) is an
    /// error rather than the text "~". Lists of label names are read with <see cref="LabelNameList"/>.
    /// </summary>
    public List<string>? StringList(YamlNode node, string key) => StringEntries(node, key)?.Select(entry => entry.Text).ToList();

    /// <summary>As <see cref="StringList"/>, with the node of each entry (to blame it for a later problem).</summary>
    public List<(string Text, YamlNode Node)>? StringEntries(YamlNode node, string key)
    {
        if (Sequence(node, key) is not { } sequence)
        {
            return null;
        }
        var result = new List<(string, YamlNode)>();
        foreach (var item in sequence)
        {
            if (NonNullString(item, key) is { } text)
            {
                if (text.Length == 0)
                {
                    Error(item, $"\"{key}\" contains an empty entry");
                    continue;
                }
                result.Add((text, item));
            }
        }
        return result;
    }

    /// <summary>A list entry's text, or null (with an error) when it is YAML null: <c>~</c> is no name.</summary>
    private string? NonNullString(YamlNode item, string key)
    {
        if (IsNull(item))
        {
            Error(item, $"\"{key}\" contains a null entry; quote it if the text is meant");
            return null;
        }
        return String(item, key);
    }
}
