using System.Text;

namespace Vigil.Analytics.Logs;

/// <summary>
/// Writes templates the way the Loghub-2.0 ground truth writes them, following the template-correction rules of
/// Khan et al., "Guidelines for Assessing the Accuracy of Log Message Template Identification Techniques" (ICSE 2022),
/// which Loghub-2.0 used to correct its annotations: DS (single spaces), PS (path-like words), DG (digit-only words),
/// WV (a word glued to a variable is a variable), DV and CV (variables joined by '.' or nothing are one variable).
/// </summary>
/// <remarks>Runs only when a template changes, never per message.</remarks>
public static class TemplateText
{
    private const string Wildcard = BuiltInMasks.Wildcard;

    /// <summary>Applies the correction rules to a template (or any text with <c>&lt;*&gt;</c> in it).</summary>
    public static string Canonicalize(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var spaced = CollapseSpaces(template);
        var words = SplitKeeping(spaced, IsPathDelimiter);
        for (var i = 0; i < words.Count; i++)
        {
            if (IsPathLike(words[i]))
            {
                words[i] = Wildcard;
            }
        }
        var parts = SplitKeeping(string.Concat(words), IsTokenDelimiter);
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (part.Length > 0 && IsAllDigits(part))
            {
                parts[i] = Wildcard;
            }
            else if (part.Contains(Wildcard, StringComparison.Ordinal) && !part.Contains('/', StringComparison.Ordinal))
            {
                parts[i] = Wildcard;
            }
        }
        var text = string.Concat(parts);
        text = Collapse(text, "<*>.<*>");
        return Collapse(text, "<*><*>");
    }

    private static string Collapse(string text, string pair)
    {
        while (text.Contains(pair, StringComparison.Ordinal))
        {
            text = text.Replace(pair, Wildcard, StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>Trims and turns each run of whitespace into one space.</summary>
    public static string CollapseSpaces(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool IsPathDelimiter(char c) => char.IsWhiteSpace(c) || c is ',' or '!' or ';' or ':' or '=' or '|' or '"' or '\'' or '[' or ']' or '(' or ')' or '{' or '}';

    private static bool IsTokenDelimiter(char c) => IsPathDelimiter(c) || c is '.' or '-' or '+' or '@' or '#' or '$' or '%' or '&';

    /// <summary>^(/[^/]+)+$</summary>
    private static bool IsPathLike(string word)
    {
        if (word.Length < 2 || word[0] != '/')
        {
            return false;
        }
        for (var i = 1; i < word.Length; i++)
        {
            if (word[i] == '/' && word[i - 1] == '/')
            {
                return false;
            }
        }
        return word[^1] != '/';
    }

    private static bool IsAllDigits(string s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Splits into maximal runs of non-delimiters and single delimiters, in order (joining gives the input).</summary>
    private static List<string> SplitKeeping(string text, Func<char, bool> isDelimiter)
    {
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (isDelimiter(text[i]))
            {
                if (i > start)
                {
                    parts.Add(text[start..i]);
                }
                parts.Add(text[i].ToString());
                start = i + 1;
            }
        }
        if (start < text.Length)
        {
            parts.Add(text[start..]);
        }
        return parts;
    }
}
