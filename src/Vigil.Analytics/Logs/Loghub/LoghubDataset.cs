using System.Text.Json;

namespace Vigil.Analytics.Logs.Loghub;

/// <summary>One system of the Loghub-2k benchmark, as described by <c>formats.json</c>.</summary>
public sealed record LoghubDataset(string Name, string LogFile, string LogFormat, IReadOnlyList<string> Regex, string GroundTruth)
{
    /// <summary>Reads <c>formats.json</c>; file paths come back absolute (relative to the json's folder).</summary>
    public static IReadOnlyList<LoghubDataset> ReadFormats(string formatsJsonPath)
    {
        var root = Path.GetDirectoryName(Path.GetFullPath(formatsJsonPath))!;
        using var doc = JsonDocument.Parse(File.ReadAllText(formatsJsonPath));
        var list = new List<LoghubDataset>();
        foreach (var system in doc.RootElement.EnumerateObject())
        {
            var v = system.Value;
            list.Add(new LoghubDataset(
                system.Name,
                Path.Combine(root, v.GetProperty("log_file").GetString()!),
                v.GetProperty("log_format").GetString()!,
                [.. v.GetProperty("regex").EnumerateArray().Select(r => r.GetString()!)],
                Path.Combine(root, v.GetProperty("ground_truth").GetString()!)));
        }
        return list;
    }
}
