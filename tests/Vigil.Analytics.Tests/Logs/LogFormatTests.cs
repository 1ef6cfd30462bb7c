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

    private const string Hdfs = "<Date> <Time> <Pid> <Level> <Component>: <Content>";
    private const string Linux = @"<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>";

    public static TheoryData<string, string> LinesWithoutAColon()
    {
        // The reviewer's lines: words and spaces but no ':', so no split works and a backtracking regex tried them all.
        var words = string.Concat(Enumerable.Range(0, 2000).Select(i => i % 7 == 6 ? ' ' : (char)('a' + (i * 31 % 26))));
        var data = new TheoryData<string, string>();
        foreach (var format in new[] { Hdfs, Linux })
        {
            data.Add(format, string.Concat(Enumerable.Repeat("a ", 200)));
            data.Add(format, words);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LinesWithoutAColon))]
    public void A_line_that_cannot_fit_is_rejected_without_running_out_of_regex_time(string text, string line)
    {
        var format = LogFormat.Parse(text);
        Assert.False(format.TryMatch(line, new Range[format.Fields.Count]));
        Assert.Equal(0, format.RegexTimeouts);
    }

    [Theory]
    [InlineData(Hdfs, "d  t p c: ", "Date=d|Time=|Pid=t|Level=p|Component=c")]
    [InlineData(Linux, "m  t l c: ", "Month=m|Date=|Time=t|Level=l|Component=c|PID=")]
    public void A_line_that_fits_only_once_a_space_is_given_back_is_split_as_the_regex_splits_it(string text, string header, string expected)
    {
        // The first split puts "c:" in a field and finds no ':' after it; the only fit empties a field between the two
        // spaces. Many words after it gave a backtracking regex so many splits to try first that it gave up.
        var format = LogFormat.Parse(text);
        var content = string.Concat(Enumerable.Repeat("w ", 300)) + "end";
        var ranges = new Range[format.Fields.Count];
        var line = header + content;
        Assert.True(format.TryMatch(line, ranges));
        var fields = format.Fields.Select((name, i) => (name, value: line[ranges[i]])).ToList();
        Assert.Equal(expected, string.Join('|', fields.Where(f => f.name != "Content").Select(f => $"{f.name}={f.value}")));
        Assert.Equal(content, fields.Single(f => f.name == "Content").value);
    }

    [Theory]
    // '\n' only without a scanner: '.' does not match it and '$' matches before it, but the scanner never modelled
    // that (a field it splits may hold one); line readers split lines there anyway.
    [InlineData(Hdfs, "ab :[]\t\r")]
    [InlineData(Linux, "ab :[]\t\n")]
    [InlineData(@"\[<Time>\] \[<Level>\] <Content>", "ab :[]\t\r")]
    public void Every_path_splits_random_lines_as_the_backtracking_regex_does(string text, string alphabet)
    {
        // Short lines of separators, so that many need a space given back or an optional group skipped.
        var format = LogFormat.Parse(text);
        var regex = new System.Text.RegularExpressions.Regex(format.Pattern,
            System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.ExplicitCapture);
        var random = new Random(20261127);
        var ranges = new Range[format.Fields.Count];
        var fitted = 0;
        for (var i = 0; i < 20000; i++)
        {
            // Half start with '[' so that Apache's format, which does, fits some.
            var line = (i % 2 == 0 ? "[" : "") + new string([.. Enumerable.Range(0, random.Next(0, 16)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var match = regex.Match(line);
            var matched = format.TryMatch(line, ranges);
            var shown = line.Replace("\n", "\\n", StringComparison.Ordinal);
            Assert.True(match.Success == matched, $"'{shown}' (case {i}): regex {match.Success}, format {matched}");
            if (matched)
            {
                fitted++;
                Assert.Equal(format.Fields.Select(f => (match.Groups[f].Index, match.Groups[f].Length)),
                    ranges.Select(r => (r.Start.Value, r.End.Value - r.Start.Value)));
            }
        }
        Assert.True(fitted > 50, $"only {fitted} random lines fitted: the test no longer exercises the split");
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

    [Fact]
    public void A_format_too_long_or_with_too_many_fields_is_refused_at_once_saying_so()
    {
        // 300,000 characters of fields compiled for minutes (a quadratic duplicate check, then two regex engines).
        var huge = string.Concat(Enumerable.Range(0, 50_000).Select(i => $"<F{i}> ")) + "<Content>";
        Assert.Contains("at most 4,096 are accepted", Assert.Throws<FormatException>(() => LogFormat.Parse(huge)).Message, StringComparison.Ordinal);

        var many = string.Concat(Enumerable.Range(0, 64).Select(i => $"<F{i}> ")) + "<Content>";
        Assert.Contains("has 65 fields; at most 64", Assert.Throws<FormatException>(() => LogFormat.Parse(many)).Message, StringComparison.Ordinal);
        var most = string.Concat(Enumerable.Range(0, 63).Select(i => $"<F{i}> ")) + "<Content>";
        Assert.Equal(64, LogFormat.Parse(most).Fields.Count);
    }
}
