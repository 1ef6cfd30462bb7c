namespace Vigil.Analytics.Logs;

/// <summary>One word of a message in canonical form: where it is and what kind of word it is.</summary>
internal struct TokenSlice
{
    public int Start;
    public int Length;

    /// <summary>The whole word is a variable (<c>&lt;*&gt;</c> after canonicalisation).</summary>
    public bool IsVariable;

    /// <summary>
    /// <see cref="LineTokens.WordHash"/> of the word, for the template index. Only set by <see cref="LineTokens.HashWords"/>,
    /// which the miner calls on a skeleton-cache miss: a hit never needs per-word hashes.
    /// </summary>
    public int Hash;
}

/// <summary>
/// Splits a masked message into words and writes each word in canonical form, without allocating: within a word,
/// every part between delimiters that holds a mask or only digits becomes <c>&lt;*&gt;</c>, and adjacent masks join —
/// the WV, DG, DV and CV rules of Khan et al. that the Loghub-2.0 ground truth follows (see <see cref="TemplateText"/>).
/// So <c>attempt_&lt;*&gt;_m_&lt;*&gt;</c> and <c>&lt;*&gt;</c> are the same word, while <c>core.&lt;*&gt;</c> keeps its constant part.
/// </summary>
internal static class LineTokens
{
    /// <summary>Largest canonical text for a masked text of <paramref name="length"/> chars.</summary>
    public static int MaxCanonicalLength(int length) => (length * 3) + 3;

    public static int Split(ReadOnlySpan<char> text, Span<char> canonical, TokenSlice[] tokens, int maxTokens)
    {
        // One pass, char by char: each word is copied as it is scanned and only a word holding a digit or a mask is
        // rewritten afterwards. (Searching for the word's end and then for a digit in it, two vectorised calls per
        // word, cost more than this loop on words of a few chars.)
        var count = 0;
        var i = 0;
        var w = 0;
        var parenthesised = false;
        while (i < text.Length)
        {
            while (i < text.Length && IsSpace(text[i]))
            {
                i++;
            }
            if (i == text.Length)
            {
                break;
            }
            var start = i;
            var outStart = w;
            if (count == maxTokens - 1)
            {
                // Fold the tail into one last token so work and memory per line stay bounded.
                var end = text.Length;
                while (IsSpace(text[end - 1]))
                {
                    end--;
                }
                i = end;
                w += Canonicalize(text[start..i], canonical[w..]);
            }
            else
            {
                var rewrite = false;
                while (i < text.Length)
                {
                    var c = text[i];
                    if (c is ' ' or '\t')
                    {
                        break;
                    }
                    rewrite |= char.IsAsciiDigit(c) || c == '<';
                    canonical[w++] = c;
                    i++;
                }
                if (rewrite || (i - start >= 4 && MayEndWithBoolean(text[i - 1]) && EndsWithBooleanSlow(text[start..i])))
                {
                    w = outStart + Canonicalize(text[start..i], canonical[outStart..]);
                }
            }
            var length = w - outStart;
            parenthesised |= canonical[outStart] == '(';
            tokens[count++] = new TokenSlice
            {
                Start = outStart,
                Length = length,
                IsVariable = length == 3 && canonical[outStart] == '<' && canonical[outStart + 1] == '*' && canonical[outStart + 2] == '>',
            };
        }
        return parenthesised ? FoldValueLists(canonical, tokens, count) : count;
    }

    /// <summary>
    /// A parenthesised list of two or more values right after a word — "1190 bytes (1.16 KB) sent", "took 31 ms (0.03
    /// s)" once masked — is folded into that word: "bytes (&lt;*&gt; &lt;*&gt;)" is one word. A message prints such a
    /// restatement only sometimes (Proxifier: "0 bytes sent" beside "1190 bytes (1.16 KB) sent"); as separate words it
    /// would make the two forms different lengths, which no template merge can join. One value in parentheses
    /// ("connection from &lt;*&gt; (&lt;*&gt;) at") stays a word of its own: there the empty and named forms
    /// ("()", "(host.example)") are siblings of one length.
    /// </summary>
    private static int FoldValueLists(Span<char> canonical, TokenSlice[] tokens, int count)
    {
        for (var k = 1; k < count; k++)
        {
            var last = ValueListEnd(canonical, tokens, k, count);
            if (last < 0)
            {
                continue;
            }
            // Words are back to back in the buffer: move the tail right by one space per folded word, then lay the
            // list's words out again, right to left, each after a space.
            var spaces = last - k + 1;
            var listEnd = tokens[last].Start + tokens[last].Length;
            var textEnd = tokens[count - 1].Start + tokens[count - 1].Length;
            canonical[listEnd..textEnd].CopyTo(canonical[(listEnd + spaces)..]);
            var w = listEnd + spaces;
            for (var j = last; j >= k; j--)
            {
                w -= tokens[j].Length;
                canonical.Slice(tokens[j].Start, tokens[j].Length).CopyTo(canonical[w..]);
                canonical[--w] = ' ';
            }
            tokens[k - 1].Length = listEnd + spaces - tokens[k - 1].Start;
            tokens[k - 1].IsVariable = false;
            for (var j = last + 1; j < count; j++)
            {
                var moved = tokens[j];
                moved.Start += spaces;
                tokens[j - spaces] = moved;
            }
            count -= spaces;
        }
        return count;
    }

    /// <summary>
    /// The index of the last word of a parenthesised list of two or more values starting at word <paramref name="first"/>
    /// ("(&lt;*&gt;", "&lt;*&gt;,", "&lt;*&gt;)"), or -1.
    /// </summary>
    private static int ValueListEnd(ReadOnlySpan<char> canonical, TokenSlice[] tokens, int first, int count)
    {
        const int MaxValues = 4;
        for (var j = first; j < count && j < first + MaxValues; j++)
        {
            var word = canonical.Slice(tokens[j].Start, tokens[j].Length);
            if (j == first)
            {
                if (word[0] != '(')
                {
                    return -1;
                }
                word = word[1..];
            }
            var closes = word.Length > 0 && word[^1] == ')';
            if (closes)
            {
                word = word[..^1];
            }
            else if (word.Length > 0 && word[^1] is ',' or ';')
            {
                word = word[..^1];
            }
            if (!word.SequenceEqual(BuiltInMasks.Wildcard))
            {
                return -1;
            }
            if (closes)
            {
                return j > first ? j : -1;
            }
        }
        return -1;
    }

    /// <summary>Writes the canonical form of one word; returns its length.</summary>
    internal static int Canonicalize(ReadOnlySpan<char> word, Span<char> output)
    {
        if (!word.ContainsAny(DigitsOrMask) && !EndsWithBoolean(word))
        {
            word.CopyTo(output);
            return word.Length; // the common case: nothing to rewrite
        }
        var w = 0;
        var i = 0;
        var wildcards = 0;
        while (i < word.Length)
        {
            if (IsDelimiter(word[i]))
            {
                output[w++] = word[i++];
                continue;
            }
            var start = i;
            var onlyDigits = true;
            var masked = false;
            while (i < word.Length && !IsDelimiter(word[i]))
            {
                var c = word[i];
                if (c == '<' && i + 2 < word.Length && word[i + 1] == '*' && word[i + 2] == '>')
                {
                    masked = true;
                    i += 3;
                    continue;
                }
                onlyDigits &= char.IsAsciiDigit(c);
                i++;
            }
            if (masked || onlyDigits || IsBoolean(word[start..i]))
            {
                // DV: "<*>.<*>" is one variable; CV: so is "<*><*>".
                if (w >= 4 && output[w - 1] == '.' && output[(w - 4)..(w - 1)].SequenceEqual(BuiltInMasks.Wildcard))
                {
                    w--;
                    continue;
                }
                if (w >= 3 && output[(w - 3)..w].SequenceEqual(BuiltInMasks.Wildcard))
                {
                    continue;
                }
                if (w >= 1 && output[w - 1] is '-' or '+' && (w == 1 || (IsDelimiter(output[w - 2]) && output[w - 2] is not ('-' or '+'))))
                {
                    w--; // a sign: "=-<*>" and "(-<*>" hold one signed value, "x-<*>" a name and a number
                }
                BuiltInMasks.Wildcard.CopyTo(output[w..]);
                w += 3;
                wildcards++;
            }
            else
            {
                word[start..i].CopyTo(output[w..]);
                w += i - start;
            }
        }
        return wildcards >= 3 ? JoinBrokenUuids(output, w) : w;
    }

    /// <summary>
    /// A UUID that an earlier mask cut up (a source's <c>\d+</c> runs before the built-in UUID mask sees it) comes out
    /// as five dash-separated parts, each a mask or hex letters: "&lt;*&gt;-&lt;*&gt;-&lt;*&gt;-bddd-&lt;*&gt;". That is one value.
    /// </summary>
    private static int JoinBrokenUuids(Span<char> text, int length)
    {
        var i = 0;
        while (i < length)
        {
            var found = text[i..length].IndexOf(BuiltInMasks.Wildcard);
            if (found < 0)
            {
                return length;
            }
            var start = i + found;
            // Back up over hex letters to the start of the first part.
            var first = start;
            while (first > 0 && char.IsAsciiHexDigit(text[first - 1]) && !char.IsAsciiDigit(text[first - 1]))
            {
                first--;
            }
            if (first > 0 && (char.IsAsciiLetterOrDigit(text[first - 1]) || text[first - 1] == '-'))
            {
                i = start + 3;
                continue;
            }
            var end = first;
            var parts = 0;
            var masks = 0;
            while (true)
            {
                if (text[end..length].StartsWith(BuiltInMasks.Wildcard))
                {
                    end += 3;
                    masks++;
                }
                else
                {
                    var hex = end;
                    while (hex < length && char.IsAsciiHexDigit(text[hex]) && !char.IsAsciiDigit(text[hex]))
                    {
                        hex++;
                    }
                    if (hex == end)
                    {
                        break;
                    }
                    end = hex;
                }
                parts++;
                if (parts == 5 || end >= length || text[end] != '-')
                {
                    break;
                }
                end++;
            }
            var endsValue = end >= length || !(char.IsAsciiLetterOrDigit(text[end]) || text[end] is '-' or '<');
            if (parts == 5 && masks >= 3 && endsValue)
            {
                BuiltInMasks.Wildcard.CopyTo(text[first..]);
                text[end..length].CopyTo(text[(first + 3)..]);
                length -= end - first - 3;
                i = first + 3;
            }
            else
            {
                i = start + 3;
            }
        }
        return length;
    }

    /// <summary>
    /// Whether the word's last part is "true" or "false" (<c>true</c>, <c>enabled=false,</c>, <c>isOverlap:true</c>): a
    /// flag's value, a variable like a number. One look at the last letter keeps this off every other word's path.
    /// </summary>
    private static bool EndsWithBoolean(ReadOnlySpan<char> word) =>
        word.Length >= 4 && MayEndWithBoolean(word[^1]) && EndsWithBooleanSlow(word);

    /// <summary>Whether a word ending in <paramref name="last"/> can end in a flag's value: "…true", "…false,", "(true)".</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool MayEndWithBoolean(char last) => (last | 0x20) == 'e' || last is ',' or ')' or ';' or ']' or '}' or '"' or '\'' or '.';

    private static bool EndsWithBooleanSlow(ReadOnlySpan<char> word)
    {
        var end = word.Length;
        while (end > 0 && IsDelimiter(word[end - 1]))
        {
            end--;
        }
        if (end < 4 || (word[end - 1] | 0x20) != 'e')
        {
            return false;
        }
        word = word[..end];
        var length = word.EndsWith("true", StringComparison.OrdinalIgnoreCase) ? 4
            : word.EndsWith("false", StringComparison.OrdinalIgnoreCase) ? 5 : 0;
        return length > 0 && (length == word.Length || IsDelimiter(word[^(length + 1)]));
    }

    private static bool IsBoolean(ReadOnlySpan<char> part) =>
        part.Length is 4 or 5 && (part.Equals("true", StringComparison.OrdinalIgnoreCase) || part.Equals("false", StringComparison.OrdinalIgnoreCase));

    private static readonly System.Buffers.SearchValues<char> DigitsOrMask = System.Buffers.SearchValues.Create("0123456789<");

    /// <summary>Khan et al.'s token delimiters (without whitespace, which already split the words).</summary>
    private const string Delimiters = ",!;:=|\"'[](){}.-+@#$%&";

    // The delimiters as a bit set over ASCII (all of them are in 32..127: bit c - 64 of DelimitersHigh, bit c of
    // DelimitersLow): the pattern-match form was too big to inline, and it runs for every char of every word holding a
    // digit or a mask.
    private static readonly ulong DelimitersLow = Bits(Delimiters, 0);
    private static readonly ulong DelimitersHigh = Bits(Delimiters, 64);

    private static ulong Bits(string chars, int from)
    {
        var bits = 0UL;
        foreach (var c in chars)
        {
            if (c >= from && c < from + 64)
            {
                bits |= 1UL << (c - from);
            }
        }
        return bits;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool IsDelimiter(char c) =>
        c < 64 ? ((DelimitersLow >> c) & 1) != 0 : c < 128 && ((DelimitersHigh >> (c - 64)) & 1) != 0;

    /// <summary>
    /// A fast non-cryptographic hash of a word, four chars per step. Collisions only cost a cache miss: every cache hit
    /// is verified word by word (<see cref="TemplateState.Covers"/>).
    /// </summary>
    internal static int WordHash(ReadOnlySpan<char> word)
    {
        var h = 0xcbf29ce484222325UL ^ (ulong)word.Length;
        var chunks = System.Runtime.InteropServices.MemoryMarshal.Cast<char, ulong>(word);
        foreach (var chunk in chunks)
        {
            h = System.Numerics.BitOperations.RotateLeft((h ^ chunk) * 0x9E3779B97F4A7C15UL, 29);
        }
        for (var i = chunks.Length * 4; i < word.Length; i++)
        {
            h = (h ^ word[i]) * 0x100000001b3UL;
        }
        h ^= h >> 31;
        return (int)h ^ (int)(h >> 32);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n' or '\v' or '\f';

    /// <summary>Fills in <see cref="TokenSlice.Hash"/> of every word (needed only off the fast path).</summary>
    public static void HashWords(ReadOnlySpan<char> canonical, Span<TokenSlice> tokens)
    {
        foreach (ref var t in tokens)
        {
            t.Hash = WordHash(canonical.Slice(t.Start, t.Length));
        }
    }

    /// <summary>
    /// Hash of the message's shape: its length and its canonical words. Messages of one shape almost always share a
    /// template, so this keys the fast-path cache. <see cref="Split"/> writes the words back to back from index 0, so
    /// the word lengths plus one pass over the whole canonical text identify them; hashing the text in one run instead
    /// of word by word saves a call and a tail loop per word on every line.
    /// </summary>
    public static ulong SkeletonKey(ReadOnlySpan<char> canonical, ReadOnlySpan<TokenSlice> tokens)
    {
        var h = 0x9E3779B97F4A7C15UL ^ (ulong)tokens.Length;
        foreach (ref readonly var t in tokens)
        {
            h = (h ^ (uint)t.Length) * 0xff51afd7ed558ccdUL;
        }
        var text = tokens.Length == 0 ? default : canonical[..(tokens[^1].Start + tokens[^1].Length)];
        var chunks = System.Runtime.InteropServices.MemoryMarshal.Cast<char, ulong>(text);
        foreach (var chunk in chunks)
        {
            h = System.Numerics.BitOperations.RotateLeft((h ^ chunk) * 0x9E3779B97F4A7C15UL, 29);
        }
        for (var i = chunks.Length * 4; i < text.Length; i++)
        {
            h = (h ^ text[i]) * 0x100000001b3UL;
        }
        h ^= h >> 32;
        return h;
    }
}
