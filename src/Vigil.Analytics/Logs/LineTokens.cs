namespace Vigil.Analytics.Logs;

/// <summary>One whitespace-separated word of a masked message: where it is and whether it looks variable.</summary>
internal struct TokenSlice
{
    public int Start;
    public int Length;

    /// <summary>Contains a digit or a mask: a variable by Drain's heuristic, so it never splits templates.</summary>
    public bool LooksVariable;

    public int Hash;
}

/// <summary>Splits a masked message into words without allocating (the slices live in a reused array).</summary>
internal static class LineTokens
{
    public static int Split(ReadOnlySpan<char> text, TokenSlice[] tokens, int maxTokens)
    {
        var count = 0;
        var i = 0;
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
            var word = text[start..i];
            tokens[count++] = new TokenSlice
            {
                Start = start,
                Length = i - start,
                LooksVariable = word.IndexOfAnyInRange('0', '9') >= 0 || word.Contains(BuiltInMasks.Wildcard, StringComparison.Ordinal),
                Hash = string.GetHashCode(word, StringComparison.Ordinal),
            };
        }
        return count;
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n' or '\v' or '\f';

    /// <summary>
    /// Hash of the message's shape: its length and its constant words, with every variable-looking word the same.
    /// Messages of one shape almost always share a template, so this keys the fast-path cache.
    /// </summary>
    public static ulong SkeletonKey(ReadOnlySpan<TokenSlice> tokens)
    {
        var h = 0x9E3779B97F4A7C15UL ^ (ulong)tokens.Length;
        foreach (ref readonly var t in tokens)
        {
            var word = t.LooksVariable ? 0x5bd1e995u : (uint)t.Hash;
            h = (h ^ word) * 0xff51afd7ed558ccdUL;
            h ^= h >> 32;
        }
        return h;
    }
}
