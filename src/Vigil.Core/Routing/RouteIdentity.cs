using Vigil.Core.Matching;

namespace Vigil.Core.Routing;

/// <summary>
/// Builds <see cref="Route.Id"/>: the route's matcher path from the root, as Alertmanager's <c>Route.Key()</c>
/// (<c>{}/{team="db"}/{severity="critical"}</c>). Group keys and stored groups carry it, so it must not depend on
/// where a route sits among its siblings: a route inserted, removed or moved elsewhere in the tree changes no other
/// route's id, and a config reload or restart finds every group's route again.
/// </summary>
internal static class RouteIdentity
{
    /// <summary>The root route's id: it has no matchers.</summary>
    public const string Root = "{}";

    /// <summary>
    /// A child's id. Siblings with the same matchers (legal, e.g. one with <c>continue: true</c> in front of another)
    /// are told apart by their occurrence among those twins only — <c>#2</c> for the second — so siblings with other
    /// matchers still do not count.
    /// </summary>
    public static string Child(string parentId, IReadOnlyList<Matcher> matchers, IEnumerable<Route> earlierSiblings)
    {
        var text = MatchersText(matchers);
        var twins = earlierSiblings.Count(s => MatchersText(s.Matchers) == text);
        return twins == 0 ? $"{parentId}/{text}" : $"{parentId}/{text}#{twins + 1}";
    }

    /// <summary>
    /// True for a route id stored by versions that identified a route by its position (<c>0</c>, <c>0.1</c>); a
    /// matcher path starts with <c>{</c>.
    /// </summary>
    public static bool IsPosition(string id) => id.Length > 0 && char.IsAsciiDigit(id[0]);

    // Sorted (as Alertmanager sorts a route's matchers) so listing the same matchers in another order, or moving one
    // between match/match_re/matchers, keeps the id.
    private static string MatchersText(IReadOnlyList<Matcher> matchers) =>
        "{" + string.Join(',', matchers.Select(m => m.ToString()).Order(StringComparer.Ordinal)) + "}";
}
