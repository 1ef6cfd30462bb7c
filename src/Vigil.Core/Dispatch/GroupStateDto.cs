using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Core.Dispatch;

/// <summary>
/// The durable part of an aggregation group, stored as <c>AlertGroupRecord.StateJson</c>. The alerts themselves are
/// not in it: they are stored anyway and re-observed after a restart.
/// </summary>
/// <param name="RouteId">The route's <see cref="Routing.Route.Id"/>; a position (<c>0.1</c>) in records of versions
/// before route identities, mapped through the current config once (see <see cref="AggregationGroup.FromRecord"/>).</param>
/// <param name="Flushed">Fingerprint (hex) → status at the last flush; tells the next flush what changed.</param>
/// <param name="Idle">No alerts left; kept only so a recently auto-resolved incident can be reopened.</param>
/// <param name="FormerKey">See <see cref="AggregationGroup.FormerKey"/>; carried through a config reload that comes
/// before the flush that stores the group under its new key.</param>
/// <param name="HeldBy">A page held back by the route's time intervals, to send when they end (absent in older records).</param>
internal sealed record GroupStateDto(
    string RouteId,
    Dictionary<string, string> GroupLabels,
    long? IncidentId,
    DateTimeOffset? LastFlushAt,
    DateTimeOffset? LastNotifiedAt,
    bool Idle,
    Dictionary<string, FlushedStatus> Flushed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FormerKey = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? HeldBy = null)
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
