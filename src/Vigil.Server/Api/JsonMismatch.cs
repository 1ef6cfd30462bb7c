using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vigil.Server.Api;

/// <summary>
/// Says what a body that does not fit an endpoint's JSON shape got wrong, in JSON's words: the serializer's own
/// message names .NET types ("could not be converted to System.Collections.Generic.List`1[…PostableAlert]").
/// </summary>
public static partial class JsonMismatch
{
    public static string Describe(JsonException ex)
    {
        if (ConvertedTo().Match(ex.Message) is not { Success: true } match)
        {
            return $"Malformed JSON: {ex.Message}";
        }
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine})" : "";
        return $"Malformed JSON: the value at {ex.Path ?? "$"} must be {Kind(match.Groups["type"].Value)}{where}.";
    }

    /// <summary>A .NET type the serializer wanted, as the JSON it reads.</summary>
    private static string Kind(string type)
    {
        var inner = Nullable().Match(type) is { Success: true } nullable ? nullable.Groups["inner"].Value : type;
        return inner switch
        {
            _ when inner.Contains("Dictionary`2", StringComparison.Ordinal) => "an object",
            _ when inner.EndsWith("[]", StringComparison.Ordinal) || inner.Contains("List`1", StringComparison.Ordinal)
                || inner.Contains("Enumerable`1", StringComparison.Ordinal) || inner.Contains("Collection`1", StringComparison.Ordinal) => "an array",
            "System.String" => "a string",
            "System.Boolean" => "true or false",
            "System.DateTime" or "System.DateTimeOffset" => "a time string (RFC 3339)",
            "System.TimeSpan" => "a duration string",
            _ when inner.StartsWith("System.", StringComparison.Ordinal) => "a number",
            _ => "an object",
        };
    }

    [GeneratedRegex(@"could not be converted to (?<type>\S+?)\. Path:", RegexOptions.CultureInvariant)]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"^System\.Nullable`1\[(?<inner>.+)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex Nullable();
}
