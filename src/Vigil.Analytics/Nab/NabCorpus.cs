using System.Globalization;
using System.Text.Json;
using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Nab;

/// <summary>
/// The NAB data folder: <c>data/&lt;category&gt;/*.csv</c>, <c>labels/combined_windows.json</c> and
/// <c>config/profiles.json</c>. Files without an entry in the windows file are skipped (NAB scores only labelled files).
/// </summary>
public sealed record NabCorpus(IReadOnlyList<NabDataFile> Files, IReadOnlyList<NabProfile> Profiles)
{
    public static NabCorpus Load(string root)
    {
        var windowsPath = Path.Combine(root, "labels", "combined_windows.json");
        var profilesPath = Path.Combine(root, "config", "profiles.json");
        var dataRoot = Path.Combine(root, "data");
        if (!Directory.Exists(dataRoot) || !File.Exists(windowsPath))
        {
            throw new DirectoryNotFoundException($"'{root}' is not a NAB folder: expected data/ and labels/combined_windows.json");
        }
        var windows = LoadWindows(windowsPath);
        var profiles = File.Exists(profilesPath) ? NabProfile.Load(profilesPath) : NabProfile.Published;

        var files = new List<NabDataFile>();
        foreach (var path in Directory.EnumerateFiles(dataRoot, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(dataRoot, path).Replace('\\', '/');
            if (!windows.TryGetValue(relative, out var fileWindows))
            {
                continue;
            }
            var category = relative.Contains('/', StringComparison.Ordinal) ? relative[..relative.IndexOf('/', StringComparison.Ordinal)] : "";
            files.Add(new NabDataFile(relative, category, SeriesCsv.Read(path), fileWindows));
        }
        return new NabCorpus(files, profiles);
    }

    /// <summary>Reads <c>{"category/file.csv": [["2014-04-10 07:15:00.000000", "2014-04-11 16:45:00.000000"], …]}</c>.</summary>
    public static Dictionary<string, IReadOnlyList<NabWindow>> LoadWindows(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var result = new Dictionary<string, IReadOnlyList<NabWindow>>(StringComparer.Ordinal);
        foreach (var file in document.RootElement.EnumerateObject())
        {
            var list = new List<NabWindow>();
            foreach (var window in file.Value.EnumerateArray())
            {
                list.Add(new NabWindow(ParseTime(window[0].GetString()), ParseTime(window[1].GetString())));
            }
            result[file.Name] = list;
        }
        return result;
    }

    private static DateTime ParseTime(string? text) =>
        TimestampParser.TryParse(text, out var time)
            ? time
            : throw new FormatException($"bad window timestamp '{text}'");
}
