using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Vigil.Cli;

/// <summary>Formatting shared by the commands.</summary>
internal static class Output
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes the server's JSON answer, indented.</summary>
    public static void Json(CliContext context, JsonElement json) =>
        context.Out.WriteLine(JsonSerializer.Serialize(json, Indented));

    public static Table NewTable(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(Markup.Escape(header)));
        }
        return table;
    }

    /// <summary>Adds a row of plain text cells (never interpreted as markup).</summary>
    public static void AddPlainRow(this Table table, params string?[] cells) =>
        table.AddRow(cells.Select(c => (IRenderable)new Text(c ?? "")).ToArray());

    public static string Time(DateTimeOffset? at) =>
        at is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";

    public static string Labels(IReadOnlyDictionary<string, string>? labels) =>
        labels is null ? "" : string.Join(" ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    public static string Get(IReadOnlyDictionary<string, string>? map, string key) =>
        map is not null && map.TryGetValue(key, out var value) ? value : "";
}
