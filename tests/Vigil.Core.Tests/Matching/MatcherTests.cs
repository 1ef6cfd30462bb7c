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
    public void Empty_label_name_is_rejected()
    {
        Assert.Throws<MatcherException>(() => Matcher.Create("", MatchType.Equal, "x"));
    }

    [Fact]
    public void Empty_matcher_list_matches_everything()
    {
        Assert.True(Array.Empty<Matcher>().MatchesAll(Labels(("a", "1"))));
    }
}
