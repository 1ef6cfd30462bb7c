namespace Vigil.Analytics.Logs;

/// <summary>One word of a message in canonical form: where it is and what kind of word it is.</summary>
internal struct TokenSlice
{
    public int Start;
    public int Length;

    /// <summary>The whole word is a variable (<c>&lt;*&gt;</c> after canonicalisation).</summary>
    public bool IsVariable;

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
        var count = 0;
        var i = 0;
        var w = 0;
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
            if (count == maxTokens - 1)
            {
                // Fold the tail into one last token so work and memory per line stay bounded.
                var end = text.Length;
                while (IsSpace(text[end - 1]))
                {
                    end--;
                }
                i = end;
            }
            else
            {
                var next = text[i..].IndexOfAny(' ', '\t');
                i = next < 0 ? text.Length : i + next;
            }
            var outStart = w;
            w += Canonicalize(text[start..i], canonical[w..]);
            var word = canonical[outStart..w];
            tokens[count++] = new TokenSlice
            {
                Start = outStart,
                Length = w - outStart,
                IsVariable = word.SequenceEqual(BuiltInMasks.Wildcard),
                Hash = WordHash(word),
            };
        }
        return count;
    }

    /// <summary>Writes the canonical form of one word; returns its length.</summary>
    internal static int Canonicalize(ReadOnlySpan<char> word, Span<char> output)
    {
        if (!word.ContainsAny(DigitsOrMask))
        {
            word.CopyTo(output);
            return word.Length; // the common case: nothing to rewrite
        }
        var w = 0;
        var i = 0;
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
            if (masked || onlyDigits)
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
                BuiltInMasks.Wildcard.CopyTo(output[w..]);
                w += 3;
            }
            else
            {
                word[start..i].CopyTo(output[w..]);
                w += i - start;
            }
        }
        return w;
    }

    private static readonly System.Buffers.SearchValues<char> DigitsOrMask = System.Buffers.SearchValues.Create("0123456789<");

    /// <summary>Khan et al.'s token delimiters (without whitespace, which already split the words).</summary>
    private static bool IsDelimiter(char c) =>
        c is ',' or '!' or ';' or ':' or '=' or '|' or '"' or '\'' or '[' or ']' or '(' or ')' or '{' or '}'
            or '.' or '-' or '+' or '@' or '#' or '$' or '%' or '&';

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

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n' or '\v' or '\f';

    /// <summary>
    /// Hash of the message's shape: its length and its canonical words. Messages of one shape almost always share a
    /// template, so this keys the fast-path cache.
    /// </summary>
    public static ulong SkeletonKey(ReadOnlySpan<TokenSlice> tokens)
    {
        var h = 0x9E3779B97F4A7C15UL ^ (ulong)tokens.Length;
        foreach (ref readonly var t in tokens)
        {
            h = (h ^ (uint)t.Hash) * 0xff51afd7ed558ccdUL;
            h ^= h >> 32;
        }
        return h;
    }
}
