using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Server.Api.Alertmanager;

namespace Vigil.Server.Api.Native;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    Converters = [typeof(RfcTimeConverter), typeof(NullableRfcTimeConverter)],
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(EventBatch))]
[JsonSerializable(typeof(NativeEvent))]
[JsonSerializable(typeof(List<NativeEvent>))]
[JsonSerializable(typeof(EventsAccepted))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenCreated))]
[JsonSerializable(typeof(List<TokenInfo>))]
[JsonSerializable(typeof(List<AuditDto>))]
[JsonSerializable(typeof(WhoAmI))]
[JsonSerializable(typeof(List<IncidentSummaryDto>))]
[JsonSerializable(typeof(IncidentDetailDto))]
[JsonSerializable(typeof(CommentRequest))]
[JsonSerializable(typeof(NoteRequest))]
[JsonSerializable(typeof(PriorityRequest))]
[JsonSerializable(typeof(SummaryDto))]
[JsonSerializable(typeof(ChangedEvent))]
public sealed partial class NativeJson : JsonSerializerContext;

public sealed class EventBatchConverter : JsonConverter<EventBatch>
{
    public override EventBatch Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            return new EventBatch(JsonSerializer.Deserialize(ref reader, NativeJson.Default.ListNativeEvent)!.Cast<NativeEvent?>().ToList());
        }
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return new EventBatch([JsonSerializer.Deserialize(ref reader, NativeJson.Default.NativeEvent)]);
        }
        throw new JsonException("expected an event object or an array of events");
    }

    public override void Write(Utf8JsonWriter writer, EventBatch value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.Events, NativeJson.Default.ListNativeEvent);
}
