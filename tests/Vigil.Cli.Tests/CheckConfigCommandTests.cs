namespace Vigil.Cli.Tests;

/// <summary><c>vigil check-config</c>: the config as <c>vigil serve</c> would load it, with no server or database.</summary>
public sealed class CheckConfigCommandTests : IDisposable
{
    private const string Slo = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-availability
        spec:
          service: checkout
          indicator:
            metadata:
              name: checkout-requests
            spec:
              ratioMetric:
                good: {metricSource: {type: Vigil}}
                total: {metricSource: {type: Vigil}}
          timeWindow:
            - duration: 30d
              isRolling: true
          budgetingMethod: Occurrences
          objectives:
            - target: 0.99
        """;

    private const string Valid = """
        route:
          receiver: ops
          routes:
            - receiver: db
              matchers: ['team="db"']
              routes:
                - receiver: ops
                  matchers: ['severity="critical"']
        receivers:
          - name: ops
          - name: db
        inhibit_rules:
          - source_matchers: ['severity="critical"']
            target_matchers: ['severity="warning"']
            equal: [alertname]
        slos:
          files: [slos/checkout.yaml]
        logs:
          sources:
            - name: hdfs
              masks: ['blk_-?\d+']
        metrics:
          sources:
            - { name: disk, url: http://prometheus:9090, query: 'disk_used_percent', interval: 1m }
        integrations:
          - name: checkout
            service: checkout
            routing_key_file: keys/checkout.key
        time_intervals:
          - name: business-hours
            time_intervals:
              - weekdays: ['monday:friday']
        mute_time_intervals:
          - name: maintenance
            time_intervals:
              - days_of_month: ['-1']
        """;

    private readonly Cli _cli = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-check-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Files the config names are read relative to it, as at start — not to the current directory.</summary>
    [Fact]
    public async Task A_valid_config_is_summarised_with_the_files_it_names()
    {
        var config = Write("vigil.yml", Valid);
        Write("slos/checkout.yaml", Slo);
        Write("keys/checkout.key", new string('k', 40));

        var result = await _cli.RunAsync("check-config", "--config", config);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Error);
        Assert.Equal(string.Join(Environment.NewLine,
            $"{config}: SUCCESS",
            "Found:",
            " - 2 receivers",
            " - 3 routes (with the root)",
            " - 1 inhibit rule",
            " - 2 time intervals",
            " - 1 SLO",
            " - 1 log source",
            " - 1 metric source") + Environment.NewLine, result.Out);
        Assert.Empty(_cli.Served);
    }

    [Fact]
    public async Task Every_error_is_listed_with_its_file_and_line_and_exits_2()
    {
        var config = Write("vigil.yml", Valid.Replace("receiver: db", "receiver: dba", StringComparison.Ordinal)
            .Replace("interval: 1m", "interval: 1m1m", StringComparison.Ordinal));
        Write("slos/checkout.yaml", Slo.Replace("target: 0.99", "target: 2", StringComparison.Ordinal));

        var result = await _cli.RunAsync("check-config", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        var lines = result.Error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"{config}: INVALID (4 errors)", lines[0]);
        Assert.Contains(lines, l => l.StartsWith($"  {config}:4:", StringComparison.Ordinal) && l.Contains("\"dba\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"  {config}:24:", StringComparison.Ordinal) && l.Contains("\"1m1m\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"  {config}:", StringComparison.Ordinal) && l.Contains("routing_key_file", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  " + Path.Combine(_dir, "slos", "checkout.yaml") + ":", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_config_it_checks_the_data_directorys_vigil_yml_as_serve_does()
    {
        Write("vigil.yml", "route:\n  receiver: ops\nreceivers:\n  - name: ops\n");

        var result = await _cli.RunAsync("check-config", "--data-dir", _dir);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith(Path.Combine(_dir, "vigil.yml") + ": SUCCESS", result.Out);
    }

    [Theory]
    [InlineData("--data-dir", "no-such-dir", "error: there is no {0}/vigil.yml to check")]
    [InlineData("--config", "no-such-file.yml", "{0}: INVALID (1 error)")]
    public async Task Nothing_to_check_is_a_usage_error(string option, string value, string expected)
    {
        var path = Path.Combine(_dir, value);

        var result = await _cli.RunAsync("check-config", option, path);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, path), result.Error);
    }

    /// <summary>The process died of a stack overflow inside YamlDotNet (no catch survives one).</summary>
    [Fact]
    public async Task Yaml_nested_100000_levels_deep_is_an_error_with_its_line_not_a_crash()
    {
        var config = Write("vigil.yml", "route: {receiver: ops}\nreceivers: [{name: ops}]\ntemplates: " + new string('[', 100_000) + new string(']', 100_000) + "\n");

        var result = await _cli.RunAsync("check-config", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"  {config}:3:267: YAML nested more than 256 levels deep", result.Error, StringComparison.Ordinal);
    }

    /// <summary>.NET's "Null character in path." ended the command with exit 1 and no line.</summary>
    [Fact]
    public async Task A_referenced_path_with_a_nul_character_is_an_error_with_its_line_and_exits_2()
    {
        var config = Write("vigil.yml", "route: {receiver: ops}\nreceivers: [{name: ops}]\nslos:\n  files: [\"a\\0b.yaml\"]\n");

        var result = await _cli.RunAsync("check-config", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"  {config}:4:11: slos.files entry \"a\\0b.yaml\" is not a valid path: it contains a NUL character", result.Error, StringComparison.Ordinal);
    }

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }
}
