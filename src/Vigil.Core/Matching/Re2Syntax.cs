using System.Globalization;
using System.Text;

namespace Vigil.Core.Matching;

/// <summary>
/// Rewrites the parts of RE2 syntax (Alertmanager's regexes, Go's <c>regexp</c>) that .NET reads differently into
/// their .NET equivalent, so a matcher means what it means in Alertmanager:
/// <list type="bullet">
/// <item>POSIX classes inside brackets (<c>[[:alpha:]]</c>, negated <c>[[:^alpha:]]</c>): .NET has none and read
/// <c>[[:alpha:]]+</c> as the set "[:alph" followed by "]", matching "a]" but not "critical".</item>
/// <item>The Perl classes <c>\d \D \w \W \s \S</c>, inside and outside brackets: ASCII in RE2
/// (<c>[0-9]</c>, <c>[0-9A-Za-z_]</c>, <c>[\t\n\f\r ]</c>), Unicode in .NET (Arabic-Indic digits, accented letters).</item>
/// <item>Named groups <c>(?P&lt;name&gt;…)</c>, which .NET writes <c>(?&lt;name&gt;…)</c>.</item>
/// </list>
/// Everything else is copied as written. <c>RegexOptions.ECMAScript</c> would make the Perl classes ASCII, but .NET
/// refuses it with <c>NonBacktracking</c>, which matchers need. Not rewritten: <c>\b</c> and <c>\B</c> (.NET counts
/// non-ASCII letters and digits as word characters; an ASCII boundary needs look-arounds, which the linear-time engine
/// lacks), so they differ from RE2 only next to such characters.
/// </summary>
internal static class Re2Syntax
{
    // RE2's ASCII classes (re2/doc/syntax.txt; Go's regexp/syntax perl_groups.go), as inclusive code point ranges.
    private static readonly Dictionary<string, (char From, char To)[]> PosixClasses = new(StringComparer.Ordinal)
    {
        ["alnum"] = [('0', '9'), ('A', 'Z'), ('a', 'z')],
        ["alpha"] = [('A', 'Z'), ('a', 'z')],
        ["ascii"] = [('\x00', '\x7F')],
        ["blank"] = [('\t', '\t'), (' ', ' ')],
        ["cntrl"] = [('\x00', '\x1F'), ('\x7F', '\x7F')],
        ["digit"] = [('0', '9')],
        ["graph"] = [('!', '~')],
        ["lower"] = [('a', 'z')],
        ["print"] = [(' ', '~')],
        ["punct"] = [('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        ["space"] = [('\t', '\r'), (' ', ' ')],
        ["upper"] = [('A', 'Z')],
        ["word"] = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')],
        ["xdigit"] = [('0', '9'), ('A', 'F'), ('a', 'f')],
    };

    private static readonly (char From, char To)[] PerlDigit = [('0', '9')];
    private static readonly (char From, char To)[] PerlSpace = [('\t', '\n'), ('\f', '\r'), (' ', ' ')];
    private static readonly (char From, char To)[] PerlWord = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];

    /// <summary>The .NET pattern with the meaning <paramref name="pattern"/> has in RE2.</summary>
    /// <exception cref="ArgumentException">An unknown POSIX class such as <c>[[:alphabet:]]</c> (RE2 refuses it too).</exception>
    public static string ToDotNet(string pattern)
    {
        var result = new StringBuilder(pattern.Length + 16);
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[i + 1];
                if (PerlClass(next) is { } perl)
                {
                    AppendClass(result, perl.Ranges, perl.Negated);
                }
                else
                {
                    // Any other escape, "\\" included, is one unit: the character after it is never read on its own.
                    result.Append(c).Append(next);
                }
                i += 2;
            }
            else if (c == '[')
            {
                i = TranslateBracket(pattern, i, result);
            }
            else if (string.CompareOrdinal(pattern, i, "(?P<", 0, 4) == 0)
            {
                result.Append("(?<");
                i += 4;
            }
            else
            {
                result.Append(c);
                i++;
            }
        }
        return result.ToString();
    }

    /// <summary>
    /// A bracket expression from its '[' to its ']', rewritten for .NET; returns the index after it. Classes inside it
    /// become explicit ranges, and '[', ']' and '^' escapes, so .NET's own class syntax (subtraction <c>-[…]</c>) never
    /// comes into play by accident.
    /// </summary>
    private static int TranslateBracket(string pattern, int start, StringBuilder result)
    {
        var i = start + 1;
        var negatedBracket = i < pattern.Length && pattern[i] == '^';
        if (negatedBracket)
        {
            i++;
        }
        var members = new StringBuilder();
        var excluded = new List<IReadOnlyList<(char From, char To)>>();
        var first = true;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == ']' && !first)
            {
                result.Append(Bracket(negatedBracket, members.ToString(), excluded));
                return i + 1;
            }
            first = false;
            (char From, char To)[]? ranges = null;
            var negated = false;
            if (c == '[' && i + 1 < pattern.Length && pattern[i + 1] == ':' && pattern.IndexOf(":]", i + 2, StringComparison.Ordinal) is var end and >= 0)
            {
                var name = pattern[(i + 2)..end];
                negated = name.StartsWith('^');
                if (!PosixClasses.TryGetValue(negated ? name[1..] : name, out ranges))
                {
                    throw new ArgumentException($"invalid character class range [:{name}:] (RE2 knows alnum, alpha, ascii, blank, "
                        + "cntrl, digit, graph, lower, print, punct, space, upper, word and xdigit)");
                }
                i = end + 2;
            }
            else if (c == '\\' && i + 1 < pattern.Length && PerlClass(pattern[i + 1]) is { } perl)
            {
                (ranges, negated) = perl;
                i += 2;
            }
            else if (c == '\\' && i + 1 < pattern.Length)
            {
                members.Append(c).Append(pattern[i + 1]);
                i += 2;
                continue;
            }
            else
            {
                // RE2 reads '[', a leading ']' and a '^' that does not negate as themselves; .NET might not ("-["
                // subtracts, "[^" negates), so they are escaped.
                members.Append(c is '[' or ']' or '^' ? "\\" + c : c.ToString());
                i++;
                continue;
            }
            if (negated)
            {
                excluded.Add(ranges);
            }
            else
            {
                AppendRanges(members, ranges);
            }
            i = LiteralHyphen(pattern, i, members);
        }
        // .NET would take "[[:alpha:]" for the set "[:alph" closed by the last ']'.
        throw new ArgumentException($"missing closing ]: {pattern[start..]}");
    }

    /// <summary>
    /// The .NET form of a bracket with <paramref name="members"/> and the negated classes in it (<c>[:^alpha:]</c>,
    /// <c>\D</c>). A negated class cannot be a member of a .NET class, so [X¬Y] becomes the alternation (?:[X]|[^Y]) and
    /// [^X¬Y] the subtraction [Y-[X]]. Spelling each negation out as ranges instead would be wrong under (?i), where RE2
    /// folds a class's case before negating it: (?i)[[:^upper:]] matches no letter.
    /// </summary>
    private static string Bracket(bool negated, string members, List<IReadOnlyList<(char From, char To)>> excluded)
    {
        if (excluded.Count == 0)
        {
            return (negated ? "[^" : "[") + members + "]";
        }
        if (!negated)
        {
            var alternatives = excluded.Select(ranges => "[^" + Ranges(ranges) + "]");
            return "(?:" + string.Join("|", members.Length > 0 ? alternatives.Prepend("[" + members + "]") : alternatives) + ")";
        }
        // not (X or not Y1 or not Y2) = (Y1 and Y2) minus X
        var common = excluded.Aggregate(Intersect);
        return common.Count == 0
            ? @"[^\u0000-\uFFFF]" // matches nothing, as RE2's empty class
            : "[" + Ranges(common) + (members.Length > 0 ? "-[" + members + "]" : "") + "]";
    }

    /// <summary>
    /// A '-' right after a class inside brackets (<c>[\d-z]</c>) cannot start a range in RE2, so it is itself; after
    /// explicit ranges .NET might read it as one (or as a subtraction), so it is escaped.
    /// </summary>
    private static int LiteralHyphen(string pattern, int i, StringBuilder body)
    {
        if (i < pattern.Length && pattern[i] == '-')
        {
            body.Append("\\-");
            return i + 1;
        }
        return i;
    }

    private static ((char From, char To)[] Ranges, bool Negated)? PerlClass(char escape) => escape switch
    {
        'd' => (PerlDigit, false),
        'D' => (PerlDigit, true),
        's' => (PerlSpace, false),
        'S' => (PerlSpace, true),
        'w' => (PerlWord, false),
        'W' => (PerlWord, true),
        _ => null,
    };

    private static void AppendClass(StringBuilder result, IReadOnlyList<(char From, char To)> ranges, bool negated) =>
        result.Append(negated ? "[^" : "[").Append(Ranges(ranges)).Append(']');

    private static void AppendRanges(StringBuilder result, IReadOnlyList<(char From, char To)> ranges) => result.Append(Ranges(ranges));

    private static string Ranges(IReadOnlyList<(char From, char To)> ranges)
    {
        var result = new StringBuilder();
        foreach (var (from, to) in ranges)
        {
            Escaped(result, from);
            if (to != from)
            {
                Escaped(result, to, range: true);
            }
        }
        return result.ToString();
    }

    /// <summary>The code units in both sorted, disjoint range lists.</summary>
    private static IReadOnlyList<(char From, char To)> Intersect(IReadOnlyList<(char From, char To)> a, IReadOnlyList<(char From, char To)> b)
    {
        var result = new List<(char, char)>();
        var (i, j) = (0, 0);
        while (i < a.Count && j < b.Count)
        {
            var from = a[i].From > b[j].From ? a[i].From : b[j].From;
            var to = a[i].To < b[j].To ? a[i].To : b[j].To;
            if (from <= to)
            {
                result.Add((from, to));
            }
            if (a[i].To < b[j].To)
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        return result;
    }

    // \uXXXX is read the same everywhere in a .NET class, so no character needs its own escaping rule.
    private static void Escaped(StringBuilder result, char c, bool range = false) =>
        result.Append(range ? "-\\u" : "\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
}
