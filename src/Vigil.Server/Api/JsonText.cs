using System.Text.Json;
using System.Text.Unicode;

namespace Vigil.Server.Api;

/// <summary>
/// Checks that every string of a JSON text can be read, before a handler reads it. Two things pass the parser and fail
/// later, when a string is first read — an exception deep in a handler, a 500: bytes that are not UTF-8 (a property
/// name is decoded only when it is looked up), and a <c>\u</c> escape that leaves a UTF-16 surrogate unpaired
/// (<c>"\ud800"</c>: valid JSON syntax, but no string).
/// </summary>
public static class JsonText
{
    /// <summary>Why the strings of <paramref name="json"/> cannot be read, or null. Syntax errors are left to the
    /// caller's own parse (its message says where); this only looks at strings that parse.</summary>
    public static string? Unreadable(ReadOnlySpan<byte> json)
    {
        if (!Utf8.IsValid(json))
        {
            return "it is not valid UTF-8";
        }
        if (json.IndexOf(@"\u"u8) < 0)
        {
            return null; // no escape, so nothing can decode to an unpaired surrogate
        }
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 1024 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped && !Decodes(ref reader))
                {
                    return $"the string at byte {reader.TokenStartIndex} has a \\u escape of an unpaired UTF-16 surrogate "
                        + "(\\ud800-\\udbff must be followed by \\udc00-\\udfff); send the character itself or a complete pair";
                }
            }
        }
        catch (JsonException)
        {
            // A syntax error: the caller's parse reports it.
        }
        return null;
    }

    private static bool Decodes(ref Utf8JsonReader reader)
    {
        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
