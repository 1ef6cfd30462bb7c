using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Vigil.Server.Api.PagerDuty;

public sealed record PagerDutyAccepted(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("dedup_key")] string DedupKey);

public sealed record PagerDutyChangeAccepted(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string Message);

public sealed record PagerDutyError(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("errors")] IReadOnlyList<string> Errors);

public sealed record ChangeDto(long Id, string Integration, string Service, string Summary, string? Source, DateTimeOffset Timestamp,
    DateTimeOffset ReceivedAt, JsonNode? Event);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PagerDutyAccepted))]
[JsonSerializable(typeof(PagerDutyChangeAccepted))]
[JsonSerializable(typeof(PagerDutyError))]
[JsonSerializable(typeof(List<ChangeDto>))]
public sealed partial class PagerDutyJson : JsonSerializerContext;
