using Vigil.Core.Matching;
using Vigil.Core.Routing;
using Vigil.Core.TimeIntervals;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// Builds the <see cref="Route"/> tree, resolving inherited settings top-down as Alertmanager does.
/// <paramref name="timeIntervals"/> are the config's named time intervals, which routes refer to by name.
/// </summary>
internal sealed class RouteParser(YamlReader reader, IReadOnlyDictionary<string, NamedTimeInterval> timeIntervals)
{
    private static readonly string[] KnownKeys =
    [
        "receiver", "group_by", "group_wait", "group_interval", "repeat_interval",
        "matchers", "match", "match_re", "continue", "routes", "escalation_policy",
        "mute_time_intervals", "active_time_intervals",
    ];

    private const string GroupByAllMarker = "...";

    /// <summary>Deepest route nesting accepted: parsing and matching recurse once per level. A route containing itself
    /// through a YAML alias (<c>route: &amp;r</c> … <c>routes: [*r]</c>) is refused when the YAML is loaded
    /// (<see cref="YamlLoader"/>); aliases can still stack anchored subtrees deeper than anyone means to.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most routes accepted in one tree: aliases nested a few levels expand exponentially ("billion laughs";
    /// nine levels of nine took gigabytes).</summary>
    public const int MaxRoutes = 10_000;

    private int _routes;

    /// <summary>Every receiver name a route refers to, with the node to blame if it is undefined.</summary>
    public List<(string Name, YamlNode Node)> ReceiverReferences { get; } = [];

    /// <summary>Every escalation policy a route names (a Vigil extension), with the node to blame if it is undefined.</summary>
    public List<(string Name, YamlNode Node)> EscalationPolicyReferences { get; } = [];

    private sealed record Inherited(
        string Receiver, IReadOnlyList<string> GroupBy, bool GroupByAll, TimeSpan GroupWait, TimeSpan GroupInterval, TimeSpan RepeatInterval,
        string? EscalationPolicy);

    public Route? ParseRoot(YamlNode node)
    {
        if (reader.Mapping(node, "route") is not { } map)
        {
            return null;
        }
        var defaults = new Inherited("", [], false, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeSpan.FromHours(4), null);
        var keys = reader.Keys(map, "route", KnownKeys);
        if (!keys.TryGetValue("receiver", out var receiverNode) || YamlReader.IsNull(receiverNode))
        {
            reader.Error(map, "the root route has no receiver; every alert must have somewhere to go");
        }
        foreach (var key in (string[])["matchers", "match", "match_re"])
        {
            if (keys.TryGetValue(key, out var matcherNode))
            {
                reader.Error(matcherNode, $"the root route must not have matchers (\"{key}\"); it receives every alert");
            }
        }
        foreach (var key in (string[])["mute_time_intervals", "active_time_intervals"])
        {
            if (keys.TryGetValue(key, out var intervalNode) && !YamlReader.IsNull(intervalNode))
            {
                // As Alertmanager: the root is the fallback for every alert, so muting it would hide alerts no child takes.
                reader.Error(intervalNode, $"the root route must not have \"{key}\"; put them on a child route");
            }
        }
        return Parse(map, keys, defaults, "0", siblings: null);
    }

    /// <param name="position">The node's place in the tree (<c>0.1</c>): names it in error messages; see <see cref="Route.Position"/>.</param>
    /// <param name="siblings">The ids of the parent's children, which hands out this one's; null for the root.</param>
    private Route Parse(YamlMappingNode map, Dictionary<string, YamlNode> keys, Inherited parent, string position, RouteIdentity.Siblings? siblings)
    {
        var receiver = parent.Receiver;
        if (keys.TryGetValue("receiver", out var receiverNode) && !YamlReader.IsNull(receiverNode) && reader.String(receiverNode, "receiver") is { } name)
        {
            receiver = name;
            ReceiverReferences.Add((name, receiverNode));
        }
        var (groupBy, groupByAll) = (parent.GroupBy, parent.GroupByAll);
        if (keys.TryGetValue("group_by", out var groupByNode) && reader.LabelNameList(groupByNode, "group_by", allowGroupByAll: true) is { } labels)
        {
            (groupBy, groupByAll) = ParseGroupBy(labels, groupByNode);
        }
        var groupWait = DurationOr(keys, "group_wait", parent.GroupWait, allowZero: true);
        var groupInterval = DurationOr(keys, "group_interval", parent.GroupInterval, allowZero: false);
        var repeatInterval = DurationOr(keys, "repeat_interval", parent.RepeatInterval, allowZero: false);
        var matchers = new List<Matcher>();
        if (keys.TryGetValue("match", out var match))
        {
            matchers.AddRange(reader.LegacyMatchers(match, "match", regex: false));
        }
        if (keys.TryGetValue("match_re", out var matchRe))
        {
            matchers.AddRange(reader.LegacyMatchers(matchRe, "match_re", regex: true));
        }
        if (keys.TryGetValue("matchers", out var matcherList))
        {
            matchers.AddRange(reader.Matchers(matcherList, "matchers"));
        }
        var @continue = keys.TryGetValue("continue", out var continueNode) && reader.Bool(continueNode, "continue") == true;
        var escalationPolicy = parent.EscalationPolicy;
        if (keys.TryGetValue("escalation_policy", out var policyNode) && reader.String(policyNode, "escalation_policy") is { Length: > 0 } policy)
        {
            escalationPolicy = policy;
            EscalationPolicyReferences.Add((policy, policyNode));
        }
        var id = siblings is null ? RouteIdentity.Root : siblings.Next(matchers);
        var inherited = new Inherited(receiver, groupBy, groupByAll, groupWait, groupInterval, repeatInterval, escalationPolicy);
        var children = new List<Route>();
        if (keys.TryGetValue("routes", out var routesNode) && !YamlReader.IsNull(routesNode) && reader.Sequence(routesNode, "routes") is { } routes)
        {
            var depth = position.Count(c => c == '.');
            var childIds = new RouteIdentity.Siblings(id);
            foreach (var child in routes)
            {
                if (reader.Mapping(child, "each entry of \"routes\"") is { } childMap)
                {
                    if (depth >= MaxDepth || ++_routes > MaxRoutes)
                    {
                        reader.Error(child, depth >= MaxDepth
                            ? $"routes are nested more than {MaxDepth} levels deep"
                            : $"more than {MaxRoutes:N0} routes (YAML aliases repeat a subtree wherever they are used)");
                        return new Route(id, receiver, groupBy, groupByAll, groupWait, groupInterval, repeatInterval, matchers, @continue, children);
                    }
                    var childPosition = $"{position}.{children.Count}";
                    var childKeys = reader.Keys(childMap, $"route {childPosition}", KnownKeys);
                    children.Add(Parse(childMap, childKeys, inherited, childPosition, childIds));
                }
            }
        }
        return new Route(id, receiver, groupBy, groupByAll, groupWait, groupInterval, repeatInterval, matchers, @continue, children)
        {
            EscalationPolicy = escalationPolicy,
            Position = position,
            // Per route, not inherited (Alertmanager's dispatch/route.go copies neither from the parent).
            MuteTimeIntervals = siblings is null ? [] : TimeIntervals(keys, "mute_time_intervals"),
            ActiveTimeIntervals = siblings is null ? [] : TimeIntervals(keys, "active_time_intervals"),
        };
    }

    private List<NamedTimeInterval> TimeIntervals(Dictionary<string, YamlNode> keys, string key)
    {
        var result = new List<NamedTimeInterval>();
        if (!keys.TryGetValue(key, out var node) || YamlReader.IsNull(node) || reader.Sequence(node, key) is not { } names)
        {
            return result;
        }
        foreach (var item in names)
        {
            if (reader.String(item, key) is not { } name)
            {
                continue;
            }
            if (timeIntervals.TryGetValue(name, out var interval))
            {
                result.Add(interval);
            }
            else
            {
                reader.Error(item, $"route refers to time interval \"{name}\", which is not defined under \"time_intervals\"");
            }
        }
        return result;
    }

    private (IReadOnlyList<string>, bool) ParseGroupBy(List<string> labels, YamlNode node)
    {
        if (!labels.Contains(GroupByAllMarker))
        {
            var duplicate = labels.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                reader.Error(node, $"duplicate label \"{duplicate.Key}\" in \"group_by\"");
            }
            return (labels, false);
        }
        if (labels.Count > 1)
        {
            reader.Error(node, "\"group_by\" cannot combine '...' (group by all labels) with other labels");
        }
        return ([], true);
    }

    private TimeSpan DurationOr(Dictionary<string, YamlNode> keys, string key, TimeSpan inherited, bool allowZero)
    {
        if (!keys.TryGetValue(key, out var node) || YamlReader.IsNull(node) || reader.Duration(node, key) is not { } value)
        {
            return inherited;
        }
        if (!allowZero && value <= TimeSpan.Zero)
        {
            reader.Error(node, $"\"{key}\" must be greater than zero");
            return inherited;
        }
        return value;
    }
}
