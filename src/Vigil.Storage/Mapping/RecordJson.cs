using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vigil.Core.Alerts;
using Vigil.Core.Matching;

namespace Vigil.Storage.Mapping;

/// <summary>
/// The JSON both backends store for labels, matchers and fingerprint lists. Written and read with the low-level
/// Utf8JsonWriter/Utf8JsonReader: the alert upsert is the hot ingest path, and this avoids reflection and
/// intermediate objects.
/// </summary>
internal static class RecordJson
{
    // Relaxed escaping keeps non-ASCII labels readable in the database (the text is never embedded in HTML).
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // One buffer per thread: serialisation never awaits, so a thread-static buffer cannot be shared by two callers.
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private static Utf8JsonWriter Begin()
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        if (t_writer is null)
        {
            t_writer = new Utf8JsonWriter(buffer, WriterOptions);
        }
        else
        {
            t_writer.Reset(buffer);
        }
        return t_writer;
    }

    private static string End(Utf8JsonWriter writer)
    {
        writer.Flush();
        return Encoding.UTF8.GetString(t_buffer!.WrittenSpan);
    }

    /// <summary>A label set as a JSON object, names in sorted order: <c>{"alertname":"X","severity":"critical"}</c>.</summary>
    public static string Labels(LabelSet labels) => Encoding.UTF8.GetString(LabelsUtf8(labels));

    /// <summary>
    /// The same JSON as <see cref="Labels"/>, as UTF-8 in a thread-local buffer that the next call on this thread
    /// overwrites — for binding straight into SQLite without allocating a string.
    /// </summary>
    public static ReadOnlySpan<byte> LabelsUtf8(LabelSet labels)
    {
        if (labels.Count == 0)
        {
            return "{}"u8;
        }
        var writer = Begin();
        writer.WriteStartObject();
        foreach (var (name, value) in labels.Pairs)
        {
            writer.WriteString(name, value);
        }
        writer.WriteEndObject();
        writer.Flush();
        return t_buffer!.WrittenSpan;
    }

    public static LabelSet ParseLabels(string json)
    {
        if (json is "{}" or "")
        {
            return LabelSet.Empty;
        }
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        Expect(ref reader, JsonTokenType.StartObject, json);
        var pairs = new List<KeyValuePair<string, string>>();
        while (Read(ref reader, json) != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            Expect(ref reader, JsonTokenType.String, json);
            pairs.Add(new(name, reader.GetString()!));
        }
        return LabelSet.From(pairs);
    }

    /// <summary>Matchers as <c>[{"name","value","isRegex","isEqual"}]</c>, the shape Alertmanager's API uses.</summary>
    public static string Matchers(IReadOnlyList<Matcher> matchers)
    {
        var writer = Begin();
        writer.WriteStartArray();
        foreach (var m in matchers)
        {
            writer.WriteStartObject();
            writer.WriteString("name", m.Name);
            writer.WriteString("value", m.Value);
            writer.WriteBoolean("isRegex", m.IsRegex);
            writer.WriteBoolean("isEqual", m.IsEqual);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        return End(writer);
    }

    public static IReadOnlyList<Matcher> ParseMatchers(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = new List<Matcher>(doc.RootElement.GetArrayLength());
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            result.Add(Matcher.CreateStored(
                e.GetProperty("name").GetString()!,
                e.GetProperty("value").GetString()!,
                e.GetProperty("isRegex").GetBoolean(),
                e.GetProperty("isEqual").GetBoolean()));
        }
        return result;
    }

    /// <summary>Fingerprints as a JSON array of 16-digit hex strings, as the API shows them.</summary>
    public static string Fingerprints(IReadOnlyList<Fingerprint> fingerprints)
    {
        var writer = Begin();
        writer.WriteStartArray();
        foreach (var f in fingerprints)
        {
            writer.WriteStringValue(f.ToString());
        }
        writer.WriteEndArray();
        return End(writer);
    }

    public static IReadOnlyList<Fingerprint> ParseFingerprints(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        Expect(ref reader, JsonTokenType.StartArray, json);
        var result = new List<Fingerprint>();
        while (Read(ref reader, json) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String || !Fingerprint.TryParse(reader.GetString(), out var fp))
            {
                throw new FormatException($"invalid fingerprint list in the database: {json}");
            }
            result.Add(fp);
        }
        return result;
    }

    private static JsonTokenType Read(ref Utf8JsonReader reader, string json) =>
        reader.Read() ? reader.TokenType : throw new FormatException($"truncated JSON in the database: {json}");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string json)
    {
        if (Read(ref reader, json) != type)
        {
            throw new FormatException($"unexpected JSON in the database (wanted {type}): {json}");
        }
    }
}
