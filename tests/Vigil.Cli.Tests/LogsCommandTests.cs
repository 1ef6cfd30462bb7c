using System.Text;
using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil logs mine|score</c> on small files made by each test.</summary>
public sealed class LogsCommandTests : IDisposable
{
    private const string Format = "<Date> <Time> <Level> <Component>: <Content>";
    private readonly Cli _cli = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-logs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteFile(string name, string text) => WriteBytes(name, Encoding.UTF8.GetBytes(text));

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string SampleLog() => WriteFile("app.log", string.Join('\n',
        "2026-03-01 12:00:01 INFO api: request 17 served in 12ms",
        "2026-03-01 12:00:02 INFO api: request 18 served in 30ms",
        "2026-03-01 12:00:03 WARN db: slow query on table users took 2.5s",
        "2026-03-01 12:00:04 ERROR api: upstream failed, retrying in 7ms",
        "2026-03-01 12:00:05 INFO api: request 20 served in 9ms") + "\n");

    private string HdfsSample() => WriteFile("hdfs.log", string.Join('\n',
        "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating",
        "081109 203807 222 INFO dfs.DataNode$PacketResponder: PacketResponder 0 for block blk_-6952295868487656571 terminating") + "\n");

    [Fact]
    public async Task Mine_prints_templates_with_counts_in_a_table()
    {
        var result = await _cli.RunAsync("logs", "mine", SampleLog(), "--format", Format);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("request <*> served in <*>", result.Out);
        Assert.Contains("slow query on table users took <*>", result.Out);
        Assert.Contains("mined 5 of 5 lines", result.Error);
    }

    [Fact]
    public async Task Mine_prints_csv_and_json()
    {
        var log = SampleLog();
        var csv = await _cli.RunAsync("logs", "mine", log, "--format", Format, "--output", "csv");
        var rows = csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("EventId,EventTemplate,Occurrences", rows[0]);
        Assert.Contains(rows, r => r.EndsWith(",request <*> served in <*>,3", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.EndsWith(",\"upstream failed, retrying in <*>\",1", StringComparison.Ordinal));

        var json = await _cli.RunAsync("logs", "mine", log, "--format", Format, "-o", "json");
        using var doc = JsonDocument.Parse(json.Out);
        var first = doc.RootElement[0];
        Assert.Equal("request <*> served in <*>", first.GetProperty("template").GetString());
        Assert.Equal(3, first.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Structured_output_over_the_input_file_is_refused_and_the_log_kept()
    {
        // It truncated the log before reading it: the log was left holding the CSV header only (exit 0).
        var log = SampleLog();
        var before = File.ReadAllText(log);
        var result = await _cli.RunAsync("logs", "mine", log, "--format", Format, "--structured", log);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is the input file", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(log));
    }

    [Theory]
    [InlineData("mine", "dir", "it is a directory")]
    [InlineData("mine", "missing/out.csv", "no such directory")]
    [InlineData("bench", "dir", "it is a directory")]
    [InlineData("bench", "missing/out.log", "no such directory")]
    public async Task An_output_file_it_cannot_write_is_a_usage_error_naming_it(string command, string output, string reason)
    {
        // Exit 1 with the bare .NET message ("Access to the path … is denied.", "Could not find a part of the path …").
        var path = Path.Combine(_dir, output);
        Directory.CreateDirectory(Path.Combine(_dir, "dir"));
        var result = command == "mine"
            ? await _cli.RunAsync("logs", "mine", SampleLog(), "--format", Format, "--structured", path)
            : await _cli.RunAsync("logs", "bench", "--source", HdfsSample(), "--lines", "10", "--keep", path);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: cannot write {path}: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Structured_output_through_a_link_to_the_input_file_is_refused_and_the_log_kept()
    {
        var log = SampleLog();
        var before = File.ReadAllText(log);
        var link = File.CreateSymbolicLink(Path.Combine(_dir, "link.csv"), log).FullName;
        var result = await _cli.RunAsync("logs", "mine", log, "--format", Format, "--structured", link);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--structured {link} is the input file", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(log));
    }

    [Fact]
    public async Task Bench_refuses_to_keep_the_generated_file_over_its_source()
    {
        // The generated file replaced the sample it was made from.
        var source = HdfsSample();
        var before = File.ReadAllText(source);
        var result = await _cli.RunAsync("logs", "bench", "--source", source, "--lines", "10", "--keep", source);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--keep {source} is the input file", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(source));
    }

    [Fact]
    public async Task Structured_output_has_one_loghub_row_per_line_and_scores_itself_perfectly()
    {
        var log = SampleLog();
        var structured = Path.Combine(_dir, "out.csv");
        var result = await _cli.RunAsync("logs", "mine", log, "--format", Format, "--structured", structured);
        Assert.Equal(0, result.ExitCode);
        var lines = File.ReadAllLines(structured);
        Assert.Equal("LineId,Date,Time,Level,Component,Content,EventId,EventTemplate,ParameterList", lines[0]);
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("1,2026-03-01,12:00:01,INFO,api,request 17 served in 12ms,E", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",request <*> served in <*>,\"['17', '12ms']\"", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"upstream failed, retrying in 7ms\"", lines[4], StringComparison.Ordinal);

        var score = await _cli.RunAsync("logs", "score", "--truth", structured, "--predicted", structured, "-o", "json");
        using var doc = JsonDocument.Parse(score.Out);
        foreach (var metric in new[] { "ga", "pa", "fga", "fta" })
        {
            Assert.Equal(1.0, doc.RootElement.GetProperty(metric).GetDouble());
        }
    }

    [Fact]
    public async Task Score_prints_the_four_metrics()
    {
        var truth = WriteFile("truth.csv", "LineId,Content,EventId,EventTemplate\n1,a 1,E1,a <*>\n2,a 2,E1,a <*>\n3,b,E2,b\n");
        var predicted = WriteFile("pred.csv", "LineId,EventId,EventTemplate\n1,X,a <*>\n2,Y,a 2\n3,Z,b\n");
        var result = await _cli.RunAsync("logs", "score", "--truth", truth, "--predicted", predicted);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("GA", result.Out);
        Assert.Contains("FTA", result.Out);
        Assert.Contains("0.333", result.Out); // GA: only b is grouped exactly
    }

    [Fact]
    public async Task Score_refuses_a_quoted_field_left_open_naming_the_file_and_line()
    {
        // The rest of the file became that field's text: one line scored, no error.
        var truth = WriteFile("truth.csv", "LineId,EventId,EventTemplate\n1,E1,a <*>\n2,E1,\"a <*>\n3,E2,b\n");
        var predicted = WriteFile("pred.csv", "LineId,EventId,EventTemplate\n1,X,a <*>\n2,X,a <*>\n3,Z,b\n");
        var result = await _cli.RunAsync("logs", "score", "--truth", truth, "--predicted", predicted);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: {truth}:3: the quoted field opened on this line is not closed", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_lines_are_counted_and_skipped_with_reasons()
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes("2026-03-01 12:00:01 INFO api: request 17 served in 12ms\n\n"));
        bytes.AddRange([0x00, 0x01, 0xfe, 0x0a, 0xC3, 0x28, 0x0a]);
        bytes.AddRange(Encoding.UTF8.GetBytes(new string('z', 1_000_000) + "\n"));
        bytes.AddRange(Encoding.UTF8.GetBytes("no header at all\n"));
        var result = await _cli.RunAsync("logs", "mine", WriteBytes("bad.log", [.. bytes]), "--format", Format);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("mined 1 of 6 lines", result.Error);
        foreach (var reason in new[] { "empty line", "binary data", "invalid UTF-8", "line too long", "does not match --format" })
        {
            Assert.Contains(reason, result.Error);
        }
    }

    [Theory]
    [InlineData("--format", "<Date> <Time>", "<Content>")]
    [InlineData("--mask", "(unclosed", "invalid --mask")]
    public async Task Invalid_options_are_usage_errors(string option, string value, string expected)
    {
        var result = await _cli.RunAsync("logs", "mine", SampleLog(), option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public async Task A_mask_that_backtracks_exponentially_does_not_stall_mining()
    {
        // Each line waited for the regex time-out (200 ms): 20 lines took 4 s, and the mask did nothing.
        var log = WriteFile("evil.log", string.Concat(Enumerable.Repeat("user " + new string('a', 40) + "! logged in\n", 20)) + "user aaaa\n");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await _cli.RunAsync("logs", "mine", log, "--mask", "(a+)+$", "-o", "csv");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("user <*>", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backtracking_mask_that_times_out_is_switched_off_with_a_warning_naming_it_and_the_line()
    {
        // A look-ahead keeps the backtracking engine; its first time-out switches it off, said once on stderr.
        var log = WriteFile("evil.log", "user aab\n" + string.Concat(Enumerable.Repeat("user " + new string('a', 40) + "!\n", 5)));
        var result = await _cli.RunAsync("logs", "mine", log, "--mask", "(a+)+(?=b)", "-o", "csv");
        Assert.Equal(0, result.ExitCode);
        var warning = Assert.Single(result.Error.Split('\n'), l => l.StartsWith("warning:", StringComparison.Ordinal));
        Assert.Contains("mask '(a+)+(?=b)' took over 200 ms on line 2 of " + log + " and is switched off", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("xx{", "formats.json:1: invalid JSON: 'x' is an invalid start of a value.")]
    [InlineData("[]", "formats.json: expected an object of systems")]
    [InlineData("{}", "formats.json: no systems in it")]
    [InlineData("{\"A\": {}}", "formats.json: system \"A\": \"log_format\" is missing")]
    [InlineData("{\"A\": {\"log_file\": \"a.log\", \"log_format\": \"<Content>\", \"regex\": [], \"ground_truth\": \"t.csv\"}}", "formats.json: system \"A\": log_file ")]
    [InlineData("{\"A\": {\"log_file\": \"app.log\", \"log_format\": \"<Content>\", \"regex\": [], \"ground_truth\": \"app.log\"}}", "formats.json: system \"A\": ")]
    public async Task Accuracy_with_a_bad_formats_json_is_a_usage_error_naming_it(string json, string expected)
    {
        // Each was exit 1 with a bare .NET message ("The given key was not present in the dictionary.", "Sequence
        // contains no elements", "Could not find file …").
        SampleLog(); // app.log: a log, but not a structured CSV as ground truth
        WriteFile("formats.json", json);
        var result = await _cli.RunAsync("logs", "accuracy", "--data", _dir);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: " + Path.Combine(_dir, "formats.json"), result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accuracy_refuses_merge_after_below_two()
    {
        // It was raised to 2 without a word.
        WriteFile("formats.json", "{}");
        var result = await _cli.RunAsync("logs", "accuracy", "--data", _dir, "--merge-after", "1");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--merge-after must be at least 2", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bench_measures_a_generated_file()
    {
        var result = await _cli.RunAsync("logs", "bench", "--source", HdfsSample(), "--lines", "1000");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("mined 1,000 lines in ", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty", "--lines", "10", "no line fits the HDFS format")]
    [InlineData("blank", "--lines", "10", "no line fits the HDFS format")]
    [InlineData("other", "--lines", "10", "no line fits the HDFS format")]
    [InlineData("hdfs", "--lines", "-5", "--lines must be at least 1 (got -5)")]
    [InlineData("hdfs", "--lines", "0", "--lines must be at least 1 (got 0)")]
    [InlineData("hdfs", "--stream", "-1", "--stream must be 0 (no stream) or more (got -1)")]
    public async Task Bench_refuses_a_source_without_a_usable_line_and_counts_below_one(string source, string option, string value, string expected)
    {
        // An empty source divided by zero (exit 1); one of another format or only blank lines printed "mined 0 lines,
        // Infinity bytes allocated per line"; --lines -5 "generated -5 lines".
        var path = source switch
        {
            "empty" => WriteFile("empty.log", ""),
            "blank" => WriteFile("blank.log", "\n\n\n"),
            "other" => SampleLog(),
            _ => HdfsSample(),
        };
        var result = await _cli.RunAsync("logs", "bench", "--source", path, option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("generated", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_a_usage_error()
    {
        var result = await _cli.RunAsync("logs", "mine", Path.Combine(_dir, "nope.log"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot read", result.Error);
    }
}
