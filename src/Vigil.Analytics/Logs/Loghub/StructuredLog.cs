namespace Vigil.Analytics.Logs.Loghub;

/// <summary>One row of a Loghub structured file: the line number and its template.</summary>
public sealed record StructuredRow(long LineId, string EventId, string EventTemplate);

/// <summary>Reads Loghub <c>*_structured.csv</c> files (ground truth or a parser's output): LineId, EventId, EventTemplate.</summary>
public static class StructuredLog
{
    public static List<StructuredRow> Read(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    public static List<StructuredRow> Read(TextReader reader, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        using var records = Csv.Read(reader, name).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new FormatException($"{name}: empty file");
        }
        var header = records.Current;
        var lineId = Array.IndexOf(header, "LineId");
        var eventId = Array.IndexOf(header, "EventId");
        var template = Array.IndexOf(header, "EventTemplate");
        if (lineId < 0 || template < 0)
        {
            throw new FormatException($"{name}: needs the columns LineId and EventTemplate (found: {string.Join(", ", header)})");
        }
        var rows = new List<StructuredRow>();
        var row = 1;
        while (records.MoveNext())
        {
            row++;
            var r = records.Current;
            if (r.Length == 1 && r[0].Length == 0)
            {
                continue;
            }
            if (r.Length <= Math.Max(lineId, Math.Max(eventId, template)) || !long.TryParse(r[lineId], out var id))
            {
                throw new FormatException($"{name}: record {row} is malformed");
            }
            rows.Add(new StructuredRow(id, eventId >= 0 ? r[eventId] : r[template], r[template]));
        }
        return rows;
    }
}
