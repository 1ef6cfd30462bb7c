using System.Text;

namespace Vigil.Core.Matching;

/// <summary>
/// Parses matchers in the syntax Alertmanager and amtool use: <c>name="value"</c>, <c>name=~"re"</c>,
/// <c>name!=value</c>, optionally a list inside braces separated by commas: <c>{a="1",b=~"x.*"}</c>.
/// Unquoted values run to the next comma or closing brace.
/// </summary>
public static class MatcherParser
{
    public static IReadOnlyList<Matcher> ParseList(string input)
    {
        var text = input.Trim();
        if (text.StartsWith('{'))
        {
            if (!text.EndsWith('}'))
            {
                throw new MatcherException($"missing closing '}}' in \"{input}\"");
            }
            text = text[1..^1];
        }
        var result = new List<Matcher>();
        var pos = 0;
        while (true)
        {
            SkipSpaces(text, ref pos);
            if (pos >= text.Length)
            {
                break;
            }
            result.Add(ParseOne(text, ref pos, input));
            SkipSpaces(text, ref pos);
            if (pos < text.Length)
            {
                if (text[pos] != ',')
                {
                    throw new MatcherException($"expected ',' at position {pos + 1} in \"{input}\"");
                }
                pos++;
            }
        }
        return result;
    }

    public static Matcher Parse(string input)
    {
        var list = ParseList(input);
        return list.Count == 1 ? list[0] : throw new MatcherException($"expected exactly one matcher in \"{input}\"");
    }

    private static Matcher ParseOne(string text, ref int pos, string input)
    {
        var start = pos;
        while (pos < text.Length && (char.IsLetterOrDigit(text[pos]) || text[pos] is '_' or '.' or '-' or ':' or '/'))
        {
            pos++;
        }
        var name = text[start..pos];
        if (name.Length == 0)
        {
            throw new MatcherException($"expected a label name at position {start + 1} in \"{input}\"");
        }
        SkipSpaces(text, ref pos);
        MatchType type;
        if (Follows(text, pos, "=~")) { type = MatchType.Regex; pos += 2; }
        else if (Follows(text, pos, "!~")) { type = MatchType.NotRegex; pos += 2; }
        else if (Follows(text, pos, "!=")) { type = MatchType.NotEqual; pos += 2; }
        else if (Follows(text, pos, "=")) { type = MatchType.Equal; pos += 1; }
        else
        {
            throw new MatcherException($"expected one of =, !=, =~, !~ after \"{name}\" in \"{input}\"");
        }
        SkipSpaces(text, ref pos);
        var value = pos < text.Length && text[pos] == '"' ? ReadQuoted(text, ref pos, input) : ReadBare(text, ref pos);
        return Matcher.Create(name, type, value);
    }

    private static string ReadQuoted(string text, ref int pos, string input)
    {
        var sb = new StringBuilder();
        pos++; // opening quote
        while (pos < text.Length)
        {
            var c = text[pos++];
            if (c == '"')
            {
                return sb.ToString();
            }
            if (c == '\\' && pos < text.Length)
            {
                var next = text[pos++];
                sb.Append(next switch { 'n' => '\n', 't' => '\t', _ => next });
                if (next is not ('n' or 't' or '"' or '\\'))
                {
                    // Keep unknown escapes (e.g. regex "\d") intact.
                    sb.Insert(sb.Length - 1, '\\');
                }
                continue;
            }
            sb.Append(c);
        }
        throw new MatcherException($"unterminated quoted value in \"{input}\"");
    }

    private static string ReadBare(string text, ref int pos)
    {
        var start = pos;
        while (pos < text.Length && text[pos] != ',')
        {
            pos++;
        }
        return text[start..pos].Trim();
    }

    private static bool Follows(string text, int pos, string op) =>
        string.CompareOrdinal(text, pos, op, 0, op.Length) == 0;

    private static void SkipSpaces(string text, ref int pos)
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos]))
        {
            pos++;
        }
    }
}
