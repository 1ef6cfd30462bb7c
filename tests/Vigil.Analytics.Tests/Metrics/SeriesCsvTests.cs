using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Tests.Metrics;

public sealed class SeriesCsvTests
{
    private static MetricSeries Read(string text) => SeriesCsv.Read(new StringReader(text), "s.csv");

    [Fact]
    public void Reads_NAB_rows_with_missing_values_kept_as_NaN()
    {
        var series = Read("timestamp,value\n2014-07-01 00:00:00,10844\n2014-07-01 00:30:00,\n2014-07-01T01:00:00Z,NaN\n");
        Assert.Equal(3, series.Count);
        Assert.Equal(new DateTime(2014, 7, 1, 0, 30, 0, DateTimeKind.Utc), series.Timestamps[1]);
        Assert.Equal(10844, series.Values[0]);
        Assert.True(double.IsNaN(series.Values[1]) && double.IsNaN(series.Values[2]));
    }

    [Theory]
    [InlineData("timestamp,value\n2014-07-01 00:00:00,1\nyesterday,2\n", "s.csv:3: cannot read the timestamp 'yesterday'")]
    [InlineData("timestamp,value\n2014-07-01 00:00:00,abc\n", "s.csv:2: cannot read the value 'abc'")]
    [InlineData("timestamp,value\n2014-07-01 00:00:00\n", "s.csv:2: expected 'timestamp,value'")]
    [InlineData("", "s.csv: the file is empty")]
    [InlineData("timestamp,value\n2024-01-01 00:00:00,\"1,5\"\n", "s.csv:2: cannot read the value '1,5'")]
    [InlineData("timestamp,value\n2024-01-01 00:00:00,\"1,500\"\n", "s.csv:2: cannot read the value '1,500'")]
    [InlineData("timestamp,value\n2024-01-01 00:00:00,1,500\n", "s.csv:2: 3 fields but the header has 2")]
    [InlineData("timestamp,value\n2024-01-01 00:00:00,\"15\n", "s.csv:2: a quoted field is not closed")]
    [InlineData("timestamp,value\n0000-01-01 00:00:00,1\n", "s.csv:2: cannot read the timestamp '0000-01-01 00:00:00'")]
    [InlineData("timestamp,value\n-62135596801,1\n", "s.csv:2: cannot read the timestamp '-62135596801'")]
    [InlineData("timestamp,value\n253402300800,1\n", "s.csv:2: cannot read the timestamp '253402300800'")]
    // Out of double's range: read as infinity, then taken for a missing sample without a word (found by fuzzing).
    [InlineData("timestamp,value\n2024-01-01 00:00:00,1e400\n", "s.csv:2: the value '1e400' is out of range")]
    [InlineData("timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,-1E+309\n", "s.csv:3: the value '-1E+309' is out of range")]
    [InlineData("2024-01-01 00:00:00,1e400\n", "s.csv:1: the value '1e400' is out of range")]
    public void Bad_rows_are_errors_that_name_the_line(string text, string message) =>
        Assert.StartsWith(message, Assert.Throws<SeriesFormatException>(() => Read(text)).Message);

    [Fact]
    public void A_line_longer_than_the_maximum_is_an_error_naming_it()
    {
        var text = "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00," + new string('9', SeriesCsv.MaxLineLength) + "\n";
        Assert.StartsWith("s.csv:3: the line is longer than 65,536 characters", Assert.Throws<SeriesFormatException>(() => Read(text)).Message);
    }

    [SkippableFact]
    public void An_endless_file_without_line_breaks_is_refused_at_its_first_line()
    {
        // ReadLine buffered /dev/zero's one endless line until the process was killed (found by fuzzing the CLI).
        Skip.IfNot(File.Exists("/dev/zero"), "/dev/zero is Linux only");
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.StartsWith("zero:1: the line is longer than 65,536 characters", Assert.Throws<SeriesFormatException>(() => SeriesCsv.Read("/dev/zero")).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "read far past the maximum");
    }

    [Fact]
    public void Numbers_up_to_the_largest_double_are_read()
    {
        var series = Read("timestamp,value\n2024-01-01 00:00:00,1.7976931348623157e308\n2024-01-01 01:00:00,-1e308\n2024-01-01 02:00:00,1e-400\n");
        Assert.Equal([double.MaxValue, -1e308, 0.0], series.Values);
    }

    [Fact]
    public void Unix_seconds_at_the_ends_of_the_date_range_are_read()
    {
        var series = Read("timestamp,value\n-62135596799,1\n253402300798,2\n");
        Assert.Equal(DateTime.MinValue.AddSeconds(1), series.Timestamps[0]);
        Assert.Equal(new DateTime(9999, 12, 31, 23, 59, 58, DateTimeKind.Utc), series.Timestamps[1]);
    }

    [Fact]
    public void Quoted_fields_are_read_as_RFC_4180_has_them()
    {
        var series = Read("\"timestamp\",\"value\",\"note, free text\"\n\"2024-01-01 00:00:00\",\"1.5\",\"a \"\"quoted\"\", text\"\n2024-01-01 01:00:00,2,x\n");
        Assert.Equal([1.5, 2.0], series.Values);
        Assert.Equal(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), series.Timestamps[0]);
    }

    [Fact]
    public void Infinities_and_NaN_in_any_spelling_are_missing_values_kept_as_rows()
    {
        var series = Read("timestamp,value\n2024-01-01 00:00:00,inf\n2024-01-01 01:00:00,-inf\n2024-01-01 02:00:00,+INF\n2024-01-01 03:00:00,-Infinity\n2024-01-01 04:00:00,nan\n2024-01-01 05:00:00,NaN\n");
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity, double.NegativeInfinity], series.Values[..4]);
        Assert.True(double.IsNaN(series.Values[4]) && double.IsNaN(series.Values[5]));
        Assert.StartsWith("s.csv:2: cannot read the value '--inf'", Assert.Throws<SeriesFormatException>(() => Read("timestamp,value\n2024-01-01 00:00:00,--inf\n")).Message);
    }

    [Fact]
    public void A_file_without_a_header_keeps_its_first_row()
    {
        var series = Read("2024-01-01 00:00:00,1\n2024-01-01 01:00:00,2\n");
        Assert.Equal([1.0, 2.0], series.Values);
        Assert.Equal([1, 2], series.Lines);
        Assert.Equal([3.0], Read("timestamp,value\n2024-01-01 00:00:00,3\n").Values);
    }

    [Fact]
    public void Eight_digits_that_are_also_a_date_are_refused_as_ambiguous()
    {
        var message = Assert.Throws<SeriesFormatException>(() => Read("timestamp,value\n20240101,1\n")).Message;
        Assert.Equal("s.csv:2: cannot read the timestamp '20240101': the date 2024-01-01 or Unix seconds? Write the date as '2024-01-01 00:00:00', or seconds with a decimal point ('20240101.0')", message);
        Assert.StartsWith("s.csv:1: cannot read the timestamp '20240101'", Assert.Throws<SeriesFormatException>(() => Read("20240101,1\n")).Message);
        // Not a date (month 13), or seconds with a point: Unix seconds as before.
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(20241301), Read("timestamp,value\n20241301,1\n").Timestamps[0]);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(20240101), Read("timestamp,value\n20240101.0,1\n").Timestamps[0]);
    }

    /// <summary>Valid rows without end (a pipe from a generator): held in memory, they used to be read until the
    /// process ran out of it.</summary>
    [Fact]
    public void Rows_past_the_limit_are_an_error_naming_the_line()
    {
        var error = Assert.Throws<SeriesFormatException>(() => SeriesCsv.Read(new EndlessRows(), "endless.csv", maxRows: 1000));
        Assert.Equal("endless.csv:1002: more than 1,000 rows; split the file", error.Message);
        Assert.Equal(10_000_000, SeriesCsv.MaxRows);
    }

    private sealed class EndlessRows : TextReader
    {
        private const string Header = "timestamp,value\n";
        private const string Row = "2024-01-01 00:00:00,1\n";
        private long _position;

        public override int Read(char[] buffer, int index, int count)
        {
            for (var i = 0; i < count; i++, _position++)
            {
                buffer[index + i] = _position < Header.Length ? Header[(int)_position] : Row[(int)((_position - Header.Length) % Row.Length)];
            }
            return count;
        }
    }
}
