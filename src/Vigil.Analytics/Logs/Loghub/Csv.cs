using System.Text;

namespace Vigil.Analytics.Logs.Loghub;

/// <summary>RFC 4180 CSV as Loghub's pandas files use it: comma separated, fields quoted when they hold a comma, quote or newline.</summary>
public static class Csv
{
    /// <summary>Appends one field, quoted only when needed.</summary>
    public static void AppendField(StringBuilder sb, ReadOnlySpan<char> value)
    {
        ArgumentNullException.ThrowIfNull(sb);
        if (value.IndexOfAny(",\"\r\n") < 0)
        {
            sb.Append(value);
            return;
        }
        sb.Append('"');
        foreach (var c in value)
        {
            sb.Append(c);
            if (c == '"')
            {
                sb.Append('"');
            }
        }
        sb.Append('"');
    }

    /// <summary>One record as a line (no line break at the end).</summary>
    public static string Line(params IEnumerable<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var sb = new StringBuilder();
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                sb.Append(',');
            }
            AppendField(sb, field);
            first = false;
        }
        return sb.ToString();
    }

    /// <summary>
    /// Reads all records (quoted fields may span lines). A quoted field still open at the end of the input is a
    /// <see cref="FormatException"/> naming <paramref name="name"/> and the line of its opening quote: read as it was,
    /// the rest of the file became that one field's text, silently.
    /// </summary>
    public static IEnumerable<string[]> Read(TextReader reader, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var any = false;
        var line = 1L;
        var quoteLine = 0L;
        int next;
        while ((next = reader.Read()) >= 0)
        {
            var c = (char)next;
            any = true;
            if (c == '\n')
            {
                line++;
            }
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    field.Append(c);
                }
                continue;
            }
            switch (c)
            {
                case '"':
                    inQuotes = true;
                    quoteLine = line;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    yield return [.. fields];
                    fields.Clear();
                    any = false;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }
        if (inQuotes)
        {
            throw new FormatException($"{name}:{quoteLine}: the quoted field opened on this line is not closed (a quote inside a quoted field is written \"\")");
        }
        if (any)
        {
            fields.Add(field.ToString());
            yield return [.. fields];
        }
    }
}
