namespace Vigil.Analytics.Logs;

/// <summary>
/// What the words seen at one position of otherwise identical templates say about that position: the evidence
/// <see cref="LogMiner"/>'s sibling merge weighs before it turns a word into a variable (measurements in
/// docs/log-mining.md, "Generalisation").
/// </summary>
internal static class PositionEvidence
{
    /// <summary>Extra distinct values needed when they are all capitalised words (1 and 3 measured the same as 2).</summary>
    private const int VocabularyExtra = 2;

    /// <summary>
    /// Distinct values needed before the position counts as data. Capitalised words (GET / POST / DELETE, Started /
    /// Stopped / Paused) are an enumeration's names and need a few more than lower-case data such as user and host names.
    /// </summary>
    internal static int ValuesNeeded(HashSet<string> distinct, int mergeAfter) => mergeAfter + (AllCapitalised(distinct) ? VocabularyExtra : 0);

    /// <summary>Whether a word is made of symbols only ("****" among fan speeds, "-" for a missing field): a placeholder the message prints, not a value.</summary>
    internal static bool AnyPlaceholder(HashSet<string> words)
    {
        foreach (var word in words)
        {
            if (!word.Contains(BuiltInMasks.Wildcard, StringComparison.Ordinal) && !word.AsSpan().ContainsAnyExcept(SymbolChars))
            {
                return true;
            }
        }
        return false;
    }

    private static readonly System.Buffers.SearchValues<char> SymbolChars = System.Buffers.SearchValues.Create("*-_=#~.+?!/|<>");

    /// <summary>
    /// Whether two words are numbered instances of one thing: they differ only in numbers of two or more digits
    /// (bglio91 / bglio716, U01 / U11) or in one letter besides (sda1 / sdb1). Words that differ in their letters
    /// (en0 / awdl0, SOCKS5 / HTTPS) or in a one-digit version (IPV4 / IPV6) are different things.
    /// </summary>
    internal static bool NumberedAlike(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        var a = DigitShape(first);
        var b = DigitShape(second);
        if (a is null || b is null || a.Length != b.Length)
        {
            return false;
        }
        var differences = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i] && (++differences > 1 || !char.IsAsciiLetter(a[i]) || !char.IsAsciiLetter(b[i])))
            {
                return false;
            }
        }
        // Differing in one digit alone is a version, not a numbering: IPV4 / IPV6 (Mac), HTTP1 / HTTP2.
        return differences == 1 || LongestDigitRun(first) >= 2 || LongestDigitRun(second) >= 2;
    }

    /// <summary>
    /// Whether one word is the other with a list of values after it (<see cref="LineTokens"/> folds "bytes (1.16 KB)"
    /// into one word): the same thing, printed with and without a restatement of its value.
    /// </summary>
    internal static bool AnnotatedAlike(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        var shorter = first.Length < second.Length ? first : second;
        var longer = first.Length < second.Length ? second : first;
        return longer.Length > shorter.Length + 2 && longer.StartsWith(shorter) && longer[shorter.Length..].StartsWith(" (");
    }

    private static int LongestDigitRun(ReadOnlySpan<char> word)
    {
        var longest = 0;
        var run = 0;
        foreach (var c in word)
        {
            run = char.IsAsciiDigit(c) ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        return longest;
    }

    /// <summary>The word with every run of digits replaced by '#'; null when it has no digit.</summary>
    private static string? DigitShape(ReadOnlySpan<char> word)
    {
        if (word.IndexOfAnyInRange('0', '9') < 0)
        {
            return null;
        }
        var shape = new System.Text.StringBuilder(word.Length);
        for (var i = 0; i < word.Length; i++)
        {
            if (!char.IsAsciiDigit(word[i]))
            {
                shape.Append(word[i]);
            }
            else if (i == 0 || !char.IsAsciiDigit(word[i - 1]))
            {
                shape.Append('#');
            }
        }
        return shape.ToString();
    }

    /// <summary>Whether every word starts with a capital letter and is letters only (a trailing ':' or ',' allowed).</summary>
    private static bool AllCapitalised(HashSet<string> words)
    {
        foreach (var word in words)
        {
            var w = word.AsSpan().TrimEnd(":,;.\"'");
            w = w.TrimStart("\"'([");
            if (w.Length < 2 || !char.IsAsciiLetterUpper(w[0]))
            {
                return false;
            }
            foreach (var c in w)
            {
                if (!char.IsAsciiLetter(c))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
