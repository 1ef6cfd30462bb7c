using System.Text.RegularExpressions;

namespace Vigil.Analytics.Logs;

/// <summary>
/// Parses a regex into <see cref="SimpleRegex"/> elements when it is made only of literal chars, escapes, <c>\d \w \s</c>
/// (and their negations), <c>.</c>, bracket classes, <c>\b</c>, groups and greedy quantifiers — and proves that greedy
/// matching never has to backtrack, except over the repetitions of one top-level group (<c>([\w-]+\.){2,}[\w-]+</c>:
/// the last "name." may have to be given back to the name after it). Returns null for anything else, so the caller
/// keeps the real regex.
/// </summary>
internal static class SimpleRegexParser
{
    /// <summary>
    /// One item of a sequence: a char set or a group, repeated <see cref="Min"/> to <see cref="Max"/> times; or <c>\b</c>.
    /// <see cref="GivesBack"/> marks the one group whose repetitions the matcher may give back, latest first, when what
    /// follows fails — the order a backtracking engine tries them in.
    /// </summary>
    internal sealed record Element(AsciiSet? Set, Element[]? Group, int Min, int Max, bool IsBoundary = false, bool GivesBack = false);

    /// <summary>What may follow an element: chars that can come next, whether anything can (an assertion), whether the rest surely succeeds.</summary>
    private readonly record struct Follow(AsciiSet Chars, bool Any, bool CanEnd);

    internal static readonly AsciiSet WordChars = Evaluate(@"\w");

    public static SimpleRegex? TryParse(string pattern)
    {
        try
        {
            return Parse(pattern);
        }
        catch (ArgumentException)
        {
            return null; // an atom .NET rejects on its own: the caller's real regex reports it
        }
    }

    private static SimpleRegex? Parse(string pattern)
    {
        var i = 0;
        var items = ParseSequence(pattern, ref i, inGroup: false);
        if (items is null || i != pattern.Length || items.Length == 0)
        {
            return null;
        }
        var (first, any, nullable) = First(items, 0);
        // An empty match changes how matches are enumerated; a pattern that can match nothing stays with the real regex.
        if (nullable)
        {
            return null;
        }
        var end = new Follow(default, false, true);
        if (IsDeterministic(items, end, givesBack: -1))
        {
            return new SimpleRegex(items, first, any);
        }
        // Otherwise one top-level group may give back whole repetitions, if everything else, its inside included, is
        // deterministic: a repetition then matches one way only, so trying the counts from the most down finds the
        // match a backtracking engine finds first.
        for (var k = 0; k < items.Length; k++)
        {
            if (items[k] is { Group: not null } group && group.Min < group.Max && IsDeterministic(items, end, givesBack: k))
            {
                items[k] = group with { GivesBack = true };
                return new SimpleRegex(items, first, any);
            }
        }
        return null;
    }

    private static Element[]? ParseSequence(string p, ref int i, bool inGroup)
    {
        var items = new List<Element>();
        while (i < p.Length)
        {
            var c = p[i];
            if (c == ')')
            {
                if (!inGroup)
                {
                    return null;
                }
                break;
            }
            AsciiSet? set = null;
            Element[]? group = null;
            if (c == '(')
            {
                i++;
                if (i < p.Length && p[i] == '?')
                {
                    if (i + 1 >= p.Length || p[i + 1] != ':')
                    {
                        return null; // look-arounds, named groups, inline options
                    }
                    i += 2;
                }
                group = ParseSequence(p, ref i, inGroup: true);
                if (group is null || i >= p.Length || p[i] != ')' || group.Length == 0 || First(group, 0).Nullable)
                {
                    return null;
                }
                i++;
            }
            else if (c == '[')
            {
                var end = ClassEnd(p, i);
                if (end < 0)
                {
                    return null;
                }
                set = Evaluate(p[i..(end + 1)]);
                i = end + 1;
            }
            else if (c == '\\')
            {
                if (i + 1 >= p.Length)
                {
                    return null;
                }
                var n = p[i + 1];
                i += 2;
                if (n == 'b')
                {
                    items.Add(new Element(null, null, 1, 1, IsBoundary: true));
                    if (i < p.Length && p[i] is '*' or '+' or '?' or '{')
                    {
                        return null;
                    }
                    continue;
                }
                if (n > 127 || (char.IsAsciiLetterOrDigit(n) && n is not ('d' or 'D' or 'w' or 'W' or 's' or 'S')))
                {
                    return null; // \t, \x41, \p{..}, back-references, anchors...: keep the real regex
                }
                set = Evaluate(p.Substring(i - 2, 2));
            }
            else if (c is '|' or '^' or '$' or '*' or '+' or '?' or '{' or '}' or ']' || c > 127)
            {
                return null;
            }
            else
            {
                set = Evaluate(c == '.' ? "." : Regex.Escape(c.ToString()));
                i++;
            }
            if (!TryQuantifier(p, ref i, out var min, out var max))
            {
                return null;
            }
            items.Add(new Element(set, group, min, max));
        }
        return [.. items];
    }

    /// <summary>Index of the ']' closing the class at <paramref name="i"/>, or -1 for classes this parser leaves alone.</summary>
    private static int ClassEnd(string p, int i)
    {
        var j = i + 1;
        if (j < p.Length && p[j] == '^')
        {
            j++;
        }
        if (j < p.Length && p[j] == ']')
        {
            return -1; // "[]a]": a literal ']' first; rare, and engines differ
        }
        while (j < p.Length)
        {
            var c = p[j];
            if (c == '\\')
            {
                j += 2;
                continue;
            }
            if (c == '[' || c > 127)
            {
                return -1; // subtraction "[a-z-[aeiou]]", non-ASCII members
            }
            if (c == ']')
            {
                return j;
            }
            j++;
        }
        return -1;
    }

    private static bool TryQuantifier(string p, ref int i, out int min, out int max)
    {
        (min, max) = (1, 1);
        if (i >= p.Length)
        {
            return true;
        }
        switch (p[i])
        {
            case '*':
                (min, max) = (0, int.MaxValue);
                i++;
                break;
            case '+':
                (min, max) = (1, int.MaxValue);
                i++;
                break;
            case '?':
                (min, max) = (0, 1);
                i++;
                break;
            case '{':
                var close = p.IndexOf('}', i);
                if (close < 0)
                {
                    return false;
                }
                var body = p[(i + 1)..close];
                var comma = body.IndexOf(',', StringComparison.Ordinal);
                var lo = comma < 0 ? body : body[..comma];
                var hi = comma < 0 ? body : body[(comma + 1)..];
                if (!int.TryParse(lo, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out min))
                {
                    return false;
                }
                if (hi.Length == 0 && comma >= 0)
                {
                    max = int.MaxValue;
                }
                else if (!int.TryParse(hi, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out max) || max < min)
                {
                    return false;
                }
                i = close + 1;
                break;
            default:
                return true;
        }
        // Lazy ("+?") or stacked quantifiers: not this parser's business.
        return i >= p.Length || p[i] is not ('?' or '*' or '+' or '{');
    }

    /// <summary>Chars that can start items[from..], whether an assertion is among them, whether they can all match nothing.</summary>
    private static (AsciiSet Chars, bool Any, bool Nullable) First(Element[] items, int from)
    {
        var chars = default(AsciiSet);
        var any = false;
        for (var k = from; k < items.Length; k++)
        {
            var e = items[k];
            if (e.IsBoundary)
            {
                any = true; // what follows an assertion depends on more than one char: be conservative
                continue;
            }
            var (c, a, n) = e.Set is { } set ? (set, false, false) : First(e.Group!, 0);
            chars = chars.Union(c);
            any |= a;
            if (!n && e.Min > 0)
            {
                return (chars, any, false);
            }
        }
        return (chars, any, true);
    }

    /// <summary>
    /// Whether greedy matching of <paramref name="items"/> can never be undone by backtracking, given what may follow
    /// them. A quantifier with a choice is safe when what follows it surely succeeds (so the greedy path does), or
    /// cannot start with a char the quantifier takes (so giving one back can never help).
    /// </summary>
    /// <param name="items">The sequence.</param>
    /// <param name="after">What may follow it.</param>
    /// <param name="givesBack">The index of an item whose repetition count the matcher backtracks over (its own
    /// quantifier is then exempt from the check), or -1.</param>
    private static bool IsDeterministic(Element[] items, Follow after, int givesBack)
    {
        for (var k = items.Length - 1; k >= 0; k--)
        {
            var e = items[k];
            if (e.IsBoundary)
            {
                after = new Follow(after.Chars, true, false);
                continue;
            }
            var (first, firstAny, _) = e.Set is { } set ? (set, false, false) : First(e.Group!, 0);
            if (k != givesBack && e.Min < e.Max && !after.CanEnd && (after.Any || firstAny || first.Overlaps(after.Chars)))
            {
                return false;
            }
            if (e.Group is { } group)
            {
                // Inside, an iteration may be followed by another one or by what follows the group.
                var inner = e.Max > 1 ? new Follow(after.Chars.Union(first), after.Any || firstAny, false) : after;
                inner = inner with { CanEnd = after.CanEnd && e.Min <= 1 && e.Max == 1 };
                if (!IsDeterministic(group, inner, givesBack: -1))
                {
                    return false;
                }
            }
            after = e.Min == 0
                ? new Follow(after.Chars.Union(first), after.Any || firstAny, after.CanEnd)
                : new Follow(first, firstAny, false);
        }
        return true;
    }

    /// <summary>Which ASCII chars the one-char regex <paramref name="atom"/> matches, asked of .NET itself.</summary>
    private static AsciiSet Evaluate(string atom)
    {
        var regex = new Regex(@"\A(?:" + atom + @")\z", RegexOptions.CultureInvariant);
        ulong low = 0, high = 0;
        Span<char> one = stackalloc char[1];
        for (var c = 0; c < 128; c++)
        {
            one[0] = (char)c;
            if (regex.IsMatch(one))
            {
                if (c < 64)
                {
                    low |= 1UL << c;
                }
                else
                {
                    high |= 1UL << (c - 64);
                }
            }
        }
        return new AsciiSet(low, high);
    }
}
