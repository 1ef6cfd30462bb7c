using Vigil.Core.Matching;
using MatchType = Vigil.Core.Matching.MatchType;
using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Matching;

public class MatcherTests
{
    [Theory]
    [InlineData("foo.*", "foobar", true)]
    [InlineData("foo", "foobar", false)] // anchored: must match the whole value
    [InlineData("bar", "foobar", false)]
    [InlineData("a|b", "a", true)]
    [InlineData("a|b", "ab", false)] // ^(?:a|b)$, not ^a|b$
    [InlineData(".*", "", true)]
    [InlineData("Foo", "Foo\n", false)] // RE2's $ is the end of the text; .NET's also matched before a final newline
    [InlineData("(?P<env>prod|staging)", "prod", true)] // RE2's named group, as Alertmanager accepts it
    public void Regex_matchers_are_fully_anchored(string regex, string value, bool expected)
    {
        Assert.Equal(expected, Matcher.Create("l", MatchType.Regex, regex).Matches(value));
        Assert.Equal(!expected, Matcher.Create("l", MatchType.NotRegex, regex).Matches(value));
    }

    [Fact]
    public void Missing_label_matches_as_empty_string()
    {
        var labels = Labels(("alertname", "x"));

        Assert.True(Matcher.Create("team", MatchType.Equal, "").Matches(labels));
        Assert.False(Matcher.Create("team", MatchType.NotEqual, "").Matches(labels));
        Assert.True(Matcher.Create("team", MatchType.NotEqual, "ops").Matches(labels));
    }

    [Fact]
    public void Invalid_regex_is_rejected_with_the_label_name()
    {
        var ex = Assert.Throws<MatcherException>(() => Matcher.Create("job", MatchType.Regex, "(unclosed"));
        Assert.Contains("job", ex.Message);
    }

    [Fact]
    public void A_regex_longer_than_the_limit_is_refused_before_it_is_compiled()
    {
        // 200,000 alternatives (1.9 MB) took 97 s to be refused as too large for the engine; the length now refuses it
        // at once. A pattern at the limit is still compiled (and here fits the engine).
        var huge = string.Join("|", Enumerable.Range(0, 200_000).Select(i => $"alt{i}"));
        var ex = Assert.Throws<MatcherException>(() => Matcher.Create("instance", MatchType.Regex, huge));
        Assert.Contains("instance", ex.Message);
        Assert.Contains($"at most {Matcher.MaxRegexLength:N0}", ex.Message);
        Assert.Throws<MatcherException>(() => Matcher.Create("instance", MatchType.NotRegex, new string('a', Matcher.MaxRegexLength + 1)));
        // At the limit the length is not the objection (a literal that long is over the engine's automaton limit).
        var atLimit = Assert.Throws<MatcherException>(() => Matcher.Create("instance", MatchType.Regex, new string('b', Matcher.MaxRegexLength)));
        Assert.DoesNotContain("characters long", atLimit.Message, StringComparison.Ordinal);
        // An equality matcher is not a pattern: its length is the body limit's business.
        Assert.True(Matcher.Create("instance", MatchType.Equal, huge).Matches(huge));
    }

    [Fact]
    public void Nested_stars_cannot_stall_matching()
    {
        // The backtracking engine tries every way to split the a's between the stars (2^40 here) before the second
        // branch; it ran out of its time budget and the matcher answered "no match". A linear-time engine answers.
        var value = "host-" + new string('a', 40) + "-1";
        var matcher = Matcher.Create("instance", MatchType.Regex, "(.*.*)*y|host-a+-1");
        var notMatcher = Matcher.Create("instance", MatchType.NotRegex, "(.*.*)*y|host-a+-1");

        Assert.True(matcher.Matches(value));
        Assert.False(notMatcher.Matches(value));
        Assert.False(Matcher.Create("instance", MatchType.Regex, "(.*.*)*y").Matches(value));
        Assert.True(Matcher.Create("instance", MatchType.Regex, "(.*.*)*y").Matches(value + "y"));
    }

    [Theory]
    [InlineData("(?=api)api", "lookahead")]
    [InlineData("(?<!x)api", "lookbehind")]
    [InlineData(@"(a)\1", "backreference")]
    [InlineData("(?>a+)", "atomic")]
    public void Constructs_without_a_linear_time_match_are_refused_with_the_label_name(string regex, string construct)
    {
        var ex = Assert.Throws<MatcherException>(() => Matcher.Create("job", MatchType.Regex, regex));

        Assert.Contains("unsupported regular expression for label \"job\"", ex.Message);
        Assert.Contains(construct, ex.Message);
    }

    [Fact]
    public void Stored_matcher_with_a_lookahead_still_loads_and_matches()
    {
        // Accepted before matchers ran in linear time: its silence must keep loading (and muting) after an upgrade.
        var matcher = Matcher.CreateStored("job", "(?=api)api.*", isRegex: true, isEqual: true);

        Assert.True(matcher.UsesBacktracking);
        Assert.True(matcher.Matches("api-server"));
        Assert.False(matcher.Matches("web"));
        Assert.False(Matcher.CreateStored("job", "api.*", isRegex: true, isEqual: true).UsesBacktracking);
    }

    [Fact]
    public void Empty_label_name_is_rejected()
    {
        Assert.Throws<MatcherException>(() => Matcher.Create("", MatchType.Equal, "x"));
    }

    [Fact]
    public void Empty_matcher_list_matches_everything()
    {
        Assert.True(Array.Empty<Matcher>().MatchesAll(Labels(("a", "1"))));
    }

    [Fact]
    public void A_linear_time_regex_never_times_out_into_no_match()
    {
        // A first match builds the automaton's states; on a loaded machine that took over the old 100 ms budget, and
        // a timed-out match answered "no match": an alert routed past its route (RouteMatchTests failed now and then).
        Assert.Equal(System.Text.RegularExpressions.Regex.InfiniteMatchTimeout, Matcher.Create("team", MatchType.Regex, "db|web").MatchTimeout);
        // The backtracking fallback for matchers stored by earlier versions keeps its budget.
        Assert.Equal(TimeSpan.FromMilliseconds(100), Matcher.CreateStored("team", "(?=d)db", isRegex: true, isEqual: true).MatchTimeout);
    }
}
