using System.Text;
using Vigil.Analytics.Logs;

namespace Vigil.Analytics.Tests.Logs;

public sealed class LogLineReaderTests
{
    private static List<(LineStatus Status, string Text, long Number)> ReadAll(byte[] bytes, int maxLineBytes = 64 * 1024)
    {
        var reader = new LogLineReader(new MemoryStream(bytes), maxLineBytes);
        var lines = new List<(LineStatus, string, long)>();
        LineStatus status;
        while ((status = reader.Read(out var line)) != LineStatus.End)
        {
            lines.Add((status, line.ToString(), reader.LineNumber));
        }
        return lines;
    }

    [Fact]
    public void Lines_split_on_lf_and_crlf_with_numbers()
    {
        var lines = ReadAll(Encoding.UTF8.GetBytes("one\r\ntwo\nthree"));
        Assert.Equal([(LineStatus.Line, "one", 1L), (LineStatus.Line, "two", 2L), (LineStatus.Line, "three", 3L)], lines);
    }

    [Fact]
    public void Bad_lines_are_reported_and_skipped_without_losing_the_good_ones()
    {
        var data = new List<byte>();
        data.AddRange(Encoding.UTF8.GetBytes("good é line\n"));
        data.AddRange(Encoding.UTF8.GetBytes("   \n\n"));
        data.AddRange([0x66, 0x6f, 0xC3, 0x28, 0x0a]); // invalid UTF-8 sequence
        data.AddRange([0x00, 0x01, 0x02, 0xff, 0x0a]); // binary
        data.AddRange(Encoding.UTF8.GetBytes(new string('x', 1_000_000) + "\n")); // 1 MB line
        data.AddRange(Encoding.UTF8.GetBytes("last good line"));
        var lines = ReadAll([.. data]);
        Assert.Equal(
            [LineStatus.Line, LineStatus.Empty, LineStatus.Empty, LineStatus.InvalidUtf8, LineStatus.Binary, LineStatus.TooLong, LineStatus.Line],
            lines.Select(l => l.Status));
        Assert.Equal("good é line", lines[0].Text);
        Assert.Equal(("last good line", 7L), (lines[^1].Text, lines[^1].Number));
    }

    [Fact]
    public void An_over_long_last_line_without_newline_is_skipped()
    {
        var lines = ReadAll(Encoding.UTF8.GetBytes("ok\n" + new string('y', 5_000)), maxLineBytes: 100);
        Assert.Equal([LineStatus.Line, LineStatus.TooLong], lines.Select(l => l.Status));
    }

    [Fact]
    public void Reads_counts_the_reads_from_the_stream()
    {
        // Lines of one read arrived together (the mine command takes the time once per read).
        var reader = new LogLineReader(new MemoryStream(Encoding.UTF8.GetBytes("a\nb\nc\n")));
        Assert.Equal(0, reader.Reads);
        Assert.Equal(LineStatus.Line, reader.Read(out _));
        var afterFirst = reader.Reads;
        Assert.True(afterFirst >= 1);
        Assert.Equal(LineStatus.Line, reader.Read(out _));
        Assert.Equal(afterFirst, reader.Reads);
    }

    [Fact]
    public void Random_garbage_never_throws()
    {
        var random = new Random(1);
        var bytes = new byte[3_000_000];
        random.NextBytes(bytes);
        var lines = ReadAll(bytes);
        Assert.NotEmpty(lines);
        var miner = new LogMiner();
        foreach (var (status, text, _) in lines)
        {
            if (status == LineStatus.Line)
            {
                miner.Add(text);
            }
        }
    }
}
