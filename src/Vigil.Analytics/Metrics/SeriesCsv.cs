using System.Globalization;

namespace Vigil.Analytics.Metrics;

/// <summary>
/// Reads NAB's metric format: a header line, then <c>timestamp,value</c> rows (a first line that reads as a row is
/// one: the file has no header). An empty value, <c>NaN</c> or ±<c>inf</c> is a missing sample (kept, so outputs stay
/// row for row); anything else unreadable, or a number beyond ±<see cref="double.MaxValue"/> (<c>1e400</c>), is an
/// error naming the line. A line longer than <see cref="MaxLineLength"/> is one too, so memory stays bounded whatever
/// the file holds (<c>/dev/zero</c> was read without end), and so is a row past <see cref="MaxRows"/>.
/// </summary>
public static class SeriesCsv
{
    /// <summary>Longest line read, in characters: NAB's rows are a few dozen, its results files' about a hundred.</summary>
    public const int MaxLineLength = 64 * 1024;

    /// <summary>Most rows read (a year of samples every 3 s; NAB's longest file has 22,695): the series is held in
    /// memory, ~20 bytes a row, so an endless stream of valid rows must end somewhere short of the machine's memory.</summary>
    public const int MaxRows = 10_000_000;

    public static MetricSeries Read(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, Path.GetFileName(path));
    }

    public static MetricSeries Read(TextReader text, string name) => Read(text, name, MaxRows);

    internal static MetricSeries Read(TextReader text, string name, int maxRows)
    {
        var reader = new BoundedLineReader(text, name);
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
        if (TimestampParser.TryParse(headerFields![0], out var firstTime) && ParseValue(headerFields[1], out var firstValue) is var first
            && first != ValueReading.Unreadable)
        {
            if (first == ValueReading.OutOfRange)
            {
                throw OutOfRange(name, 1, headerFields[1]);
            }
            timestamps.Add(firstTime);
            values.Add(firstValue);
            lines.Add(1);
        }
        while (reader.ReadLine() is { } line)
        {
            var lineNumber = reader.LineNumber;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            if (timestamps.Count == maxRows)
            {
                throw new SeriesFormatException($"{name}:{lineNumber}: more than {maxRows:N0} rows; split the file");
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
            switch (ParseValue(fields[1], out var value))
            {
                case ValueReading.Unreadable:
                    throw new SeriesFormatException($"{name}:{lineNumber}: cannot read the value '{Shorten(fields[1])}'");
                case ValueReading.OutOfRange:
                    throw OutOfRange(name, lineNumber, fields[1]);
            }
            timestamps.Add(time);
            values.Add(value);
            lines.Add(lineNumber);
        }
        return new MetricSeries([.. timestamps], [.. values]) { Lines = [.. lines] };
    }

    private enum ValueReading
    {
        /// <summary>A number, or a missing value.</summary>
        Read,

        /// <summary>Not a number.</summary>
        Unreadable,

        /// <summary>A number too large for a double (<c>1e400</c>).</summary>
        OutOfRange,
    }

    /// <summary>
    /// A number, or a missing value: empty, NaN, ±Inf and ±Infinity (any case; pandas writes inf). A number beyond
    /// ±double.MaxValue is out of range: <see cref="double.TryParse(string?, out double)"/> rounds it to infinity, which
    /// made it a missing sample without a word.
    /// </summary>
    private static ValueReading ParseValue(string text, out double value)
    {
        if (text.Length == 0 || text.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return ValueReading.Read;
        }
        var unsigned = text.TrimStart('+', '-');
        if (unsigned.Length == text.Length - 1 || unsigned.Length == text.Length)
        {
            if (unsigned.Equals("inf", StringComparison.OrdinalIgnoreCase) || unsigned.Equals("infinity", StringComparison.OrdinalIgnoreCase))
            {
                value = text[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
                return ValueReading.Read;
            }
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return ValueReading.Unreadable;
        }
        return double.IsFinite(value) ? ValueReading.Read : ValueReading.OutOfRange;
    }

    private static SeriesFormatException OutOfRange(string name, int line, string text) =>
        new($"{name}:{line}: the value '{Shorten(text)}' is out of range (beyond ±1.8e308); write inf or leave it empty for a missing value");

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
