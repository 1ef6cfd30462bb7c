using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Server.Api;

namespace Vigil.Server.Metrics;

/// <summary>
/// Parses <c>POST /api/v1/metrics</c>:
/// <code>{"samples":[{"series":"disk_used_percent","labels":{"instance":"db-1"},"timestamp":"2026-01-01T00:00:00Z","value":71.5}]}</code>
/// A structural mistake anywhere refuses the whole request (400 listing every problem, nothing scored), so a client
/// never has to guess which samples were taken. Values may be JSON numbers or Prometheus-style strings; "NaN",
/// "+Inf" and "-Inf" are valid input but carry no information, so they are counted and skipped by the ingest.
/// </summary>
public static partial class MetricBatchParser
{
    public const int MaxSamples = 100_000;
    public const int MaxLabels = 32;
    public const int MaxNameLength = 200;
    public const int MaxLabelValueLength = 1024;
    private const int MaxErrors = 20;

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex SeriesName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    public static (List<MetricSample> Samples, List<string> Errors) Parse(ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var errors = new List<string>();
        var samples = new List<MetricSample>();
        using var document = JsonEnvelope.Parse(body, "samples",
            "Expected a JSON object with a \"samples\" array: {\"samples\":[{\"series\":\"name\",\"labels\":{},\"timestamp\":\"RFC 3339 or unix seconds\",\"value\":1.5}]}.",
            errors, out var list);
        if (document is null)
        {
            return (samples, errors);
        }
        if (list.GetArrayLength() > MaxSamples)
        {
            errors.Add($"{list.GetArrayLength()} samples in one request; send at most {MaxSamples}.");
            return (samples, errors);
        }
        var keys = new SeriesKeys();
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (Sample(item, index++, now, keys, errors) is { } sample)
            {
                samples.Add(sample);
            }
            if (errors.Count >= MaxErrors)
            {
                break;
            }
        }
        return (samples, errors);
    }

    /// <summary>
    /// Why a series from another format (remote write) cannot be taken, as <see cref="MetricSkipReasons.InvalidSeries"/>,
    /// or null when it can: the same name and label rules as the JSON push.
    /// </summary>
    public static string? CheckSeries(string? name, IReadOnlyList<KeyValuePair<string, string>> labels)
    {
        if (!IsSeriesName(name) || labels.Count > MaxLabels)
        {
            return MetricSkipReasons.InvalidSeries;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (label, value) in labels)
        {
            if (!IsLabelName(label) || !IsLabelValue(value) || !seen.Add(label))
            {
                return MetricSkipReasons.InvalidSeries;
            }
        }
        return null;
    }

    private static bool IsSeriesName([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && SeriesName().IsMatch(name);

    /// <summary>A label a sender may set: Prometheus' label syntax, minus the reserved <c>__</c> names.</summary>
    private static bool IsLabelName(string name) =>
        name.Length <= MaxNameLength && LabelName().IsMatch(name) && !name.StartsWith("__", StringComparison.Ordinal);

    /// <summary>The keys of one batch: by the text a sample gave (series name and labels exactly as sent: a series
    /// repeats with the same text, so its labels are checked, sorted and hashed once) and by canonical text (one key
    /// object per series whatever the label order, so grouping compares ids).</summary>
    private sealed class SeriesKeys
    {
        public Dictionary<(string Name, string Labels), SeriesKey> BySentText { get; } = [];

        public Dictionary<string, SeriesKey> ByCanonical { get; } = new(StringComparer.Ordinal);
    }

    private static MetricSample? Sample(JsonElement item, int index, DateTimeOffset now, SeriesKeys keys, List<string> errors)
    {
        var where = $"samples[{index}]";
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{where} must be an object with \"series\" and \"value\".");
            return null;
        }
        var before = errors.Count;
        var hasLabels = item.TryGetProperty("labels", out var labelsNode) && labelsNode.ValueKind != JsonValueKind.Null;
        var name = item.TryGetProperty("series", out var seriesNode) && seriesNode.ValueKind == JsonValueKind.String ? seriesNode.GetString() : null;
        var sentLabels = hasLabels ? labelsNode.GetRawText() : "";
        if (name is not null && keys.BySentText.TryGetValue((name, sentLabels), out var known))
        {
            var knownValue = Value(item, where, errors);
            var knownTimestamp = Timestamp(item, where, now, errors);
            return errors.Count > before ? null : new MetricSample(known, knownTimestamp, knownValue);
        }
        if (!IsSeriesName(name))
        {
            errors.Add($"{where}.series must be a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*, at most {MaxNameLength} characters).");
        }
        var labels = new List<KeyValuePair<string, string>>();
        if (hasLabels)
        {
            Labels(labelsNode, where, labels, errors);
        }
        var value = Value(item, where, errors);
        var timestamp = Timestamp(item, where, now, errors);
        if (errors.Count > before)
        {
            return null;
        }
        var canonical = SeriesKey.CanonicalOf(name!, labels);
        if (!keys.ByCanonical.TryGetValue(canonical, out var key))
        {
            keys.ByCanonical[canonical] = key = new SeriesKey(name!, labels);
        }
        keys.BySentText[(name!, sentLabels)] = key;
        return new MetricSample(key, timestamp, value);
    }

    /// <summary>A label value Vigil stores: PostgreSQL cannot hold NUL in text (a NUL was a 503 there, and Prometheus would
    /// have re-sent that batch forever).</summary>
    private static bool IsLabelValue(string value) => value.Length <= MaxLabelValueLength && !value.Contains('\0', StringComparison.Ordinal);

    /// <summary>A name as an error message shows it: a long one cut (a 100,000-character name is not echoed back).</summary>
    private static string Shown(string name) => name.Length <= 64 ? name : string.Concat(name.AsSpan(0, 64), "…");

    private static void Labels(JsonElement node, string where, List<KeyValuePair<string, string>> labels, List<string> errors)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{where}.labels must be an object of label name to string value.");
            return;
        }
        foreach (var label in node.EnumerateObject())
        {
            if (!IsLabelName(label.Name))
            {
                errors.Add($"{where}.labels: \"{Shown(label.Name)}\" is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, at most {MaxNameLength} characters, not starting with __).");
            }
            else if (label.Value.ValueKind != JsonValueKind.String || !IsLabelValue(label.Value.GetString()!))
            {
                errors.Add($"{where}.labels.{label.Name} must be a string of at most {MaxLabelValueLength} characters, without NUL.");
            }
            else if (labels.Exists(l => l.Key == label.Name))
            {
                errors.Add($"{where}.labels has \"{label.Name}\" twice.");
            }
            else
            {
                labels.Add(new(label.Name, label.Value.GetString()!));
            }
        }
        if (labels.Count > MaxLabels)
        {
            errors.Add($"{where}.labels has {labels.Count} labels; at most {MaxLabels} are allowed.");
        }
    }

    private static double Value(JsonElement item, string where, List<string> errors)
    {
        if (!item.TryGetProperty("value", out var node))
        {
            errors.Add($"{where}.value is missing.");
            return double.NaN;
        }
        if (node.ValueKind == JsonValueKind.Number && node.TryGetDouble(out var number))
        {
            return number;
        }
        if (node.ValueKind == JsonValueKind.String && ParseNumber(node.GetString()!) is { } parsed)
        {
            return parsed;
        }
        errors.Add($"{where}.value must be a number (or a string such as \"1.5\", \"NaN\", \"+Inf\"), not {node.GetRawText()}.");
        return double.NaN;
    }

    /// <summary>Prometheus' text values: decimal, "NaN", "+Inf", "-Inf", "Inf".</summary>
    internal static double? ParseNumber(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null,
    };

    internal static DateTime Timestamp(JsonElement item, string where, DateTimeOffset now, List<string> errors)
    {
        if (!item.TryGetProperty("timestamp", out var node) || node.ValueKind == JsonValueKind.Null)
        {
            // No timestamp: the sample is "now" (the time the server received it).
            return now.UtcDateTime;
        }
        if (node.ValueKind == JsonValueKind.Number && node.TryGetDouble(out var seconds) && seconds is >= 0 and < 253402300800)
        {
            return DateTime.UnixEpoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        }
        if (node.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(node.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            && node.GetString()!.Contains('T', StringComparison.Ordinal))
        {
            return at.UtcDateTime;
        }
        errors.Add($"{where}.timestamp must be RFC 3339 (\"2026-01-01T00:00:00Z\") or unix seconds, not {node.GetRawText()}.");
        return default;
    }
}
