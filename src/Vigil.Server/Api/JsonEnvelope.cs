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
        // The reader checks string values lazily and property names only when read: a bad byte in a name would
        // surface as an exception deep in the caller (a 500). Checked once, up front.
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            errors.Add("The body is not valid JSON: it is not valid UTF-8.");
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
