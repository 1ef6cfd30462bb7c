using Vigil.Core.Alerts;
using Vigil.Core.Routing;
using Vigil.Core.Store;

namespace Vigil.Core.Dispatch;

/// <summary>
/// One aggregation group: the alerts of one route that share the route's group_by label values, and the timer and
/// memory of the last flush that decide what the incident sees next.
/// </summary>
internal sealed class AggregationGroup(string key, Route route, LabelSet groupLabels, ulong hash)
{
    public string Key { get; } = key;

    public Route Route { get; } = route;

    public LabelSet GroupLabels { get; } = groupLabels;

    /// <summary>Hash of the group labels, see <see cref="Route.GroupHash"/>.</summary>
    public ulong Hash { get; } = hash;

    public Dictionary<Fingerprint, Alert> Alerts { get; } = [];

    public Dictionary<Fingerprint, FlushedStatus> Flushed { get; private set; } = [];

    public long? IncidentId { get; set; }

    /// <summary>When the group is next flushed; null while idle with nothing to wait for.</summary>
    public DateTimeOffset? DueAt { get; set; }

    public DateTimeOffset? LastFlushAt { get; set; }

    /// <summary>Last time the incident got a timeline entry from this group; drives repeat_interval reminders.</summary>
    public DateTimeOffset? LastNotifiedAt { get; set; }

    public bool Idle { get; set; }

    /// <summary>
    /// The key the group's record is still stored under when that is not <see cref="Key"/>: a group stored by a version
    /// that keyed groups by route position. The next flush deletes that record and stores the group under its key.
    /// </summary>
    public string? FormerKey { get; set; }

    /// <summary>
    /// Set while a page for the incident's current state was held back by the route's time intervals (the mute, e.g.
    /// <c>inside mute time interval "night"</c>); the first flush after the mute ends sends it.
    /// </summary>
    public string? HeldBy { get; set; }

    /// <summary>A record of this group exists in the store (so deleting it must be persisted too).</summary>
    public bool Persisted { get; set; }

    public bool Deleted { get; set; }

    public void ReplaceFlushed(Dictionary<Fingerprint, FlushedStatus> flushed) => Flushed = flushed;

    public AlertGroupRecord ToRecord()
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in GroupLabels.Pairs)
        {
            labels[name] = value;
        }
        var flushed = new Dictionary<string, FlushedStatus>(StringComparer.Ordinal);
        foreach (var (fingerprint, status) in Flushed.OrderBy(p => p.Key))
        {
            flushed[fingerprint.ToString()] = status;
        }
        var state = new GroupStateDto(Route.Id, labels, IncidentId, LastFlushAt, LastNotifiedAt, Idle, flushed, FormerKey, HeldBy);
        return new AlertGroupRecord(Key, state.ToJson(), DueAt);
    }

    /// <summary>
    /// Rebuilds a group from its record; null when the record is unreadable or no longer fits the config (its route is
    /// gone or groups differently), because then no alert can ever be routed to it again. A record of a version that
    /// identified routes by position is mapped through the current config (the same file after an upgrade) and gets
    /// the key of the route it lands on, with <see cref="FormerKey"/> set so the next flush re-stores it.
    /// </summary>
    public static AggregationGroup? FromRecord(AlertGroupRecord record, GroupStateDto? state, Route root)
    {
        if (state is null)
        {
            return null;
        }
        var byPosition = RouteIdentity.IsPosition(state.RouteId);
        if ((byPosition ? root.FindByPosition(state.RouteId) : root.Find(state.RouteId)) is not { } route)
        {
            return null;
        }
        var labels = LabelSet.From(state.GroupLabels);
        var groupLabels = route.GroupLabels(labels);
        if ((byPosition ? route.PositionKeyFor(groupLabels) : route.KeyFor(groupLabels)) != record.Key)
        {
            return null;
        }
        var group = new AggregationGroup(route.KeyFor(labels), route, labels, route.GroupHash(labels))
        {
            FormerKey = byPosition ? record.Key : state.FormerKey,
            IncidentId = state.IncidentId,
            DueAt = record.DueAt,
            LastFlushAt = state.LastFlushAt,
            LastNotifiedAt = state.LastNotifiedAt,
            Idle = state.Idle,
            HeldBy = state.HeldBy,
            Persisted = true,
        };
        foreach (var (text, status) in state.Flushed)
        {
            if (Fingerprint.TryParse(text, out var fingerprint))
            {
                group.Flushed[fingerprint] = status;
            }
        }
        return group;
    }
}
