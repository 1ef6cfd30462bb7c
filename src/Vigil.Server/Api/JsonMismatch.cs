using System.Text;
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
        // Bytes that are not UTF-8 surface only when a string is decoded, as a failed conversion of the value around
        // it ("the value at $[0].annotations must be an object"): say what is really wrong.
        if (ex is InvalidUtf8Exception || IsInvalidUtf8(ex))
        {
            var what = (ex as InvalidUtf8Exception)?.What ?? "a string";
            var at = ex.LineNumber is { } l ? $" (line {l + 1}, byte {ex.BytePositionInLine})" : "";
            return $"Malformed JSON: {what} at {ex.Path ?? "$"} is not valid UTF-8{at}.";
        }
        if (ConvertedTo().Match(ex.Message) is not { Success: true } match)
        {
            return $"Malformed JSON: {ex.Message}";
        }
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine})" : "";
        return $"Malformed JSON: the value at {ex.Path ?? "$"} must be {Kind(match.Groups["type"].Value)}{where}.";
    }

    /// <summary>The reader's "cannot transcode invalid UTF-8" error, which carries the decoder's exception.</summary>
    private static bool IsInvalidUtf8(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is DecoderFallbackException)
            {
                return true;
            }
        }
        return false;
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

/// <summary>
/// Thrown by a converter that decodes strings itself and meets bytes that are not UTF-8; <see cref="What"/> names the
/// string (<c>the value of "instance"</c>), the serializer adds where it is.
/// </summary>
public sealed class InvalidUtf8Exception(string what) : JsonException(what + " is not valid UTF-8")
{
    public string What { get; } = what;
}
