using System.Globalization;

namespace Vigil.Analytics.Metrics;

/// <summary>
/// Reads NAB's metric format: a header line, then <c>timestamp,value</c> rows. An empty value or <c>NaN</c> is a
/// missing sample (kept, so outputs stay row for row); anything else unreadable is an error naming the line.
/// </summary>
public static class SeriesCsv
{
    public static MetricSeries Read(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, Path.GetFileName(path));
    }

    public static MetricSeries Read(TextReader reader, string name)
    {
        var header = reader.ReadLine() ?? throw new SeriesFormatException($"{name}: the file is empty (expected a 'timestamp,value' header)");
        if (header.Split(',').Length < 2)
        {
            throw new SeriesFormatException($"{name}:1: expected a header with two columns, e.g. 'timestamp,value'");
        }
        var timestamps = new List<DateTime>();
        var values = new List<double>();
        var lines = new List<int>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var span = line.AsSpan().Trim();
            if (span.IsEmpty)
            {
                continue;
            }
            var comma = span.IndexOf(',');
            if (comma < 0)
            {
                throw new SeriesFormatException($"{name}:{lineNumber}: expected 'timestamp,value', got '{Shorten(line)}'");
            }
            if (!TimestampParser.TryParse(span[..comma], out var time))
            {
                throw new SeriesFormatException($"{name}:{lineNumber}: cannot read the timestamp '{Shorten(span[..comma].ToString())}'");
            }
            var valueText = span[(comma + 1)..];
            var nextComma = valueText.IndexOf(',');
            if (nextComma >= 0)
            {
                valueText = valueText[..nextComma]; // extra columns (e.g. a NAB results file) are ignored
            }
            valueText = valueText.Trim().Trim('"');
            double value;
            if (valueText.IsEmpty || valueText.Equals("nan", StringComparison.OrdinalIgnoreCase))
            {
                value = double.NaN;
            }
            else if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                throw new SeriesFormatException($"{name}:{lineNumber}: cannot read the value '{Shorten(valueText.ToString())}'");
            }
            timestamps.Add(time);
            values.Add(value);
            lines.Add(lineNumber);
        }
        return new MetricSeries([.. timestamps], [.. values]) { Lines = [.. lines] };
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
