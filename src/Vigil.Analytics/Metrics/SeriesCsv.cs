using System.Globalization;

namespace Vigil.Analytics.Metrics;

/// <summary>
/// Reads NAB's metric format: a header line, then <c>timestamp,value</c> rows (a first line that reads as a row is
/// one: the file has no header). An empty value, <c>NaN</c> or ±<c>inf</c> is a missing sample (kept, so outputs stay
/// row for row); anything else unreadable is an error naming the line.
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
        var headerFields = CsvLine.Split(header, out _);
        var columns = headerFields?.Count ?? 0;
        if (columns < 2)
        {
            throw new SeriesFormatException($"{name}:1: expected a header with two columns, e.g. 'timestamp,value'");
        }
        var timestamps = new List<DateTime>();
        var values = new List<double>();
        var lines = new List<int>();
        if (TimestampParser.Ambiguity(headerFields![0]) is { } firstAmbiguity)
        {
            throw new SeriesFormatException($"{name}:1: cannot read the timestamp '{Shorten(headerFields[0])}': {firstAmbiguity}");
        }
        // A file without a header: a first line that reads as a row is one (it was taken for the header and lost).
        if (TimestampParser.TryParse(headerFields![0], out var firstTime) && TryParseValue(headerFields[1], out var firstValue))
        {
            timestamps.Add(firstTime);
            values.Add(firstValue);
            lines.Add(1);
        }
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var fields = CsvLine.Split(line, out var problem)
                ?? throw new SeriesFormatException($"{name}:{lineNumber}: {problem} in '{Shorten(line)}'");
            if (fields.Count < 2)
            {
                throw new SeriesFormatException($"{name}:{lineNumber}: expected 'timestamp,value', got '{Shorten(line)}'");
            }
            // Extra columns are ignored when the header names them (a NAB results file); a row with more fields than
            // its header (empty ones aside: a trailing comma) most likely holds a number written with a thousands
            // separator (1,500), which must not be read as 1.
            if (fields.Skip(columns).Any(extra => extra.Length > 0))
            {
                throw new SeriesFormatException($"{name}:{lineNumber}: {fields.Count} fields but the header has {columns} in '{Shorten(line)}' (write numbers without a thousands separator)");
            }
            if (!TimestampParser.TryParse(fields[0], out var time))
            {
                var why = TimestampParser.Ambiguity(fields[0]) is { } ambiguity ? $": {ambiguity}" : "";
                throw new SeriesFormatException($"{name}:{lineNumber}: cannot read the timestamp '{Shorten(fields[0])}'{why}");
            }
            if (!TryParseValue(fields[1], out var value))
            {
                throw new SeriesFormatException($"{name}:{lineNumber}: cannot read the value '{Shorten(fields[1])}'");
            }
            timestamps.Add(time);
            values.Add(value);
            lines.Add(lineNumber);
        }
        return new MetricSeries([.. timestamps], [.. values]) { Lines = [.. lines] };
    }

    /// <summary>A number, or a missing value: empty, NaN, ±Inf and ±Infinity (any case; pandas writes inf).</summary>
    private static bool TryParseValue(string text, out double value)
    {
        if (text.Length == 0 || text.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }
        var unsigned = text.TrimStart('+', '-');
        if (unsigned.Length == text.Length - 1 || unsigned.Length == text.Length)
        {
            if (unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("infinity", StringComparison.OrdinalIgnoreCase))
            {
                value = text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
                return true;
            }
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
