using Vigil.Core.Matching;
using MatchType = Vigil.Core.Matching.MatchType;

namespace Vigil.Core.Tests.Matching;

/// <summary>
/// Regex matchers mean what they mean in Alertmanager's RE2 (re2/doc/syntax.txt: POSIX classes and \d \s \w are
/// ASCII). .NET read <c>[[:alpha:]]+</c> as a set "[:alph" then "]", and <c>\d</c> as any Unicode digit. Every
/// expectation here was checked against Alertmanager's own reading (<c>amtool config routes test</c>, Go's regexp).
/// </summary>
public class Re2SyntaxTests
{
    private static bool Matches(string regex, string value) => Matcher.Create("l", MatchType.Regex, regex).Matches(value);

    [Theory]
    [InlineData("[[:alpha:]]+", "critical", true)]
    [InlineData("[[:alpha:]]+", "a]", false)]
    [InlineData("[[:alpha:]]+", "é", false)]
    [InlineData("[[:digit:]]+", "123", true)]
    [InlineData("[[:digit:]]+", "١٢٣", false)] // Arabic-Indic digits
    [InlineData("[[:alnum:]_-]+", "web-01_a", true)]
    [InlineData("[[:upper:][:digit:]]+", "AB12", true)]
    [InlineData("[[:upper:][:digit:]]+", "ab", false)]
    [InlineData("[[:lower:]]+", "abc", true)]
    [InlineData("[[:lower:]]+", "ABC", false)]
    [InlineData("[[:space:]]", "\v", true)]
    [InlineData("[[:space:]]", "\u00A0", false)]
    [InlineData("[[:blank:]]", "\t", true)]
    [InlineData("[[:blank:]]", "\n", false)]
    [InlineData("[[:punct:]]+", "!/:@[`{~", true)]
    [InlineData("[[:punct:]]+", "_", true)]
    [InlineData("[[:punct:]]+", "a", false)]
    [InlineData("[[:xdigit:]]+", "DEADbeef09", true)]
    [InlineData("[[:xdigit:]]+", "g", false)]
    [InlineData("[[:word:]]+", "a_1", true)]
    [InlineData("[[:word:]]+", "a-1", false)]
    [InlineData("[[:cntrl:]]", "\x7F", true)]
    [InlineData("[[:cntrl:]]", " ", false)]
    [InlineData("[[:graph:]]", "~", true)]
    [InlineData("[[:graph:]]", " ", false)]
    [InlineData("[[:print:]]", " ", true)]
    [InlineData("[[:print:]]", "é", false)]
    [InlineData("[[:ascii:]]+", "abc~\x00", true)]
    [InlineData("[[:ascii:]]+", "é", false)]
    [InlineData("[[:^alpha:]]+", "123", true)]
    [InlineData("[[:^alpha:]]+", "é", true)]
    [InlineData("[[:^alpha:]]+", "abc", false)]
    [InlineData("[^[:digit:]]+", "abc", true)]
    [InlineData("[^[:digit:]]+", "a1", false)]
    [InlineData("(?i)[[:upper:]]+", "abc", true)]
    public void Posix_classes_inside_brackets_are_ascii_classes(string regex, string value, bool expected) =>
        Assert.Equal(expected, Matches(regex, value));

    [Theory]
    [InlineData(@"\d+", "123", true)]
    [InlineData(@"\d+", "١٢٣", false)]
    [InlineData(@"\D", "١", true)]
    [InlineData(@"\D", "1", false)]
    [InlineData(@"\w+", "abc_1", true)]
    [InlineData(@"\w+", "é", false)]
    [InlineData(@"\W", "é", true)]
    [InlineData(@"\W", "_", false)]
    [InlineData(@"\s", " ", true)]
    [InlineData(@"\s", "\v", false)] // RE2's \s is [\t\n\f\r ]
    [InlineData(@"\s", "\u00A0", false)]
    [InlineData(@"\S", "\u00A0", true)]
    [InlineData(@"\S", "\t", false)]
    [InlineData(@"[\d.]+", "10.0.0.1", true)]
    [InlineData(@"[\d.]+", "١.١", false)]
    [InlineData(@"[^\d]+", "abc", true)]
    [InlineData(@"[^\d]+", "a1", false)]
    [InlineData(@"[\D]", "é", true)]
    [InlineData(@"[\D]", "1", false)]
    [InlineData(@"[^\W]+", "abc", true)]
    [InlineData(@"[^\W]+", "é", false)]
    [InlineData(@"[\S]+", "a\u00A0", true)]
    [InlineData(@"[\s]", "\u2003", false)]
    [InlineData(@"[\d-z]+", "-z5", true)] // '-' after a class is itself in RE2
    [InlineData(@"[\d-z]+", "a", false)]
    public void Perl_classes_are_ascii_inside_and_outside_brackets(string regex, string value, bool expected) =>
        Assert.Equal(expected, Matches(regex, value));

    [Theory]
    [InlineData(@"[x\D]", "é", true)]
    [InlineData(@"[x\D]", "1", false)]
    [InlineData(@"[^\W\d]+", "ab_", true)] // word characters but digits
    [InlineData(@"[^\W\d]+", "a1", false)]
    [InlineData("[^a[:^alpha:]]+", "bc", true)]
    [InlineData("[^a[:^alpha:]]+", "a", false)]
    [InlineData("[^[:^alpha:][:^lower:]]+", "abc", true)]
    [InlineData("[^[:^alpha:][:^lower:]]+", "A", false)]
    [InlineData("[^[:^upper:][:^lower:]]", "a", false)] // an empty set
    [InlineData("[^^[:^digit:]]", "1", true)]
    [InlineData("[^^[:^digit:]]", "^", false)]
    [InlineData("(?i)[[:^upper:]]", "a", false)] // RE2 folds case before it negates
    [InlineData("(?i)[[:^upper:]]", "1", true)]
    [InlineData("(?i)[^[:^lower:]]", "A", true)]
    [InlineData(@"(?i)[^x\D]", "X", false)]
    [InlineData(@"(?i)[^x\D]", "5", true)]
    public void Negated_classes_inside_brackets_combine_as_in_re2(string regex, string value, bool expected) =>
        Assert.Equal(expected, Matches(regex, value));

    [Theory]
    [InlineData(@"\\d", @"\d", true)] // an escaped backslash, then a letter d
    [InlineData(@"\\d", "1", false)]
    [InlineData(@"\\\d", @"\7", true)]
    [InlineData(@"[\\d]+", @"d\", true)]
    [InlineData(@"[\\d]+", "1", false)]
    [InlineData(@"\[\d\]", "[1]", true)] // \[ is a literal '[', not a bracket
    [InlineData(@"\\[[:digit:]]", @"\5", true)] // an escaped backslash, then a bracket expression
    [InlineData(@"\[[:alpha:]\]", "[a]", true)] // after \[ the bracket holds ':', 'a', 'l', 'p', 'h' (no POSIX class)
    [InlineData("[]a]+", "]a", true)] // a leading ']' is itself
    [InlineData("[^]a]+", "bc", true)]
    [InlineData("[a[]+", "a[", true)]
    public void Escapes_and_brackets_are_read_as_re2_reads_them(string regex, string value, bool expected) =>
        Assert.Equal(expected, Matches(regex, value));

    [Theory]
    [InlineData("(?P<env>prod|staging)", "prod", true)]
    [InlineData("[(?P<]+", "(?P<", true)] // inside brackets nothing is a group
    [InlineData(@"\(?P<x>a\)", "(P<x>a)", true)] // an optional literal '(', then text
    public void Named_groups_are_rewritten_only_where_they_are_groups(string regex, string value, bool expected) =>
        Assert.Equal(expected, Matches(regex, value));

    [Theory]
    [InlineData("[[:alphabet:]]+")]
    [InlineData("[[:alpha:]")]
    [InlineData("[a-[]+")] // a reversed range in RE2, not .NET's class subtraction
    public void Classes_re2_refuses_are_invalid(string regex)
    {
        var ex = Assert.Throws<MatcherException>(() => Matcher.Create("severity", MatchType.Regex, regex));
        Assert.Contains("invalid regular expression for label \"severity\"", ex.Message);
    }

    [Fact]
    public void A_stored_matcher_keeps_loading_whatever_the_rewrite_refuses()
    {
        // A silence stored before the rewrite: an unknown class was then a plain set, and look-arounds ran on the
        // backtracking engine. Both still load and mute.
        Assert.True(Matcher.CreateStored("l", "[[:alphabet:]]+", isRegex: true, isEqual: true).Matches("a]"));
        var lookahead = Matcher.CreateStored("l", @"(?=a)[[:alpha:]]+\d", isRegex: true, isEqual: true);
        Assert.True(lookahead.Matches("abc1"));
        Assert.False(lookahead.Matches("abc١"));
    }

    [Fact]
    public void The_stored_text_is_the_re2_pattern()
    {
        var matcher = Matcher.Create("l", MatchType.Regex, @"[[:digit:]]+\d");

        Assert.Equal(@"[[:digit:]]+\d", matcher.Value);
        Assert.Equal(@"l=~""[[:digit:]]+\\d""", matcher.ToString());
    }

    [Fact]
    public void Word_boundaries_agree_with_re2_on_ascii_text()
    {
        Assert.True(Matches(@".*\bfoo\b.*", "a foo-bar"));
        Assert.False(Matches(@".*\bfoo.*", "afoo"));
        Assert.True(Matches(@"a\Bb", "ab"));
    }
}
