using System.Diagnostics;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil slo validate|rules</c> on files written by each test; the rules go through the real promtool.</summary>
public sealed class SloCommandTests : IDisposable
{
    private readonly Cli _cli = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-slo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Sli = """
        apiVersion: openslo/v1
        kind: SLI
        metadata:
          name: api-errors
        spec:
          ratioMetric:
            counter: true
            bad:
              metricSource:
                type: Prometheus
                spec:
                  query: http_requests_total{job="api",code=~"5.."}
            total:
              metricSource:
                type: Prometheus
                spec:
                  query: http_requests_total{job="api"}
        """;

    private static string Slo(string name, string window = "28d", string target = "0.999") => $"""
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: {name}
        spec:
          service: api
          indicatorRef: api-errors
          timeWindow:
            - duration: {window}
              isRolling: true
          budgetingMethod: Occurrences
          objectives:
            - target: {target}
        """;

    /// <summary>The process died of a stack overflow inside YamlDotNet (no catch survives one).</summary>
    [Theory]
    [InlineData("validate")]
    [InlineData("rules")]
    public async Task Yaml_nested_100000_levels_deep_is_an_error_with_its_line_not_a_crash(string command)
    {
        var deep = Write("deep.yaml", new string('[', 100_000) + new string(']', 100_000));

        var result = await _cli.RunAsync("slo", command, deep);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{deep}:1:257: YAML nested more than 256 levels deep", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Validate_prints_a_summary_and_exits_zero_for_valid_files_with_references_across_files()
    {
        var result = await _cli.RunAsync("slo", "validate", Write("sli.yaml", Sli), Write("slo.yaml", Slo("availability")));

        Assert.Equal((0, ""), (result.ExitCode, result.Error));
        Assert.Equal("2 files valid: 2 objects, 1 SLO\n", result.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Validate_prints_every_error_with_its_position_and_exits_one()
    {
        var bad = Write("bad.yaml", Slo("availability", window: "0d", target: "1.5") + "\n---\napiVersion: openslo/v1\nkind: Sla\n");

        var result = await _cli.RunAsync("slo", "validate", bad);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        var lines = result.Error.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.Equal(
            [
                $"{bad}:9:17: \"duration\" must not be zero-length",
                $"{bad}:13:15: target 1.5 is outside (0, 1); 99.9% is target: 0.999",
                $"{bad}:16:7: unknown kind \"Sla\"; expected one of: Service, SLO, SLI, AlertPolicy, AlertCondition, AlertNotificationTarget, DataSource",
                $"{bad}:7:17: indicatorRef \"api-errors\" does not name a SLI in the given files",
                "4 errors",
            ],
            lines);
    }

    [Fact]
    public async Task Validate_reports_a_missing_file_as_an_error()
    {
        var result = await _cli.RunAsync("slo", "validate", Path.Combine(_dir, "nope.yaml"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nope.yaml:1:1: cannot read the file", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_without_files_is_a_usage_error()
    {
        var result = await _cli.RunAsync("slo", "validate");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
    }

    [Fact]
    public async Task Rules_refuse_slos_whose_queries_cannot_be_windowed()
    {
        var sli = Write("sli.yaml", Sli.Replace("http_requests_total{job=\"api\"}", "sum(http_requests_total{job=\"api\"})", StringComparison.Ordinal));

        var result = await _cli.RunAsync("slo", "rules", sli, Write("slo.yaml", Slo("availability")));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains("SLO \"availability\": cannot put the query \"sum(http_requests_total{job=\"api\"})\" over a window", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_scale_the_windows_for_a_28_day_period()
    {
        var result = await _cli.RunAsync("slo", "rules", Write("sli.yaml", Sli), Write("slo.yaml", Slo("availability")));

        Assert.Equal(0, result.ExitCode);
        // 1h × 28/30 = 56m at 14.4x; 3d × 28/30 = 2d19h12m at 1x; the period ratio covers 28d.
        Assert.Contains("record: slo:sli_error:ratio_rate56m", result.Out, StringComparison.Ordinal);
        Assert.Contains("(slo:sli_error:ratio_rate56m{sloth_id=\"api-availability\", sloth_service=\"api\", sloth_slo=\"availability\"} > (14.4 * ", result.Out, StringComparison.Ordinal);
        Assert.Contains("ratio_rate2d19h12m", result.Out, StringComparison.Ordinal);
        Assert.Contains("record: slo:sli_error:ratio_rate28d", result.Out, StringComparison.Ordinal);
    }

    /// <summary>
    /// The rules of all SLOs were built in memory and written as one string: 20,000 SLOs took 1.7 GB before the first
    /// byte came out (and 50,000 objectives over 3 GB). They are written as they are made now.
    /// </summary>
    [Fact]
    public async Task Rules_are_written_as_they_are_made_not_held_until_the_end()
    {
        var slos = string.Join("\n---\n", Enumerable.Range(0, 500).Select(i => Slo($"availability-{i}")));
        var stdout = new LargestWriteRecorder();
        _cli.NewStdout = () => stdout;

        var result = await _cli.RunAsync("slo", "rules", Write("sli.yaml", Sli), Write("slos.yaml", slos));

        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Out.Length > 3_000_000, $"{result.Out.Length} characters of rules");
        Assert.InRange(stdout.LargestWrite, 1, 128 * 1024);
        Assert.EndsWith("...\n", result.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_refuse_an_slo_with_more_than_100_objectives_with_its_line()
    {
        var objectives = string.Concat(Enumerable.Range(1, 101).Select(i => $"\n    - target: 0.{i:D3}"));
        var slo = Write("slo.yaml", Slo("availability").Replace("\n    - target: 0.999", objectives, StringComparison.Ordinal));

        var result = await _cli.RunAsync("slo", "rules", Write("sli.yaml", Sli), slo);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains($"{slo}:113:7: the SLO has 101 objectives; Vigil reads at most 100 per SLO", result.Error, StringComparison.Ordinal);
    }

    /// <summary>Standard output that remembers the longest single piece written to it.</summary>
    private sealed class LargestWriteRecorder : StringWriter
    {
        public int LargestWrite { get; private set; }

        public override void Write(char value)
        {
            Record(1);
            base.Write(value);
        }

        public override void Write(string? value)
        {
            Record(value?.Length ?? 0);
            base.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            Record(count);
            base.Write(buffer, index, count);
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            Record(buffer.Length);
            base.Write(buffer);
        }

        private void Record(int length) => LargestWrite = Math.Max(LargestWrite, length);
    }

    [SkippableFact]
    public async Task Generated_rules_pass_promtool_check_rules()
    {
        var promtool = Environment.GetEnvironmentVariable("VIGIL_TEST_PROMTOOL") is { Length: > 0 } configured ? configured : "/usr/bin/promtool";
        Skip.IfNot(File.Exists(promtool), $"promtool not found at {promtool} (test.sh installs the Debian prometheus package): promtool check skipped");
        var slos = Slo("availability", window: "30d") + "\n---\n" + Slo("availability-strict", window: "7d", target: "0.9995")
            + "\n---\n" + Sli.Replace("name: api-errors", "name: api-latency", StringComparison.Ordinal);
        var rules = await _cli.RunAsync("slo", "rules", "--label-prefix", "vigil", Write("sli.yaml", Sli), Write("slos.yaml", slos));
        Assert.Equal(0, rules.ExitCode);
        var file = Write("rules.yml", rules.Out);

        var (exitCode, output) = await Run(promtool, "check", "rules", file);

        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS: 34 rules found", output, StringComparison.Ordinal); // 17 per SLO
        Assert.Contains("vigil_slo=\"availability-strict\"", rules.Out, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Bench_reports_memory_and_round_time_for_both_layouts_and_the_prometheus_requests()
    {
        var result = await _cli.RunAsync("slo", "bench", "--slos", "3", "--days", "1", "--rounds", "2");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("every minute of the period (previous layout):", result.Out, StringComparison.Ordinal);
        Assert.Contains("tiered: burn-window minutes + 15-minute buckets:", result.Out, StringComparison.Ordinal);
        Assert.Contains("KiB per SLO on the heap", result.Out, StringComparison.Ordinal);
        Assert.Contains("incremental round: 6 query_range requests (2 per SLO, 3 points each)", result.Out, StringComparison.Ordinal);
        Assert.Contains("backfill of one SLO: 8 requests for 30 days", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_with_prometheus_runs_each_query_and_reports_the_ones_prometheus_rejects()
    {
        await using var prometheus = await FakeServer.StartAsync();
        prometheus.On("GET", "/api/v1/query_range", 400,
            """{"status":"error","errorType":"bad_data","error":"1:6: parse error: unknown function with name \"rat\""}""");
        var files = new[] { Write("sli.yaml", Sli), Write("slo.yaml", Slo("availability")) };

        var failed = await _cli.RunAsync(["slo", "validate", "--prometheus", prometheus.Url, .. files]);

        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("slo.yaml:4:9: SLO \"availability\": the bad query sum(increase(http_requests_total{job=\"api\",code=~\"5..\"}[1m])) failed (bad_data): "
            + "1:6: parse error: unknown function with name \"rat\"", failed.Error, StringComparison.Ordinal);
        Assert.Contains("/api/v1/query_range", prometheus.Requests.First().Path, StringComparison.Ordinal);

        prometheus.On("GET", "/api/v1/query_range", 200, """{"status":"success","data":{"resultType":"matrix","result":[]}}""");
        var passed = await _cli.RunAsync(["slo", "validate", "--prometheus", prometheus.Url, .. files]);
        Assert.Equal(0, passed.ExitCode);
        Assert.Contains("1 Prometheus SLI queried without errors", passed.Out, StringComparison.Ordinal);
    }
}
