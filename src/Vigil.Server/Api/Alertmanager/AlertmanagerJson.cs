using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Server.Api.Alertmanager;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(RfcTimeConverter), typeof(NullableRfcTimeConverter)])]
[JsonSerializable(typeof(List<PostableAlert>))]
[JsonSerializable(typeof(List<GettableAlert>))]
[JsonSerializable(typeof(List<AlertGroupDto>))]
[JsonSerializable(typeof(PostableSilence))]
[JsonSerializable(typeof(GettableSilence))]
[JsonSerializable(typeof(List<GettableSilence>))]
[JsonSerializable(typeof(SilenceCreated))]
[JsonSerializable(typeof(AlertmanagerStatus))]
[JsonSerializable(typeof(List<ReceiverName>))]
public sealed partial class AlertmanagerJson : JsonSerializerContext;

/// <summary>
/// Alertmanager's time format: RFC 3339 UTC with milliseconds on output. On input any RFC 3339 time is accepted,
/// including Go's nanosecond precision (truncated to 100 ns).
/// </summary>
public sealed class RfcTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("expected a time as an RFC 3339 string");
        }
        var text = reader.GetString()!;
        return RfcTime.TryParse(text, out var value) ? value : throw new JsonException($"\"{text}\" is not an RFC 3339 time");
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(RfcTime.Format(value));
}

public sealed class NullableRfcTimeConverter : JsonConverter<DateTimeOffset?>
{
    private static readonly RfcTimeConverter Inner = new();

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : Inner.Read(ref reader, typeof(DateTimeOffset), options);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            Inner.Write(writer, v, options);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

public static class RfcTime
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static bool TryParse(string text, out DateTimeOffset value)
    {
        // .NET parses at most 7 fractional digits; Go sends up to 9.
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }
            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value)
            && text.Contains('T', StringComparison.OrdinalIgnoreCase);
    }
}
