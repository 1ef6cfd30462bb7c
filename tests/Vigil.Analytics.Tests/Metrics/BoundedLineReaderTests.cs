using System.Text;
using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Tests.Metrics;

public sealed class BoundedLineReaderTests
{
    [Fact]
    public void Splits_lines_as_TextReader_ReadLine_does_across_buffer_boundaries()
    {
        var random = new Random(5);
        var text = new StringBuilder();
        for (var n = 0; n < 300; n++)
        {
            text.Clear();
            var length = random.Next(0, 12_000);
            for (var i = 0; i < length; i++)
            {
                // Long runs of one char put line breaks (and \r\n pairs) at every offset of the 4,096-char buffer.
                var pick = random.Next(100);
                text.Append(pick < 2 ? '\r' : pick < 4 ? '\n' : 'a');
            }
            var expected = new List<string>();
            using (var plain = new StringReader(text.ToString()))
            {
                while (plain.ReadLine() is { } line)
                {
                    expected.Add(line);
                }
            }
            var reader = new BoundedLineReader(new StringReader(text.ToString()), "t.csv");
            var actual = new List<string>();
            while (reader.ReadLine() is { } line)
            {
                actual.Add(line);
                Assert.Equal(actual.Count, reader.LineNumber);
            }
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void A_line_longer_than_the_maximum_is_an_error_naming_it()
    {
        var reader = new BoundedLineReader(new StringReader("a\r\nb\n" + new string('x', SeriesCsv.MaxLineLength + 1) + "\nc\n"), "t.csv");
        Assert.Equal("a", reader.ReadLine());
        Assert.Equal("b", reader.ReadLine());
        var error = Assert.Throws<SeriesFormatException>(reader.ReadLine);
        Assert.Equal("t.csv:3: the line is longer than 65,536 characters (a 'timestamp,value' row is a few dozen; is this a CSV file?)", error.Message);
    }

    [Fact]
    public void A_line_of_exactly_the_maximum_is_read()
    {
        var longest = new string('x', SeriesCsv.MaxLineLength);
        var reader = new BoundedLineReader(new StringReader(longest + "\n" + longest), "t.csv");
        Assert.Equal(longest, reader.ReadLine());
        Assert.Equal(longest, reader.ReadLine());
        Assert.Null(reader.ReadLine());
    }
}
