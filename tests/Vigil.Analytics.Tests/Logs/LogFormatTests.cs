using Vigil.Analytics.Logs;

namespace Vigil.Analytics.Tests.Logs;

public sealed class LogFormatTests
{
    private static Dictionary<string, string> Fields(LogFormat format, string line)
    {
        var ranges = new Range[format.Fields.Count];
        Assert.True(format.TryMatch(line, ranges), $"'{line}' should match '{format.Text}'");
        return format.Fields.Select((name, i) => (name, value: line[ranges[i]])).ToDictionary(f => f.name, f => f.value);
    }

    [Fact]
    public void Hadoop_format_with_escaped_brackets_splits_header_and_content()
    {
        var format = LogFormat.Parse(@"<Date> <Time> <Level> \[<Process>\] <Component>: <Content>");
        var fields = Fields(format, "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001");
        Assert.Equal("2015-10-18", fields["Date"]);
        Assert.Equal("main", fields["Process"]);
        Assert.Equal("org.apache.hadoop.mapreduce.v2.app.MRAppMaster", fields["Component"]);
        Assert.Equal("Created MRAppMaster for application appattempt_1445144423722_0020_000001", fields["Content"]);
        Assert.Equal(@"^(?<Date>.*?)\s+(?<Time>.*?)\s+(?<Level>.*?)\s+\[(?<Process>.*?)\]\s+(?<Component>.*?):\s+(?<Content>.*?)$", format.Pattern);
    }

    [Fact]
    public void Content_keeps_later_separators_because_fields_are_lazy()
    {
        var format = LogFormat.Parse("<Date> <Time> <Level> <Component>: <Content>");
        var fields = Fields(format, "17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered: signal handlers for [TERM, HUP, INT]");
        Assert.Equal("executor.CoarseGrainedExecutorBackend", fields["Component"]);
        Assert.Equal("Registered: signal handlers for [TERM, HUP, INT]", fields["Content"]);
    }

    [Fact]
    public void Formats_with_optional_groups_use_the_regex()
    {
        var format = LogFormat.Parse(@"<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>");
        var withPid = Fields(format, "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0");
        Assert.Equal("sshd(pam_unix)", withPid["Component"]);
        Assert.Equal("19939", withPid["PID"]);
        var withoutPid = Fields(format, "Jun 15 04:06:18 combo su(pam_unix): session opened for user cyrus by (uid=0)");
        Assert.Equal("su(pam_unix)", withoutPid["Component"]);
        Assert.Equal("session opened for user cyrus by (uid=0)", withoutPid["Content"]);
    }

    [Theory]
    [InlineData("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_1 terminating")]
    [InlineData("081109  203615   148 INFO dfs.DataNode$PacketResponder:   spaced   out: content")]
    [InlineData("a b c d e: f")]
    [InlineData("only three words")]
    public void Scanner_and_regex_agree(string line)
    {
        // The same format twice: the second forces the regex by adding an (empty) optional group.
        var scanned = LogFormat.Parse("<Date> <Time> <Pid> <Level> <Component>: <Content>");
        var regex = LogFormat.Parse("<Date> <Time> <Pid> <Level> <Component>:()? <Content>");
        var a = new Range[6];
        var b = new Range[6];
        var matchedA = scanned.TryMatch(line, a);
        Assert.Equal(matchedA, regex.TryMatch(line, b));
        if (matchedA)
        {
            Assert.Equal(a.Select(r => line[r]), b.Select(r => line[r]));
        }
    }

    [Theory]
    [InlineData(24, "ab:  \t\u00a0\v\u2003")]
    // Long lines: the scanner tests 32 chars at a time for white space (any non-ASCII char sends it to the char loop).
    [InlineData(90, "abcdefgh:    \t\v\f\r")]
    [InlineData(90, "abcdefgh:    \t\v\f\r\u00a0")]
    public void Scanner_and_regex_agree_on_random_lines_of_spaces_tabs_and_other_white_space(int maxLength, string alphabet)
    {
        var scanned = LogFormat.Parse("<Date> <Time> <Level> <Component>: <Content>");
        var regex = LogFormat.Parse("<Date> <Time> <Level> <Component>:()? <Content>");
        var random = new Random(20261125);
        var a = new Range[5];
        var b = new Range[5];
        for (var i = 0; i < 5000; i++)
        {
            var line = new string([.. Enumerable.Range(0, random.Next(0, maxLength)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var matched = scanned.TryMatch(line, a);
            Assert.True(matched == regex.TryMatch(line, b), $"'{line}' (case {i}): scanner {matched}, regex {!matched}");
            if (matched)
            {
                Assert.Equal(b.Select(r => line[r]), a.Select(r => line[r]));
            }
        }
    }

    [Fact]
    public void A_line_that_does_not_fit_is_rejected()
    {
        var format = LogFormat.Parse(@"\[<Time>\] \[<Level>\] <Content>");
        Assert.False(format.TryMatch("no brackets here", new Range[3]));
    }

    [Theory]
    [InlineData("<Date> <Time>", "<Content>")]
    [InlineData("<Content> <Content>", "twice")]
    [InlineData("<Da te> <Content>", "name")]
    [InlineData("(<Date> <Content>", "regular expression")]
    public void Invalid_formats_explain_themselves(string format, string expected)
    {
        var error = Assert.Throws<FormatException>(() => LogFormat.Parse(format));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
