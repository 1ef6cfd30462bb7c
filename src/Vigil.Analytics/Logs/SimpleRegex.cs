namespace Vigil.Analytics.Logs;

/// <summary>
/// A hand-run matcher for the simple masking regexes that per-source settings are made of (<c>blk_-?\d+</c>,
/// <c>(\d+\.){3}\d+(:\d+)?</c>, <c>core\.\d+</c>, <c>\d{2}:\d{2}:\d{2}</c>), finding exactly the matches .NET's
/// <see cref="System.Text.RegularExpressions.Regex"/> finds on ASCII text, several times faster: no per-call set-up,
/// no time-out clock, no backtracking.
/// </summary>
/// <remarks>
/// <para>Only patterns where greedy matching never needs to give anything back are accepted
/// (<see cref="SimpleRegexParser"/> proves it): every quantifier that has a choice is followed by something that cannot
/// start with what it repeats, or by nothing that can fail. Then the first path a backtracking engine tries is the only
/// one that can succeed, and one greedy pass finds the same match. Anything else (alternation, anchors, lazy
/// quantifiers, look-arounds, options) is rejected and the caller keeps the real regex.</para>
/// <para>Character classes are evaluated by .NET itself for the 128 ASCII chars when the pattern is parsed, so
/// <c>\d</c>, <c>\w</c> or <c>[\w-]</c> mean exactly what they mean to <see cref="System.Text.RegularExpressions.Regex"/>;
/// the caller sends lines with other chars to the real regex.</para>
/// </remarks>
internal sealed class SimpleRegex
{
    /// <summary>Char steps allowed per line before giving up (the caller then runs the real regex, with its time-out).</summary>
    internal const int StepBudget = 1 << 20;

    private readonly SimpleRegexParser.Element[] _items;
    private readonly System.Buffers.SearchValues<char>? _firstChars;
    private readonly string? _prefix;
    private readonly SimpleRegexParser.Element[] _afterPrefix;
    private readonly AsciiSet? _leadRun;
    private readonly char? _afterLeadRun;

    internal SimpleRegex(SimpleRegexParser.Element[] items, AsciiSet first, bool firstIsAny)
    {
        items = Unrolled(items);
        _items = items;
        _firstChars = firstIsAny ? null : System.Buffers.SearchValues.Create(first.Members());
        // "blk_": a literal start is found by a vectorised string search, not char by char.
        var prefix = new System.Text.StringBuilder();
        foreach (var e in items)
        {
            if (e.Set is not { } set || e.Min != 1 || e.Max != 1 || set.Members() is not { Length: 1 } member)
            {
                break;
            }
            prefix.Append(member);
        }
        _prefix = prefix.Length >= 2 ? prefix.ToString() : null;
        _afterPrefix = _prefix is null ? items : items[_prefix.Length..]; // the search has matched the prefix already
        // A leading "X+" (also first in a leading group taken at least once, as in "(\d+\.){3}") that failed at i
        // fails at every later char of the same run: from there it ends at the same place and the rest is the same.
        var lead = items[0];
        while (lead.Group is not null && lead.Min >= 1)
        {
            lead = lead.Group[0];
        }
        _leadRun = lead.Set is { } run && lead.Min == 1 && lead.Max == int.MaxValue ? run : null;
        // "\d+\." (an IPv4 mask): a match needs the run followed by that one char, which is rarer than the run's chars
        // and found by a vectorised search; the run before it is then walked back to its start.
        if (_leadRun is { } leadSet && _prefix is null && items.Length > 1 && items[0] == lead
            && items[1] is { Set: { } next, Min: 1, Max: 1 } && next.Members() is { Length: 1 } literal && !leadSet.Contains(literal[0]))
        {
            _afterLeadRun = literal[0];
        }
    }

    /// <summary>A matcher for <paramref name="pattern"/>, or null when it is outside the simple subset.</summary>
    public static SimpleRegex? TryCreate(string pattern) => SimpleRegexParser.TryParse(pattern);

    /// <summary>
    /// The leftmost match in <paramref name="text"/> (ASCII only) starting at or after <paramref name="from"/>, as
    /// <c>Regex.EnumerateMatches</c> would return it next. Returns false when there is none, or when
    /// <paramref name="budget"/> (char steps) ran out: it is then negative and the answer unknown.
    /// </summary>
    public bool TryFind(ReadOnlySpan<char> text, int from, ref int budget, out int index, out int length)
    {
        if (_afterLeadRun is { } anchor)
        {
            return TryFindByAnchor(anchor, _leadRun!.Value, text, from, ref budget, out index, out length);
        }
        var i = from;
        while (i < text.Length)
        {
            if (_prefix is not null)
            {
                var next = text[i..].IndexOf(_prefix, StringComparison.Ordinal);
                if (next < 0)
                {
                    break;
                }
                i += next;
            }
            else if (_firstChars is not null)
            {
                var next = text[i..].IndexOfAny(_firstChars);
                if (next < 0)
                {
                    break;
                }
                i += next;
            }
            var end = _prefix is null ? MatchSequence(_items, text, i, ref budget) : MatchSequence(_afterPrefix, text, i + _prefix.Length, ref budget);
            if (end >= 0)
            {
                index = i;
                length = end - i;
                return true;
            }
            if (budget < 0)
            {
                break;
            }
            i = _leadRun is { } run ? RunEnd(run, text, i) : i + 1;
        }
        index = 0;
        length = 0;
        return false;
    }

    /// <summary>
    /// <see cref="TryFind"/> for a pattern that starts with a run followed by one literal char (<c>\d+\.</c>): every
    /// match has that char right after its leading run, so the candidates are found by searching for the char. A
    /// failed candidate fails for every later start in the same run (see <c>_leadRun</c>), so the search goes on after
    /// the char.
    /// </summary>
    private bool TryFindByAnchor(char anchor, AsciiSet run, ReadOnlySpan<char> text, int from, ref int budget, out int index, out int length)
    {
        var i = from;
        while (i < text.Length)
        {
            var found = text[i..].IndexOf(anchor);
            if (found < 0)
            {
                break;
            }
            var at = i + found;
            var start = at;
            while (start > i && run.Contains(text[start - 1]))
            {
                start--;
            }
            budget -= at - start + 1;
            if (start < at)
            {
                var end = MatchSequence(_items, text, start, ref budget);
                if (end >= 0)
                {
                    index = start;
                    length = end - start;
                    return true;
                }
            }
            if (budget < 0)
            {
                break;
            }
            i = at + 1;
        }
        index = 0;
        length = 0;
        return false;
    }

    /// <summary>
    /// The sequence with every group repeated an exact number of times (<c>(\d+\.){3}</c>) written out that many
    /// times: the same elements are tried in the same order, without a recursive call and a loop per repetition — the
    /// IP-address masks most sources have spend most of their time there.
    /// </summary>
    private static SimpleRegexParser.Element[] Unrolled(SimpleRegexParser.Element[] items)
    {
        const int MaxCopies = 8;
        var result = new List<SimpleRegexParser.Element>(items.Length);
        foreach (var e in items)
        {
            if (e.Group is { } group && e.Min == e.Max && e.Min <= MaxCopies)
            {
                var inner = Unrolled(group);
                for (var copy = 0; copy < e.Min; copy++)
                {
                    result.AddRange(inner);
                }
            }
            else
            {
                result.Add(e.Group is { } nested ? e with { Group = Unrolled(nested) } : e);
            }
        }
        return [.. result];
    }

    private static int RunEnd(AsciiSet set, ReadOnlySpan<char> text, int i)
    {
        do
        {
            i++;
        }
        while (i < text.Length && set.Contains(text[i]));
        return i;
    }

    /// <summary>Greedy match of a sequence at <paramref name="pos"/>: its end, or -1.</summary>
    private static int MatchSequence(SimpleRegexParser.Element[] items, ReadOnlySpan<char> text, int pos, ref int budget) =>
        MatchSequence(items, 0, text, pos, ref budget);

    /// <summary>Greedy match of <c>items[from..]</c> at <paramref name="pos"/>: its end, or -1.</summary>
    private static int MatchSequence(SimpleRegexParser.Element[] items, int from, ReadOnlySpan<char> text, int pos, ref int budget)
    {
        for (var k = from; k < items.Length; k++)
        {
            var e = items[k];
            if (e.IsBoundary)
            {
                if (!IsBoundary(text, pos))
                {
                    return -1;
                }
                continue;
            }
            if (e.GivesBack)
            {
                return MatchGivingBack(items, k, text, pos, ref budget);
            }
            var count = 0;
            if (e.Set is { } set)
            {
                var limit = e.Max >= text.Length - pos ? text.Length : pos + e.Max;
                var start = pos;
                while (pos < limit && set.Contains(text[pos]))
                {
                    pos++;
                }
                count = pos - start;
                budget -= count + 1;
            }
            else
            {
                while (count < e.Max)
                {
                    var end = MatchSequence(e.Group!, text, pos, ref budget);
                    if (end < 0)
                    {
                        break;
                    }
                    pos = end;
                    count++;
                }
            }
            if (count < e.Min || budget < 0)
            {
                return -1;
            }
        }
        return pos;
    }

    /// <summary>Repetitions of a group whose matcher keeps for giving back: more than this and the real regex decides.</summary>
    private const int MaxGivenBack = 64;

    /// <summary>
    /// The group at <c>items[k]</c> repeated as often as it matches, then the rest of the sequence; when the rest fails,
    /// one repetition fewer, and so on down to the group's minimum — the order in which a backtracking engine tries
    /// them (each repetition matches one way only: the parser checked its inside is deterministic).
    /// </summary>
    private static int MatchGivingBack(SimpleRegexParser.Element[] items, int k, ReadOnlySpan<char> text, int pos, ref int budget)
    {
        var e = items[k];
        Span<int> ends = stackalloc int[MaxGivenBack + 1];
        ends[0] = pos;
        var count = 0;
        while (count < e.Max)
        {
            var end = MatchSequence(e.Group!, text, ends[count], ref budget);
            if (end < 0)
            {
                break;
            }
            if (count == MaxGivenBack)
            {
                budget = -1; // unknown: the caller hands the line to the real regex
                return -1;
            }
            ends[++count] = end;
        }
        for (; count >= e.Min && budget >= 0; count--)
        {
            var end = MatchSequence(items, k + 1, text, ends[count], ref budget);
            if (end >= 0)
            {
                return end;
            }
        }
        return -1;
    }

    private static bool IsBoundary(ReadOnlySpan<char> text, int pos)
    {
        var before = pos > 0 && SimpleRegexParser.WordChars.Contains(text[pos - 1]);
        var after = pos < text.Length && SimpleRegexParser.WordChars.Contains(text[pos]);
        return before != after;
    }
}

/// <summary>A set of ASCII chars as a 128-bit map.</summary>
internal readonly record struct AsciiSet(ulong Low, ulong High)
{
    /// <summary>Whether <paramref name="c"/> (ASCII) is in the set.</summary>
    public bool Contains(char c) => c < 64 ? ((Low >> c) & 1) != 0 : ((High >> (c - 64)) & 1) != 0;

    public AsciiSet Union(AsciiSet other) => new(Low | other.Low, High | other.High);

    public bool Overlaps(AsciiSet other) => (Low & other.Low) != 0 || (High & other.High) != 0;

    public string Members()
    {
        var chars = new System.Text.StringBuilder();
        for (var c = (char)0; c < 128; c++)
        {
            if (Contains(c))
            {
                chars.Append(c);
            }
        }
        return chars.ToString();
    }
}
