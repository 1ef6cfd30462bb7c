using System.Text.RegularExpressions;
using Vigil.Core.Alerts;

namespace Vigil.Core.Matching;

public enum MatchType
{
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

/// <summary>
/// A label matcher with Alertmanager semantics: regexes are fully anchored (<c>^(?:re)$</c>) and, as with RE2, run in
/// time linear in the value; a missing label matches as the empty string, so <c>foo=""</c> matches alerts without <c>foo</c>.
/// </summary>
public sealed class Matcher : IEquatable<Matcher>
{
    private static readonly TimeSpan RegexBudget = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The longest regex a new matcher may have. Building the linear-time automaton costs time that grows with the
    /// square of the pattern (an alternation of 200,000 words, 1.9 MB, took 97 s before the engine refused it as too
    /// large), and any pattern near this length is over the engine's 10,000-node limit anyway (1,000 short
    /// alternatives, ~7,000 characters, already are), so the length is checked first.
    /// </summary>
    public const int MaxRegexLength = 16_384;
    private readonly Regex? _regex;

    private Matcher(string name, MatchType type, string value, Regex? regex)
    {
        Name = name;
        Type = type;
        Value = value;
        _regex = regex;
    }

    public string Name { get; }

    public MatchType Type { get; }

    public string Value { get; }

    public bool IsRegex => Type is MatchType.Regex or MatchType.NotRegex;

    public bool IsEqual => Type is MatchType.Equal or MatchType.Regex;

    /// <summary>True for a stored matcher that only the backtracking engine accepts (see <see cref="CreateStored"/>).</summary>
    public bool UsesBacktracking => _regex is not null && !_regex.Options.HasFlag(RegexOptions.NonBacktracking);

    /// <summary>How long one match may take before it counts as "no match"; infinite on the linear-time engine.</summary>
    internal TimeSpan? MatchTimeout => _regex?.MatchTimeout;

    /// <summary>Creates a matcher, or explains why it cannot be created (empty name, invalid regex, or a construct the
    /// linear-time engine refuses).</summary>
    public static Matcher Create(string name, MatchType type, string value) => Create(name, type, value, allowBacktracking: false);

    public static Matcher Create(string name, string value, bool isRegex, bool isEqual) => Create(name, TypeOf(isRegex, isEqual), value);

    /// <summary>
    /// Creates a matcher stored by an earlier version, which ran every regex on the backtracking engine and so took
    /// lookarounds, backreferences and atomic groups: such a matcher falls back to that engine (with its time budget)
    /// instead of failing the load, so its silence keeps muting until it expires rather than the server refusing to
    /// start or the alerts paging. New matchers go through <see cref="Create(string, MatchType, string)"/>.
    /// </summary>
    public static Matcher CreateStored(string name, string value, bool isRegex, bool isEqual) =>
        Create(name, TypeOf(isRegex, isEqual), value, allowBacktracking: true);

    private static Matcher Create(string name, MatchType type, string value, bool allowBacktracking)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new MatcherException("matcher has an empty label name");
        }
        Regex? regex = null;
        if (type is MatchType.Regex or MatchType.NotRegex)
        {
            if (!allowBacktracking && value.Length > MaxRegexLength)
            {
                throw new MatcherException($"regular expression for label \"{name}\" is {value.Length:N0} characters long; at most " +
                    $"{MaxRegexLength:N0} are accepted");
            }
            // Anchored with \z: .NET's $ also matches before a final newline, RE2's does not (=~"Foo" must not match
            // "Foo\n"). RE2 syntax .NET reads differently (POSIX and Perl classes, (?P<name>...)) is rewritten first.
            var pattern = "^(?:" + Translate(name, value, allowBacktracking) + @")\z";
            try
            {
                // Linear in the length of the value, like Alertmanager's RE2: on the backtracking engine one silence
                // such as instance=~"(.*.*)*y" cost its whole time budget per alert, on every read and flush. No time
                // budget here: the engine cannot run away, and a budget it could still exceed — a first match builds
                // its automaton's states, which took over 100 ms on a loaded machine — answered "no match", i.e. an
                // alert routed past its route or not silenced. The budget stays for the backtracking fallback below.
                regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, Regex.InfiniteMatchTimeout);
            }
            catch (NotSupportedException) when (allowBacktracking)
            {
                regex = new Regex(pattern, RegexOptions.CultureInvariant, RegexBudget);
            }
            catch (NotSupportedException ex)
            {
                // Lookarounds, backreferences, atomic groups, conditionals (none of which RE2 has either), or a
                // pattern whose automaton would be too large.
                throw new MatcherException($"unsupported regular expression for label \"{name}\": {ex.Message} Matchers run " +
                    "on a linear-time engine, like Alertmanager's RE2, which has no lookarounds, backreferences or atomic groups.");
            }
            catch (ArgumentException ex)
            {
                throw new MatcherException($"invalid regular expression for label \"{name}\": {ex.Message}");
            }
        }
        return new Matcher(name, type, value, regex);
    }

    private static string Translate(string name, string value, bool stored)
    {
        try
        {
            return Re2Syntax.ToDotNet(value);
        }
        catch (ArgumentException) when (stored)
        {
            // Stored before the rewrite existed (an unknown [:class:] was then a plain set): read as it was then.
            return value;
        }
        catch (ArgumentException ex)
        {
            throw new MatcherException($"invalid regular expression for label \"{name}\": {ex.Message}");
        }
    }

    private static MatchType TypeOf(bool isRegex, bool isEqual) => (isRegex, isEqual) switch
    {
        (false, true) => MatchType.Equal,
        (false, false) => MatchType.NotEqual,
        (true, true) => MatchType.Regex,
        (true, false) => MatchType.NotRegex,
    };

    public bool Matches(string value) => Type switch
    {
        MatchType.Equal => string.Equals(value, Value, StringComparison.Ordinal),
        MatchType.NotEqual => !string.Equals(value, Value, StringComparison.Ordinal),
        MatchType.Regex => SafeIsMatch(value),
        MatchType.NotRegex => !SafeIsMatch(value),
        _ => false,
    };

    public bool Matches(LabelSet labels) => Matches(labels.Get(Name));

    private bool SafeIsMatch(string value)
    {
        try
        {
            return _regex!.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    public string Operator => Type switch
    {
        MatchType.Equal => "=",
        MatchType.NotEqual => "!=",
        MatchType.Regex => "=~",
        _ => "!~",
    };

    public override string ToString() => $"{Name}{Operator}\"{Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    public bool Equals(Matcher? other) => other is not null && other.Name == Name && other.Type == Type && other.Value == Value;

    public override bool Equals(object? obj) => obj is Matcher other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Name, Type, Value);
}

public sealed class MatcherException(string message) : Exception(message);

public static class MatcherListExtensions
{
    /// <summary>True when every matcher matches (an empty list matches everything).</summary>
    public static bool MatchesAll(this IReadOnlyList<Matcher> matchers, LabelSet labels)
    {
        for (var i = 0; i < matchers.Count; i++)
        {
            if (!matchers[i].Matches(labels))
            {
                return false;
            }
        }
        return true;
    }
}
