using Vigil.Analytics.Logs.Loghub;

namespace Vigil.Analytics.Tests.Logs;

public sealed class CsvTests
{
    private static List<string[]> Read(string text) => [.. Csv.Read(new StringReader(text), "t.csv")];

    [Fact]
    public void Quoted_fields_may_hold_commas_quotes_and_line_breaks()
    {
        var records = Read("a,b\n\"x, y\",\"say \"\"hi\"\"\nthere\"\n3,4");
        Assert.Equal(3, records.Count);
        Assert.Equal(["x, y", "say \"hi\"\nthere"], records[1]);
        Assert.Equal(["3", "4"], records[2]);
    }

    [Theory]
    [InlineData("LineId,EventTemplate\n1,ok\n2,\"not closed\n3,swallowed\n4,too\n", 3)]
    [InlineData("LineId,EventTemplate\n1,\"two\nlines\"\n2,ok\n3,x\"y\n4,z\n", 5)] // a quote opened mid-field, after a field spanning two lines
    [InlineData("\"", 1)]
    public void A_quoted_field_left_open_is_an_error_naming_the_line_where_it_opened(string text, int line)
    {
        // It swallowed the rest of the file into one field without a word (found by fuzzing 'vigil logs score').
        var error = Assert.Throws<FormatException>(() => Read(text));
        Assert.StartsWith($"t.csv:{line}: the quoted field opened on this line is not closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_structured_log_with_an_open_quote_is_refused_naming_file_and_line()
    {
        var error = Assert.Throws<FormatException>(() =>
            StructuredLog.Read(new StringReader("LineId,EventId,EventTemplate\n1,E1,\"a <*>\n2,E1,a <*>\n"), "truth.csv"));
        Assert.StartsWith("truth.csv:2: the quoted field opened on this line is not closed", error.Message, StringComparison.Ordinal);
    }
}
