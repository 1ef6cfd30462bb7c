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
    /// The ids of one route's children, handed out in order. Siblings with the same matchers (legal, e.g. one with
    /// <c>continue: true</c> in front of another) are told apart by their occurrence among those twins only — <c>#2</c>
    /// for the second — so siblings with other matchers still do not count. Each child costs one lookup of its own
    /// matchers' text: recomputing the text of every earlier sibling for each child made 10,000 siblings take ~10 s.
    /// </summary>
    public sealed class Siblings(string parentId)
    {
        private readonly Dictionary<string, int> _twins = new(StringComparer.Ordinal);

        /// <summary>The id of the next child, whose matchers are <paramref name="matchers"/>.</summary>
        public string Next(IReadOnlyList<Matcher> matchers)
        {
            var text = MatchersText(matchers);
            var occurrence = _twins[text] = _twins.GetValueOrDefault(text) + 1;
            return occurrence == 1 ? $"{parentId}/{text}" : $"{parentId}/{text}#{occurrence}";
        }
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
