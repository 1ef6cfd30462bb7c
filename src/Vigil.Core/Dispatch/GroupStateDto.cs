using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Core.Dispatch;

/// <summary>
/// The durable part of an aggregation group, stored as <c>AlertGroupRecord.StateJson</c>. The alerts themselves are
/// not in it: they are stored anyway and re-observed after a restart.
/// </summary>
/// <param name="Flushed">Fingerprint (hex) → status at the last flush; tells the next flush what changed.</param>
/// <param name="Idle">No alerts left; kept only so a recently auto-resolved incident can be reopened.</param>
internal sealed record GroupStateDto(
    string RouteId,
    Dictionary<string, string> GroupLabels,
    long? IncidentId,
    DateTimeOffset? LastFlushAt,
    DateTimeOffset? LastNotifiedAt,
    bool Idle,
    Dictionary<string, FlushedStatus> Flushed)
{
    public string ToJson() => JsonSerializer.Serialize(this, GroupStateJson.Default.GroupStateDto);

    public static GroupStateDto? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, GroupStateJson.Default.GroupStateDto);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(GroupStateDto))]
internal sealed partial class GroupStateJson : JsonSerializerContext;
