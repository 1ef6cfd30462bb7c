using System.Text.Json;
using Vigil.Analytics.IO;

namespace Vigil.Analytics.Logs.Loghub;

/// <summary>One system of the Loghub-2k benchmark, as described by <c>formats.json</c>.</summary>
public sealed record LoghubDataset(string Name, string LogFile, string LogFormat, IReadOnlyList<string> Regex, string GroundTruth)
{
    /// <summary>Largest <c>formats.json</c> read (Loghub's is 3 KB): a bigger file, or an endless one, is not one.</summary>
    public const int MaxFormatsBytes = 1 << 20;

    /// <summary>
    /// Reads <c>formats.json</c>; file paths come back absolute (relative to the json's folder). A file that is not
    /// valid JSON, not an object of systems each with the string keys <c>log_file</c>, <c>log_format</c>,
    /// <c>ground_truth</c> and an array of strings <c>regex</c>, or whose format or masks do not compile, is a
    /// <see cref="FormatException"/> naming the file (and the line, for invalid JSON) and what is wrong; it was a bare
    /// <c>JsonException</c>, <c>KeyNotFoundException</c> or <c>InvalidOperationException</c>.
    /// </summary>
    public static IReadOnlyList<LoghubDataset> ReadFormats(string formatsJsonPath)
    {
        ArgumentNullException.ThrowIfNull(formatsJsonPath);
        var root = Path.GetDirectoryName(Path.GetFullPath(formatsJsonPath))!;
        using var doc = Parse(formatsJsonPath, ReadBounded(formatsJsonPath));
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{formatsJsonPath}: expected an object of systems, e.g. {{\"HDFS\": {{\"log_file\": …}}}}, found {Kind(doc.RootElement)}");
        }
        var list = new List<LoghubDataset>();
        foreach (var system in doc.RootElement.EnumerateObject())
        {
            var where = $"{formatsJsonPath}: system \"{system.Name}\"";
            var v = system.Value;
            if (v.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{where}: expected an object with log_file, log_format, regex and ground_truth, found {Kind(v)}");
            }
            var format = RequiredString(v, "log_format", where);
            try
            {
                _ = Logs.LogFormat.Parse(format);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"{where}: invalid log_format: {ex.Message}", ex);
            }
            if (!v.TryGetProperty("regex", out var regexes) || regexes.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"{where}: \"regex\" must be an array of masking regexes (may be empty), " +
                    (regexes.ValueKind == JsonValueKind.Undefined ? "and is missing" : $"not {Kind(regexes)}"));
            }
            var masks = new List<string>();
            foreach (var regex in regexes.EnumerateArray())
            {
                if (regex.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException($"{where}: regex[{masks.Count}] must be a string, not {Kind(regex)}");
                }
                var pattern = regex.GetString()!;
                try
                {
                    VariableMasker.Validate(pattern);
                }
                catch (FormatException ex)
                {
                    throw new FormatException($"{where}: regex[{masks.Count}]: {ex.Message}", ex);
                }
                masks.Add(pattern);
            }
            list.Add(new LoghubDataset(
                system.Name,
                Path.Combine(root, RequiredString(v, "log_file", where)),
                format,
                masks,
                Path.Combine(root, RequiredString(v, "ground_truth", where))));
        }
        return list.Count > 0 ? list : throw new FormatException($"{formatsJsonPath}: no systems in it");
    }

    private static byte[] ReadBounded(string path) =>
        BoundedFile.TryReadAllBytes(path, MaxFormatsBytes, out var bytes)
            ? bytes
            : throw new FormatException($"{path}: larger than {MaxFormatsBytes / (1 << 20)} MiB; a formats.json describes a few systems in a few KB");

    private static JsonDocument Parse(string path, byte[] json)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            // The message ends with " LineNumber: 0 | BytePositionInLine: 0." (both from zero): said as file:line instead.
            var reason = ex.Message;
            var position = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (position > 0)
            {
                reason = reason[..position];
            }
            throw new FormatException($"{path}:{(ex.LineNumber ?? 0) + 1}: invalid JSON: {reason}", ex);
        }
    }

    private static string RequiredString(JsonElement system, string key, string where)
    {
        if (!system.TryGetProperty(key, out var value))
        {
            throw new FormatException($"{where}: \"{key}\" is missing");
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"{where}: \"{key}\" must be a string, not {Kind(value)}");
        }
        var text = value.GetString()!;
        return text.Length > 0 ? text : throw new FormatException($"{where}: \"{key}\" is empty");
    }

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
