using System.Globalization;
using System.Text.RegularExpressions;

namespace Vigil.Cli.Tests;

public sealed class MetricsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-metrics-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteSeries(string name, int rows, Func<int, double> value)
    {
        var path = Path.Combine(_dir, name);
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.WriteAllLines(path, ["timestamp,value", .. Enumerable.Range(0, rows).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{start.AddMinutes(5 * i):yyyy-MM-dd HH:mm:ss},{value(i)}"))]);
        return path;
    }

    [Fact]
    public async Task Detect_with_output_writes_one_scored_row_per_input_row_in_order()
    {
        var input = WriteSeries("s.csv", 600, i => i == 500 ? 500 : 10 + (i % 7));
        var output = Path.Combine(_dir, "scores.csv");
        var result = await new Cli().RunAsync("metrics", "detect", input, "--output", output);
        Assert.Equal(0, result.ExitCode);
        var lines = File.ReadAllLines(output);
        Assert.Equal("timestamp,value,anomaly_score", lines[0]);
        Assert.Equal(601, lines.Length);
        Assert.StartsWith("2024-01-01 00:00:00,10,", lines[1], StringComparison.Ordinal);
        Assert.All(lines.Skip(1), l => Assert.InRange(double.Parse(l.Split(',')[2], CultureInfo.InvariantCulture), 0, 1));
    }

    [SkippableTheory]
    [InlineData("dir", "it is a directory")]
    [InlineData("missing/scores.csv", "no such directory")]
    [InlineData("", "the output path is empty")]
    [InlineData("/dev/full", "No space left on device")]
    public async Task Detect_with_an_output_it_cannot_write_is_a_usage_error_naming_it(string output, string reason)
    {
        // Exit 1 with the bare .NET message ("Access to the path … is denied.", "Could not find a part of the path …").
        Skip.If(output.StartsWith("/dev/", StringComparison.Ordinal) && !File.Exists(output), $"{output} is Linux only");
        var path = output.Length == 0 || output.StartsWith('/') ? output : Path.Combine(_dir, output);
        Directory.CreateDirectory(Path.Combine(_dir, "dir"));
        var input = WriteSeries("s.csv", 20, i => i);
        var result = await new Cli().RunAsync("metrics", "detect", input, "-o", path);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: cannot write {(path.Length == 0 ? "''" : path)}: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Scored", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("same")]
    [InlineData("relative")]
    [InlineData("link")]
    [InlineData("through a linked folder")]
    [InlineData("hard link")]
    public async Task Detect_refuses_an_output_that_is_its_input_and_keeps_the_input(string how)
    {
        // The scores replaced the series (exit 0): the input was lost.
        var input = WriteSeries("s.csv", 20, i => i);
        var before = File.ReadAllText(input);
        var output = how switch
        {
            "same" => input,
            "relative" => Path.GetRelativePath(Environment.CurrentDirectory, input),
            "link" => File.CreateSymbolicLink(Path.Combine(_dir, "link.csv"), input).FullName,
            "hard link" => HardLink(input, Path.Combine(_dir, "hard.csv")),
            _ => Path.Combine(Directory.CreateSymbolicLink(Path.Combine(_dir, "linked"), _dir).FullName, "s.csv"),
        };
        var result = await new Cli().RunAsync("metrics", "detect", input, "-o", output);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"-o {output} is the input file", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(input));
    }

    /// <summary>A second name for <paramref name="target"/> (<c>ln</c>: .NET has no API for hard links).</summary>
    private static string HardLink(string target, string link)
    {
        using var ln = System.Diagnostics.Process.Start("ln", [target, link])!;
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
        return link;
    }

    [Fact]
    public async Task Detect_writes_next_to_its_input_through_a_link_to_another_file()
    {
        var input = WriteSeries("s.csv", 20, i => i);
        var other = Path.Combine(_dir, "scores.csv");
        File.WriteAllText(other, "");
        var link = File.CreateSymbolicLink(Path.Combine(_dir, "out.csv"), other).FullName;
        var result = await new Cli().RunAsync("metrics", "detect", input, "-o", link);
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("timestamp,value,anomaly_score", File.ReadAllText(other), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_with_output_keeps_fractions_of_a_second()
    {
        var input = Path.Combine(_dir, "frac.csv");
        File.WriteAllText(input, "timestamp,value\n2024-01-01 00:00:00.000,1\n2024-01-01 00:00:00.250,2\n2024-01-01 00:00:00.500,3\n2024-01-01 00:00:00.750,4\n2024-01-01 00:00:01,5\n");
        var output = Path.Combine(_dir, "scores.csv");
        var result = await new Cli().RunAsync("metrics", "detect", input, "--output", output);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            ["2024-01-01 00:00:00,1", "2024-01-01 00:00:00.25,2", "2024-01-01 00:00:00.5,3", "2024-01-01 00:00:00.75,4", "2024-01-01 00:00:01,5"],
            File.ReadAllLines(output).Skip(1).Select(l => l[..l.LastIndexOf(',')]));
    }

    [Fact]
    public async Task Detect_prints_the_anomaly_with_its_expected_range_and_reason()
    {
        var input = WriteSeries("s.csv", 600, i => i == 500 ? 500 : 10 + (i % 7));
        var result = await new Cli().RunAsync("metrics", "detect", input);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("2024-01-02 17:40:00Z", result.Out, StringComparison.Ordinal);
        Assert.Contains("spike:", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("contextual", "0.62")]
    [InlineData("balanced", "0.59")]
    [InlineData("lightweight", "0.56")]
    public async Task Detect_runs_the_detector_a_server_series_would_at_its_own_threshold(string detector, string threshold)
    {
        var input = WriteSeries("s.csv", 600, i => i == 500 ? 500 : 10 + (i % 7));
        var result = await new Cli().RunAsync("metrics", "detect", input, "--detector", detector);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("2024-01-02 17:40:00Z", result.Out, StringComparison.Ordinal);
        Assert.Contains($"({detector}, threshold {threshold})", result.Out, StringComparison.Ordinal);

        // The scores are that detector's: on a noisy series each detector scores differently from the default.
        var random = new Random(5);
        var noisy = WriteSeries("noisy.csv", 2000, i => 10 + (3 * random.NextDouble()) + (i % 300 == 0 ? 20 : 0));
        var own = Path.Combine(_dir, $"{detector}.csv");
        var contextual = Path.Combine(_dir, "contextual-scores.csv");
        Assert.Equal(0, (await new Cli().RunAsync("metrics", "detect", noisy, "--detector", detector, "-o", own)).ExitCode);
        Assert.Equal(0, (await new Cli().RunAsync("metrics", "detect", noisy, "-o", contextual)).ExitCode);
        Assert.Equal(detector == "contextual", File.ReadAllLines(own).SequenceEqual(File.ReadAllLines(contextual)));
    }

    [Fact]
    public async Task Detect_with_an_unknown_detector_is_a_usage_error_naming_the_choices()
    {
        var input = WriteSeries("s.csv", 600, i => 10 + (i % 7));
        var result = await new Cli().RunAsync("metrics", "detect", input, "--detector", "fancy");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown detector 'fancy'; choose lightweight, balanced or contextual", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Detect_says_a_day_unlike_yesterday_is_a_seasonal_shift()
    {
        // Ten days of a daily cycle (±10, noise ±0.5), then a day whose peak and trough do not come (±3).
        var random = new Random(7);
        var input = WriteSeries("quiet-day.csv", 288 * 12, i =>
            100 + ((i is >= 288 * 10 and < 288 * 11 ? 3 : 10) * Math.Sin(2 * Math.PI * i / 288)) + (random.NextDouble() - 0.5));
        var result = await new Cli().RunAsync("metrics", "detect", input);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("seasonal shift: the recent values' mean difference from the same hours yesterday is", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_says_a_series_stuck_at_one_value_is_a_flatline()
    {
        var random = new Random(3);
        var input = WriteSeries("frozen.csv", 4100, i => i < 4000 ? 50 + (3 * (random.NextDouble() - 0.5)) : 50.1);
        var result = await new Cli().RunAsync("metrics", "detect", input, "--detector", "lightweight");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("flatline: the same value for 30 samples, over three times longer than the series ever held one", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("contextual", "pattern: a stretch of values unlike any before")]
    [InlineData("balanced", "pattern: a move between levels never made before")]
    public async Task Detect_names_the_kind_of_pattern(string detector, string why)
    {
        // A cycle of 50 samples, then a square wave over the same values: each value is ordinary, their stretch is not.
        var random = new Random(5);
        var input = WriteSeries("new-shape.csv", 4000, i =>
            50 + (i < 3000 ? 10 * Math.Sin(2 * Math.PI * i / 50) : (i / 25 % 2 == 0 ? 8 : -8)) + (random.NextDouble() - 0.5));
        var result = await new Cli().RunAsync("metrics", "detect", input, "--detector", detector);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(why, result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(detector == "balanced" ? "an unexpected sequence of values" : "never made before", result.Out, StringComparison.Ordinal);
        Assert.Matches(detector == "balanced" ? @"threshold 0\.59\): .*novel moves? between levels" : @"threshold 0\.62\): .*novel stretch", result.Out);
    }

    [Fact]
    public async Task Detect_sums_up_the_anomalies_by_kind()
    {
        var input = WriteSeries("spike.csv", 600, i => i == 500 ? 500 : 10 + (i % 7));
        var result = await new Cli().RunAsync("metrics", "detect", input);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("1 anomaly in 600 rows (contextual, threshold 0.62): 1 spike.", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detect_counts_one_skipped_row_as_one_row()
    {
        // NAB's speed_t4013 and occupancy_t4013 repeat one timestamp; the summary said "1 rows skipped".
        var path = Path.Combine(_dir, "repeated.csv");
        File.WriteAllText(path, "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,2\n2024-01-01 00:05:00,3\n2024-01-01 00:10:00,4\n");
        var result = await new Cli().RunAsync("metrics", "detect", path);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("No anomalies in 4 rows", result.Out, StringComparison.Ordinal);
        Assert.Contains("1 row skipped (missing value, or timestamp not after the previous one).", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_row_is_a_usage_error_naming_the_line()
    {
        var path = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(path, "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,oops\n");
        var result = await new Cli().RunAsync("metrics", "detect", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bad.csv:3: cannot read the value 'oops'", result.Error, StringComparison.Ordinal);
    }

    // A file in a folder it may not enter: File.Exists answers false there, and the error said "no such file" of a
    // file that is there.
    [SkippableTheory]
    [InlineData("detect", "file")]
    [InlineData("forecast", "file")]
    [InlineData("detect", "folder")]
    [InlineData("forecast", "folder")]
    public async Task An_input_it_may_not_read_is_a_usage_error_not_a_missing_file(string command, string locked)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new SkipException("Unix file modes");
        }
        var path = WriteSeries("secret.csv", 20, i => i);
        if (locked == "file")
        {
            File.SetUnixFileMode(path, UnixFileMode.None);
            File.SetUnixFileMode(_dir, File.GetUnixFileMode(_dir) | UnixFileMode.OtherExecute); // nobody may enter it
        }
        else
        {
            File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var (exitCode, error) = await RunUnprivilegedAsync("metrics", command, path);

        Assert.Equal(2, exitCode);
        Assert.Contains($"cannot read {path}: permission denied", error, StringComparison.Ordinal);
    }

    /// <summary>Runs the command as a user without rights to files made by another: in process, or, for root (who
    /// may read every file), the built command as the user <c>nobody</c>.</summary>
    private static async Task<(int ExitCode, string Error)> RunUnprivilegedAsync(params string[] args)
    {
        if (Environment.UserName != "root")
        {
            var result = await new Cli().RunAsync(args);
            return (result.ExitCode, result.Error);
        }
        return await AsNobodyAsync(args);
    }

    /// <summary>Runs the built <c>vigil</c> as the user <c>nobody</c> (for root, who may read any file).</summary>
    private static async Task<(int ExitCode, string Error)> AsNobodyAsync(params string[] args)
    {
        Skip.IfNot(File.Exists("/usr/sbin/runuser") || File.Exists("/sbin/runuser"), "running as root without runuser: every file is readable");
        var start = new System.Diagnostics.ProcessStartInfo("runuser") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])["-u", "nobody", "--", Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", Path.Combine(AppContext.BaseDirectory, "vigil.dll"), .. args])
        {
            start.ArgumentList.Add(arg);
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await error);
    }

    [Theory]
    [InlineData("detect")]
    [InlineData("forecast")]
    public async Task A_value_beyond_the_range_of_a_double_is_a_usage_error_naming_the_line(string command)
    {
        // 1e400 was read as infinity and taken for a missing sample: detect skipped it, forecast left it out, silently.
        var path = Path.Combine(_dir, "huge.csv");
        File.WriteAllText(path, "timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,2\n2024-01-01 00:10:00,1e400\n2024-01-01 00:15:00,3\n");
        var result = await new Cli().RunAsync("metrics", command, path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("huge.csv:4: the value '1e400' is out of range", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0000-01-01 00:00:00")]
    [InlineData("-62135596801")]
    public async Task A_timestamp_outside_the_date_range_is_a_usage_error_naming_the_line(string timestamp)
    {
        var path = Path.Combine(_dir, "range.csv");
        File.WriteAllText(path, $"timestamp,value\n2024-01-01 00:00:00,1\n{timestamp},2\n");
        foreach (var command in new[] { "detect", "forecast" })
        {
            var result = await new Cli().RunAsync("metrics", command, path);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains($"range.csv:3: cannot read the timestamp '{timestamp}'", result.Error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("detect", "NaN", "bad --threshold NaN: an anomaly score threshold is between 0 and 1")]
    [InlineData("detect", "1.5", "bad --threshold 1.5: an anomaly score threshold is between 0 and 1")]
    [InlineData("detect", "-0.1", "bad --threshold -0.1: an anomaly score threshold is between 0 and 1")]
    [InlineData("forecast", "NaN", "bad --threshold NaN: a capacity threshold is a finite number")]
    [InlineData("forecast", "Infinity", "bad --threshold Infinity: a capacity threshold is a finite number")]
    public async Task A_threshold_that_is_not_a_usable_number_is_a_usage_error(string command, string threshold, string message)
    {
        var input = WriteSeries("s.csv", 600, i => 10 + (i % 7));
        var result = await new Cli().RunAsync("metrics", command, input, "--threshold", threshold);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Forecast_reports_when_a_rising_series_crosses_the_threshold()
    {
        var input = WriteSeries("disk.csv", 2000, i => 40 + (0.01 * i));
        var result = await new Cli().RunAsync("metrics", "forecast", input, "--horizon", "2d", "--threshold", "62");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Threshold 62 expected to be reached at", result.Out, StringComparison.Ordinal);
        var never = await new Cli().RunAsync("metrics", "forecast", input, "--horizon", "1h", "--threshold", "1000");
        Assert.Contains("not expected to be reached within 1h", never.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forecast_of_a_series_already_past_the_threshold_says_so()
    {
        var input = WriteSeries("full.csv", 2000, i => 40 + (0.01 * i));
        var rising = await new Cli().RunAsync("metrics", "forecast", input, "--horizon", "1d", "--threshold", "50");
        Assert.Contains("Threshold 50 is already reached (last value 59.99) and the forecast stays at or above it for 1d.", rising.Out, StringComparison.Ordinal);

        var cleaned = WriteSeries("cleaned.csv", 2000, i => 90 - (0.01 * i));
        var falling = await new Cli().RunAsync("metrics", "forecast", cleaned, "--horizon", "2d", "--threshold", "70");
        Assert.Contains("Expected to fall back below 70 at", falling.Out, StringComparison.Ordinal);

        var flat = WriteSeries("flat.csv", 500, _ => 90);
        var sitting = await new Cli().RunAsync("metrics", "forecast", flat, "--horizon", "1d", "--threshold", "90");
        Assert.Contains("Threshold 90 is already reached (last value 90)", sitting.Out, StringComparison.Ordinal);
    }

    private string WriteHourly(string name, IEnumerable<(DateTime Time, string Value)> rows)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, ["timestamp,value", .. rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Time:yyyy-MM-dd HH:mm:ss},{r.Value}"))]);
        return path;
    }

    /// <summary>Hourly 50 + 20·sin(2πi/24) + N(0,1), from 2024-01-01.</summary>
    private static double DailySine(int hour, Random random) =>
        50 + (20 * Math.Sin(2 * Math.PI * hour / 24)) + (Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));

    private static readonly DateTime Start = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Forecast_keeps_the_daily_season_of_a_file_with_a_missing_value()
    {
        var random = new Random(3);
        var input = WriteHourly("nan.csv", Enumerable.Range(0, 24 * 14).Select(i =>
            (Start.AddHours(i), i == 200 ? "NaN" : DailySine(i, random).ToString("R", CultureInfo.InvariantCulture))));
        var result = await new Cli().RunAsync("metrics", "forecast", input, "--horizon", "12h");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("season of 24 samples", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gap")]
    [InlineData("re-sent batch")]
    public async Task Forecast_places_the_daily_season_by_time_across_a_gap_or_a_re_sent_batch(string damage)
    {
        // 14 days of hourly values, then the 12 hours the forecast should foresee within its 95 % interval.
        var random = new Random(11);
        var values = Enumerable.Range(0, (24 * 14) + 12).Select(i => DailySine(i, random)).ToArray();
        var rows = Enumerable.Range(0, 24 * 14).ToList();
        if (damage == "gap")
        {
            rows.RemoveRange((24 * 14) - 18, 6);
        }
        else
        {
            rows.AddRange(Enumerable.Range((24 * 14) - 18, 6));
        }
        var input = WriteHourly("damaged.csv", rows.Select(i => (Start.AddHours(i), values[i].ToString("R", CultureInfo.InvariantCulture))));
        var result = await new Cli().RunAsync("metrics", "forecast", input, "--horizon", "12h");
        Assert.Equal(0, result.ExitCode);
        var forecast = Regex.Matches(result.Out, @"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)Z\s+\S+\s+(\S+) \.\. (\S+)");
        Assert.Equal(12, forecast.Count);
        foreach (Match row in forecast)
        {
            // The curve without its noise: a noisy value falls outside a 95 % interval one time in twenty anyway.
            var hour = (int)(DateTime.Parse(row.Groups[1].Value, CultureInfo.InvariantCulture) - Start).TotalHours;
            var curve = 50 + (20 * Math.Sin(2 * Math.PI * hour / 24));
            var (low, high) = (double.Parse(row.Groups[2].Value, CultureInfo.InvariantCulture), double.Parse(row.Groups[3].Value, CultureInfo.InvariantCulture));
            Assert.True(curve >= low && curve <= high, $"{row.Groups[1].Value}: {curve:0.0} outside {low} .. {high}");
        }
    }

    [Fact]
    public async Task Forecast_of_rows_out_of_time_order_says_so_and_forecasts_them_in_time_order()
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 24 * 7).Select(i => (Time: Start.AddHours(i), Value: DailySine(i, random).ToString("R", CultureInfo.InvariantCulture))).ToList();
        var sorted = await new Cli().RunAsync("metrics", "forecast", WriteHourly("sorted.csv", rows), "--horizon", "6h");
        (rows[100], rows[101]) = (rows[101], rows[100]);
        var swapped = await new Cli().RunAsync("metrics", "forecast", WriteHourly("swapped.csv", rows), "--horizon", "6h");
        Assert.Equal(0, swapped.ExitCode);
        // Row 101 (file line 103) now holds 04:00 after 05:00.
        Assert.Contains("Note: the rows are not in time order (swapped.csv:103 is earlier than the row before it)", swapped.Out, StringComparison.Ordinal);
        Assert.EndsWith(sorted.Out, swapped.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forecast_beyond_the_step_cap_says_where_it_stops_instead_of_claiming_the_whole_horizon()
    {
        var input = WriteSeries("disk.csv", 2000, i => 40 + (0.01 * i));
        var result = await new Cli().RunAsync("metrics", "forecast", input, "--horizon", "2y", "--threshold", "1e9");
        Assert.Equal(0, result.ExitCode);
        // Two years of five-minute steps are 210,240; 100,000 of them are ~347.2 days.
        Assert.Contains("Note: --horizon 2y is 210,240 steps of 00:05:00; the forecast is capped at 100,000 steps (~347.2 days).", result.Out, StringComparison.Ordinal);
        Assert.Contains("Threshold 1000000000 is not expected to be reached within ~347.2 days (the forecast stops at 100,000 steps).", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("within 2y", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)] // ±1e308 alternating: threw ArithmeticException
    [InlineData(7)] // 1e308 every seventh row: printed NaN forecasts and "already reached … stays at or above it"
    public async Task Forecast_refuses_values_too_large_to_forecast_naming_the_line(int every)
    {
        var input = WriteSeries("huge.csv", 50, i => i == 0 ? 1 : i % every == 1 ? 1e308 : every == 2 ? -1e308 : 1);
        var result = await new Cli().RunAsync("metrics", "forecast", input, "--threshold", "50");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("huge.csv:3: the value 1E+308 is too large to forecast (at most ±1e100", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("already reached", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forecast_past_year_9999_stops_at_its_end_and_says_so()
    {
        var path = Path.Combine(_dir, "y9999.csv");
        File.WriteAllText(path, "timestamp,value\n9999-12-28 00:00:00,1\n9999-12-29 00:00:00,2\n9999-12-30 00:00:00,3\n");
        var result = await new Cli().RunAsync("metrics", "forecast", path, "--horizon", "7d", "--threshold", "100");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Note: --horizon 7d is 7 steps of 1.00:00:00; the forecast is capped at the end of year 9999 (~1 day).", result.Out, StringComparison.Ordinal);
        Assert.Contains("9999-12-31 00:00:00Z", result.Out, StringComparison.Ordinal);
        Assert.Contains("not expected to be reached within ~1 day (the forecast stops at the end of year 9999).", result.Out, StringComparison.Ordinal);

        // Samples ten years apart, the last in 9800: 290 years of forecast (durations end at ~292y, as in Prometheus)
        // cannot all be dated either.
        var decade = Path.Combine(_dir, "decade.csv");
        File.WriteAllText(decade, "timestamp,value\n9780-01-01 00:00:00,1\n9790-01-01 00:00:00,2\n9800-01-01 00:00:00,3\n");
        var far = await new Cli().RunAsync("metrics", "forecast", decade, "--horizon", "290y");
        Assert.Equal(0, far.ExitCode);
        Assert.Contains("the forecast is capped at the end of year 9999", far.Out, StringComparison.Ordinal);

        File.WriteAllText(path, "timestamp,value\n9999-12-29 00:00:00,1\n9999-12-30 00:00:00,2\n9999-12-31 00:00:00,3\n");
        var none = await new Cli().RunAsync("metrics", "forecast", path);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("the last timestamp (9999-12-31 00:00:00Z) leaves no room for a forecast step before the end of year 9999", none.Error, StringComparison.Ordinal);
    }

    /// <summary>README's accuracy table and the server's <c>metrics.detector</c> name the detectors lightweight,
    /// balanced and contextual; <c>nab --detector contextual</c> was refused ("unknown detector"), as the scoreboard
    /// knew the offline default only as <c>default</c>.</summary>
    [Theory]
    [InlineData("lightweight")]
    [InlineData("balanced")]
    [InlineData("contextual")]
    public async Task Nab_scores_each_detector_the_config_can_name(string detector)
    {
        var result = await new Cli().RunAsync("metrics", "nab", "--data", WriteNabFolder(), "--detector", detector);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith($"NAB ({detector}): 1 files, 800 points", result.Out, StringComparison.Ordinal);
        Assert.Contains("profile standard", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"category +score +windows +FP +raw +credit +FP cost", result.Out);
    }

    [Fact]
    public async Task Nab_scores_at_a_fixed_threshold_and_refuses_one_that_is_not_a_score()
    {
        var nab = WriteNabFolder();
        var result = await new Cli().RunAsync("metrics", "nab", "--data", nab, "--threshold", "0.62");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("at the fixed threshold 0.62", result.Out, StringComparison.Ordinal);
        Assert.Contains("profile standard (threshold 0.62)", result.Out, StringComparison.Ordinal);
        foreach (var bad in new[] { "NaN", "1.5", "-0.1" })
        {
            var refused = await new Cli().RunAsync("metrics", "nab", "--data", nab, "--threshold", bad);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains($"bad --threshold {bad}: an anomaly score threshold is between 0 and 1", refused.Error, StringComparison.Ordinal);
        }
    }

    /// <summary>A one-file NAB folder: a spike at row 700 inside the file's one labelled window.</summary>
    private string WriteNabFolder()
    {
        var nab = Path.Combine(_dir, "nab");
        Directory.CreateDirectory(Path.Combine(nab, "data", "cat"));
        Directory.CreateDirectory(Path.Combine(nab, "labels"));
        File.Move(WriteSeries("a.csv", 800, i => i == 700 ? 500 : 10 + (i % 7)), Path.Combine(nab, "data", "cat", "a.csv"));
        File.WriteAllText(Path.Combine(nab, "labels", "combined_windows.json"),
            """{"cat/a.csv": [["2024-01-03 09:00:00.000000", "2024-01-03 11:00:00.000000"]]}""");
        return nab;
    }

    [Fact]
    public async Task Bench_prints_throughput_and_memory_for_both_detectors_and_the_white_noise_worst_case()
    {
        var result = await new Cli().RunAsync("metrics", "bench", "--points", "1000", "--series", "2");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("default: ", result.Out, StringComparison.Ordinal);
        Assert.Contains("lightweight: ", result.Out, StringComparison.Ordinal);
        Assert.Contains("bytes/series on the heap", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"default on white noise \(its worst case\): [\d,]+ points/s", result.Out);
    }

    [Fact]
    public async Task Bench_with_a_data_folder_also_measures_every_detector_over_its_files()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "nested"));
        WriteSeries("a.csv", 700, i => 10 + (i % 7));
        WriteSeries(Path.Combine("nested", "b.csv"), 500, i => i == 400 ? 90 : 20 + (i % 3));
        var result = await new Cli().RunAsync("metrics", "bench", "--points", "1000", "--series", "2", "--data", _dir);
        Assert.Equal(0, result.ExitCode);
        foreach (var detector in new[] { "default", "balanced", "lightweight" })
        {
            Assert.Matches($@"{detector} on 2 files \(1,200 points\): [\d,]+ points/s", result.Out);
        }
    }

    [Fact]
    public async Task Bench_refuses_a_missing_or_bad_data_folder_before_measuring()
    {
        var missing = await new Cli().RunAsync("metrics", "bench", "--data", Path.Combine(_dir, "absent"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("absent: no such folder", missing.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("points/s", missing.Out, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "bad.csv"), "timestamp,value\n2024-01-01 00:00:00,oops\n");
        var bad = await new Cli().RunAsync("metrics", "bench", "--data", _dir);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("bad.csv:2: cannot read the value 'oops'", bad.Error, StringComparison.Ordinal);
    }
}
