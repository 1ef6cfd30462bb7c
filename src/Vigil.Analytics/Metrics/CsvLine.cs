using System.Text;

namespace Vigil.Analytics.Metrics;

/// <summary>
/// One CSV line split into fields as RFC 4180 has it: a field in double quotes may hold commas, and <c>""</c> inside it
/// is one quote. Splitting at the first comma read <c>"1,5"</c> as 1 and <c>"1,500"</c> as 1. Fields are trimmed;
/// a quoted field spanning lines is not supported (a metric value has no line break).
/// </summary>
internal static class CsvLine
{
    /// <summary>The fields, or null with <paramref name="problem"/> saying why the line cannot be split.</summary>
    public static List<string>? Split(string line, out string? problem)
    {
        var fields = new List<string>();
        var i = 0;
        while (true)
        {
            while (i < line.Length && line[i] is ' ' or '\t')
            {
                i++;
            }
            if (i < line.Length && line[i] == '"')
            {
                var field = new StringBuilder();
                for (i++; ; i++)
                {
                    if (i >= line.Length)
                    {
                        problem = "a quoted field is not closed";
                        return null;
                    }
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i++;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(line[i]);
                }
                while (i < line.Length && line[i] is ' ' or '\t')
                {
                    i++;
                }
                if (i < line.Length && line[i] != ',')
                {
                    problem = "text after a closing quote";
                    return null;
                }
                fields.Add(field.ToString().Trim());
            }
            else
            {
                var comma = line.IndexOf(',', i);
                var end = comma < 0 ? line.Length : comma;
                fields.Add(line[i..end].Trim());
                i = end;
            }
            if (i >= line.Length)
            {
                problem = null;
                return fields;
            }
            i++; // past the comma
        }
    }
}
