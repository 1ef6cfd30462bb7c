using System.Text.Json;

namespace Vigil.Server.Api;

/// <summary>
/// Request bodies shaped <c>{"name": [ ... ]}</c> (metric samples, SLI events): parsed once as a document, with the
/// two ways the envelope itself can be wrong reported as messages rather than exceptions.
/// </summary>
public static class JsonEnvelope
{
    /// <summary>
    /// Parses <paramref name="body"/> and finds the array under <paramref name="property"/>. Returns null (with the
    /// reason added to <paramref name="errors"/>) when the body is not JSON or not such an object; otherwise the
    /// document, which the caller disposes once done with <paramref name="array"/>.
    /// </summary>
    public static JsonDocument? Parse(ReadOnlySpan<byte> body, string property, string expected, List<string> errors, out JsonElement array)
    {
        array = default;
        // Strings are decoded only when read, deep in the caller: checked once, up front (see JsonText).
        if (JsonText.Unreadable(body) is { } unreadable)
        {
            errors.Add($"The body is not valid JSON: {unreadable}.");
            return null;
        }
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            errors.Add($"The body is not valid JSON: {ex.Message}");
            return null;
        }
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(property, out array) || array.ValueKind != JsonValueKind.Array)
        {
            errors.Add(expected);
            document.Dispose();
            array = default;
            return null;
        }
        return document;
    }
}
