using System.Buffers;
using System.Text.Unicode;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Core.Alerts;

namespace Vigil.Server.Api.Alertmanager;

/// <summary>
/// The labels or annotations of a posted alert, as sent: names are not validated yet and values may be null (the
/// validator reports both with the alert's index). A later duplicate name replaces an earlier one, as with a map.
/// </summary>
[JsonConverter(typeof(PostedLabelsConverter))]
public sealed class PostedLabels(KeyValuePair<string, string?>[] pairs)
{
    public int Count => pairs.Length;

    public ReadOnlySpan<KeyValuePair<string, string?>> Pairs => pairs;

    /// <summary>
    /// Hands the array over to a <see cref="LabelSet"/> (which sorts it in place) once every value is known to be
    /// non-null: one array per label set instead of a copy. This instance must not be used afterwards.
    /// </summary>
    public LabelSet ToLabelSet() => LabelSet.FromDistinctPairs(pairs!);

    /// <summary>Last one wins, keeping first-seen order; linear for the usual handful, hashed for floods.</summary>
    internal static KeyValuePair<string, string?>[] Deduplicate(KeyValuePair<string, string?>[] pairs)
    {
        if (pairs.Length <= 32)
        {
            var duplicates = false;
            for (var i = 1; i < pairs.Length && !duplicates; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (string.Equals(pairs[i].Key, pairs[j].Key, StringComparison.Ordinal))
                    {
                        duplicates = true;
                        break;
                    }
                }
            }
            if (!duplicates)
            {
                return pairs;
            }
        }
        var latest = new Dictionary<string, string?>(pairs.Length, StringComparer.Ordinal);
        foreach (var (name, value) in pairs)
        {
            latest[name] = value;
        }
        return latest.Count == pairs.Length ? pairs : [.. latest];
    }
}

/// <summary>
/// Reads a JSON object of label names to values straight into an exact-size array, interning names and short values
/// from the UTF-8 bytes without allocating a string when the pool already holds it. This is the ingest hot path:
/// Prometheus re-sends the same label sets every minute, and a dictionary plus fresh strings per label was most of
/// the garbage per alert (measured: ~1.7 KB of ~2.5 KB allocated per posted alert).
/// </summary>
public sealed class PostedLabelsConverter : JsonConverter<PostedLabels>
{
    private const int MaxPooledLength = 128;

    /// <summary>One pool for the process: label names and common values are the same whichever request brings them.</summary>
    internal static readonly StringPool Strings = new(65_536, MaxPooledLength);

    [ThreadStatic]
    private static List<KeyValuePair<string, string?>>? t_scratch;

    public override PostedLabels? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("expected an object of label names to string values");
        }
        var scratch = t_scratch ??= new List<KeyValuePair<string, string?>>(16);
        scratch.Clear();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = ReadString(ref reader, null);
            reader.Read();
            var value = reader.TokenType switch
            {
                JsonTokenType.String => ReadString(ref reader, name),
                JsonTokenType.Null => null,
                _ => throw new JsonException($"the value of \"{name}\" must be a string"),
            };
            scratch.Add(new(name, value));
        }
        var pairs = scratch.ToArray();
        scratch.Clear();
        return new PostedLabels(PostedLabels.Deduplicate(pairs));
    }

    /// <summary>A name (<paramref name="name"/> null) or the value of <paramref name="name"/>.</summary>
    private static string ReadString(ref Utf8JsonReader reader, string? name)
    {
        // The reader checks UTF-8 only when it decodes a string, and the short path decodes the bytes itself: bad bytes
        // must be refused, not replaced with U+FFFD (a different label than the sender meant).
        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > MaxPooledLength * 3)
        {
            try
            {
                return Strings.Intern(reader.GetString()!);
            }
            catch (InvalidOperationException ex) when (ex.InnerException is DecoderFallbackException)
            {
                throw NotUtf8(name);
            }
        }
        Span<char> chars = stackalloc char[MaxPooledLength * 3];
        if (Utf8.ToUtf16(reader.ValueSpan, chars, out _, out var length, replaceInvalidSequences: false) != OperationStatus.Done)
        {
            throw NotUtf8(name);
        }
        return Strings.Intern(chars[..length]);
    }

    private static InvalidUtf8Exception NotUtf8(string? name) => new(name is null ? "a name" : $"the value of \"{name}\"");

    public override void Write(Utf8JsonWriter writer, PostedLabels value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, text) in value.Pairs)
        {
            writer.WritePropertyName(name);
            writer.WriteStringValue(text);
        }
        writer.WriteEndObject();
    }
}
