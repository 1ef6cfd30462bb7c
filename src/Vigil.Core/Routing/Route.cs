using Vigil.Core.Alerts;
using Vigil.Core.Matching;
using Vigil.Core.TimeIntervals;

namespace Vigil.Core.Routing;

/// <summary>
/// A node of the routing tree with every setting already inherited from its parents. <see cref="Id"/> is the node's
/// matcher path from the root (<c>{}</c>, <c>{}/{team="db"}</c>; see <see cref="RouteIdentity"/>), which group keys and
/// stored groups carry: it stays the same when other routes are added, removed or reordered.
/// </summary>
public sealed class Route
{
    private readonly string[] _groupBy;

    /// <param name="groupBy">Label names to group by; ignored when <paramref name="groupByAll"/> (<c>['...']</c>).</param>
    public Route(
        string id,
        string receiver,
        IEnumerable<string> groupBy,
        bool groupByAll,
        TimeSpan groupWait,
        TimeSpan groupInterval,
        TimeSpan repeatInterval,
        IReadOnlyList<Matcher> matchers,
        bool @continue,
        IReadOnlyList<Route> routes)
    {
        Id = id;
        Receiver = receiver;
        // Sorted and distinct so the group key does not depend on the order labels were listed in.
        _groupBy = groupBy.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        GroupByAll = groupByAll;
        GroupWait = groupWait;
        GroupInterval = groupInterval;
        RepeatInterval = repeatInterval;
        Matchers = matchers;
        Continue = @continue;
        Routes = routes;
    }

    public string Id { get; }

    public string Receiver { get; }

    public IReadOnlyList<string> GroupBy => _groupBy;

    public bool GroupByAll { get; }

    public TimeSpan GroupWait { get; }

    public TimeSpan GroupInterval { get; }

    public TimeSpan RepeatInterval { get; }

    public IReadOnlyList<Matcher> Matchers { get; }

    public bool Continue { get; }

    public IReadOnlyList<Route> Routes { get; }

    /// <summary>
    /// The node's place in the tree (<c>0</c>, <c>0.1</c>, <c>0.1.0</c>), which versions before <see cref="Id"/> keyed
    /// groups by: only to restore the groups they stored (<see cref="FindByPosition"/>, <see cref="PositionKeyFor"/>).
    /// </summary>
    public string Position { get; init; } = "0";

    /// <summary>The escalation policy that pages people for incidents of this route (inherited; Vigil's extension).</summary>
    public string? EscalationPolicy { get; init; }

    /// <summary>While any of these contains the time, the route's receiver is not notified (not inherited, as in Alertmanager).</summary>
    public IReadOnlyList<NamedTimeInterval> MuteTimeIntervals { get; init; } = [];

    /// <summary>When set, the route's receiver is notified only while one of these contains the time (not inherited).</summary>
    public IReadOnlyList<NamedTimeInterval> ActiveTimeIntervals { get; init; } = [];

    /// <summary>Why notifications to this route's receiver are muted at <paramref name="now"/>; null when they are not.</summary>
    public TimeMute? TimeMuteAt(DateTimeOffset now) =>
        MuteTimeIntervals.Count == 0 && ActiveTimeIntervals.Count == 0 ? null : TimeMute.At(MuteTimeIntervals, ActiveTimeIntervals, now);

    /// <summary>
    /// The leaf routes an alert goes to, with Alertmanager semantics: depth-first; the first matching child wins unless
    /// it has <c>continue: true</c>; a node none of whose children match is itself the match. Empty when this node's
    /// own matchers do not match.
    /// </summary>
    public IReadOnlyList<Route> Match(LabelSet labels)
    {
        var result = new List<Route>(1);
        CollectMatches(labels, result);
        return result;
    }

    /// <summary>Allocation-free variant of <see cref="Match"/> for the ingest path: appends to <paramref name="into"/>.</summary>
    public bool CollectMatches(LabelSet labels, List<Route> into)
    {
        if (!Matchers.MatchesAll(labels))
        {
            return false;
        }
        var before = into.Count;
        for (var i = 0; i < Routes.Count; i++)
        {
            var child = Routes[i];
            if (child.CollectMatches(labels, into) && !child.Continue)
            {
                break;
            }
        }
        if (into.Count == before)
        {
            into.Add(this);
        }
        return true;
    }

    /// <summary>This node and all its descendants, depth-first.</summary>
    public IEnumerable<Route> All()
    {
        yield return this;
        foreach (var child in Routes)
        {
            foreach (var route in child.All())
            {
                yield return route;
            }
        }
    }

    public Route? Find(string id)
    {
        foreach (var route in All())
        {
            if (route.Id == id)
            {
                return route;
            }
        }
        return null;
    }

    internal Route? FindByPosition(string position)
    {
        foreach (var route in All())
        {
            if (route.Position == position)
            {
                return route;
            }
        }
        return null;
    }

    /// <summary>The labels that identify an alert's group on this route: the group_by labels it has (or all of them).</summary>
    public LabelSet GroupLabels(LabelSet labels) => GroupByAll ? labels : labels.Subset(_groupBy);

    /// <summary>
    /// A stable, readable key for the aggregation group an alert falls into on this route: route id and group labels,
    /// e.g. <c>{}/{team="db"}:{alertname="HighLatency", service="checkout"}</c> (Alertmanager's form).
    /// </summary>
    public string GroupKey(LabelSet labels) => KeyFor(GroupLabels(labels));

    public string KeyFor(LabelSet groupLabels) => Id + ":" + groupLabels;

    /// <summary>The key versions before <see cref="Id"/> gave the group: <c>0.1:{alertname="HighLatency"}</c>.</summary>
    internal string PositionKeyFor(LabelSet groupLabels) => Position + ":" + groupLabels;

    /// <summary>
    /// A 64-bit hash of the alert's group labels, computed without allocating, so the dispatcher can find an alert's
    /// group on the ingest path without building the key string. Collisions are resolved by <see cref="InGroup"/>.
    /// </summary>
    internal ulong GroupHash(LabelSet labels)
    {
        if (GroupByAll)
        {
            return labels.Fingerprint().Value;
        }
        var hash = 14695981039346656037UL;
        for (var i = 0; i < _groupBy.Length; i++)
        {
            if (labels.TryGetValue(_groupBy[i], out var value))
            {
                hash = Mix(Mix(hash, _groupBy[i]), value);
            }
        }
        return hash;
    }

    /// <summary>True when an alert with <paramref name="labels"/> belongs to the group with <paramref name="groupLabels"/>.</summary>
    internal bool InGroup(LabelSet groupLabels, LabelSet labels)
    {
        if (GroupByAll)
        {
            return groupLabels.Equals(labels);
        }
        var present = 0;
        for (var i = 0; i < _groupBy.Length; i++)
        {
            if (labels.TryGetValue(_groupBy[i], out var value))
            {
                present++;
                if (!groupLabels.TryGetValue(_groupBy[i], out var groupValue) || !string.Equals(value, groupValue, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }
        return present == groupLabels.Count;
    }

    private static ulong Mix(ulong hash, string text)
    {
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return (hash ^ 0xFFFF) * 1099511628211UL;
    }

    public override string ToString() => $"route {Id} -> {Receiver}";
}
