using Vigil.Core.Matching;
using MatchType = Vigil.Core.Matching.MatchType;

namespace Vigil.Core.Tests.Matching;

public class MatcherParserTests
{
    [Theory]
    [InlineData("severity=\"critical\"", "severity", MatchType.Equal, "critical")]
    [InlineData("severity!=\"info\"", "severity", MatchType.NotEqual, "info")]
    [InlineData("job=~\"api|web\"", "job", MatchType.Regex, "api|web")]
    [InlineData("job!~\"batch.*\"", "job", MatchType.NotRegex, "batch.*")]
    [InlineData("service = checkout", "service", MatchType.Equal, "checkout")]
    [InlineData("path=~\"\\\\d+\"", "path", MatchType.Regex, "\\d+")]
    [InlineData("msg=\"say \\\"hi\\\"\"", "msg", MatchType.Equal, "say \"hi\"")]
    public void Parses_each_operator_and_value_style(string input, string name, MatchType type, string value)
    {
        var matcher = MatcherParser.Parse(input);

        Assert.Equal(name, matcher.Name);
        Assert.Equal(type, matcher.Type);
        Assert.Equal(value, matcher.Value);
    }

    [Fact]
    public void Parses_a_braced_list()
    {
        var list = MatcherParser.ParseList("{alertname=\"X\", severity=~\"crit.*\"}");

        Assert.Equal(["alertname=\"X\"", "severity=~\"crit.*\""], list.Select(m => m.ToString()));
    }

    [Theory]
    [InlineData("severity")]
    [InlineData("=value")]
    [InlineData("{a=\"1\"")]
    [InlineData("a=\"unterminated")]
    [InlineData("a=~\"(\"")]
    [InlineData("a=\"1\" b=\"2\"")]
    public void Rejects_malformed_input(string input)
    {
        Assert.Throws<MatcherException>(() => MatcherParser.ParseList(input));
    }

    [Fact]
    public void Parse_requires_exactly_one_matcher()
    {
        Assert.Throws<MatcherException>(() => MatcherParser.Parse("a=1,b=2"));
    }
}
