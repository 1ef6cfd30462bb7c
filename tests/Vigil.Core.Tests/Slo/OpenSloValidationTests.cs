using Vigil.Core.Config;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Tests.Slo;

/// <summary>Bad OpenSLO input: every problem is reported, each at its file, line and column.</summary>
public class OpenSloValidationTests
{
    private static IReadOnlyList<ConfigError> Errors(string yaml) => OpenSloCatalog.Parse(yaml, "slo.yaml").Errors;

    private static ConfigError SingleError(string yaml) => Assert.Single(Errors(yaml));

    /// <summary>A valid SLO whose spec lines start at line 7; tests replace one line.</summary>
    private static string Slo(string objectives = "    - target: 0.999", string window = "    - duration: 28d\n      isRolling: true", string extra = "") => $"""
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: api
        spec:
          service: api
          indicator:
            metadata:
              name: api-errors
            spec:
              ratioMetric:
                bad: {"{"}metricSource: {"{"}type: Prometheus, spec: {"{"}query: errors{"}}}"}
                total: {"{"}metricSource: {"{"}type: Prometheus, spec: {"{"}query: requests{"}}}"}
          timeWindow:
        {window}
          budgetingMethod: Occurrences
          objectives:
        {objectives}
        {extra}
        """;

    [Fact]
    public void Sample_slo_used_by_these_tests_is_valid() => Assert.Empty(Errors(Slo()));

    [Fact]
    public void An_slo_may_have_100_objectives_and_not_more()
    {
        static string Objectives(int count) => string.Join("\n", Enumerable.Range(1, count).Select(i => $"    - target: 0.{i:D3}"));

        Assert.Empty(Errors(Slo(Objectives(OpenSloParser.MaxObjectives))));
        var error = SingleError(Slo(Objectives(50_000)));

        // 50,000 objectives became 150,000 rule groups in "vigil slo rules", past 3 GB.
        Assert.Equal("slo.yaml:119:7: the SLO has 50,000 objectives; Vigil reads at most 100 per SLO (each is evaluated on its own and gets its own alerts and Prometheus rule groups)",
            error.ToString());
    }

    [Fact]
    public void Invalid_yaml_is_reported_with_its_position()
    {
        var error = SingleError("apiVersion: openslo/v1\nkind: SLO\nmetadata: [unclosed\n");

        Assert.Equal("slo.yaml", error.File);
        Assert.True(error.Line >= 3, error.ToString());
        Assert.StartsWith("invalid YAML:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_kind_is_reported_at_the_kind()
    {
        var error = SingleError("apiVersion: openslo/v1\nkind: Slo\nmetadata:\n  name: x\nspec: {}\n");

        Assert.Equal("slo.yaml:2:7: unknown kind \"Slo\"; expected one of: Service, SLO, SLI, AlertPolicy, AlertCondition, AlertNotificationTarget, DataSource", error.ToString());
    }

    [Fact]
    public void Other_api_versions_are_rejected()
    {
        var error = SingleError(Slo().Replace("openslo/v1", "openslo/v1alpha", StringComparison.Ordinal));
        Assert.Equal((1, 13), (error.Line, error.Column));
        Assert.Contains("unsupported apiVersion \"openslo/v1alpha\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    - target: 1.5", "target 1.5 is outside (0, 1)")]
    [InlineData("    - target: 1", "target 1 is outside (0, 1)")]
    [InlineData("    - target: 0", "target 0 is outside (0, 1)")]
    [InlineData("    - targetPercent: 100", "targetPercent 100 is outside (0, 100)")]
    [InlineData("    - target: high", "\"target\" must be a number, not \"high\"")]
    public void Objective_outside_zero_one_is_reported_at_the_value(string objective, string message)
    {
        var error = SingleError(Slo(objectives: objective));

        Assert.Equal(19, error.Line);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_length_window_is_rejected()
    {
        var error = SingleError(Slo(window: "    - duration: 0d\n      isRolling: true"));

        Assert.Equal("slo.yaml:15:17: \"duration\" must not be zero-length", error.ToString());
    }

    [Fact]
    public void Malformed_duration_names_the_accepted_units()
    {
        var error = SingleError(Slo(window: "    - duration: 30 days"));
        Assert.Contains("invalid duration \"30 days\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5000Y")]
    [InlineData("6000000Y")]
    [InlineData("2147483647h")]
    [InlineData("367d")]
    public void A_window_longer_than_a_year_is_an_error_with_its_place(string duration)
    {
        var error = SingleError(Slo(window: $"    - duration: {duration}\n      isRolling: true"));

        Assert.Equal($"slo.yaml:15:17: \"duration\" {duration} is longer than 366d (1Y), the longest window Vigil keeps", error.ToString());
    }

    [Theory]
    [InlineData("1Y")]
    [InlineData("4Q")]
    [InlineData("12M")]
    [InlineData("366d")]
    public void A_window_of_a_year_is_fine(string duration) => Assert.Empty(Errors(Slo(window: $"    - duration: {duration}\n      isRolling: true")));

    [Fact]
    public void A_calendar_start_centuries_away_is_an_error()
    {
        var error = SingleError(Slo(window: "    - duration: 1m\n      calendar:\n        startTime: 1800-01-01 00:00:00\n        timeZone: UTC"));

        Assert.Contains("startTime \"1800-01-01 00:00:00\" must be between the years 1900 and 2200", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Calendar_window_needs_a_known_time_zone_and_a_valid_start()
    {
        var errors = Errors(Slo(window: "    - duration: 1M\n      calendar:\n        startTime: 2024-13-01 00:00:00\n        timeZone: Mars/Olympus"));

        Assert.Equal(2, errors.Count);
        Assert.Contains("invalid startTime \"2024-13-01 00:00:00\"", errors[0].Message, StringComparison.Ordinal);
        Assert.Equal("slo.yaml:18:19: unknown time zone \"Mars/Olympus\"; use an IANA name such as UTC or Europe/Berlin", errors[1].ToString());
    }

    [Fact]
    public void Rolling_window_with_a_calendar_is_contradictory()
    {
        var error = SingleError(Slo(window: "    - duration: 1w\n      isRolling: true\n      calendar: {startTime: 2024-01-01 00:00:00, timeZone: UTC}"));
        Assert.Contains("cannot have a \"calendar\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Timeslices_objective_needs_slice_target_and_window()
    {
        var errors = Errors(Slo().Replace("budgetingMethod: Occurrences", "budgetingMethod: Timeslices", StringComparison.Ordinal));

        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(19, e.Line));
        Assert.Contains("timeSliceTarget", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("timeSliceWindow", errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_in_a_document_is_reported_not_just_the_first()
    {
        var yaml = Slo(objectives: "    - target: 2\n    - targetPercent: 99.9\n      target: 0.999", window: "    - duration: 0d")
            .Replace("  service: api\n", "", StringComparison.Ordinal)
            .Replace("budgetingMethod: Occurrences", "budgetingMethod: Sometimes", StringComparison.Ordinal);

        var messages = Errors(yaml).Select(e => e.Message).ToList();

        Assert.Equal(5, messages.Count);
        Assert.Contains(messages, m => m.StartsWith("missing \"service\"", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("zero-length", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("unknown budgetingMethod \"Sometimes\"", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("target 2 is outside", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("not both", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_keys_are_reported_with_the_expected_ones()
    {
        var error = SingleError(Slo(extra: "  alertPolicy: []"));
        Assert.Equal((20, 3), (error.Line, error.Column));
        Assert.StartsWith("unknown key \"alertPolicy\" in the SLO spec; expected one of:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_references_are_reported_where_they_are_written()
    {
        var yaml = Slo(extra: "  alertPolicies:\n    - alertPolicyRef: missing-policy")
            + "\n---\napiVersion: openslo/v1\nkind: SLO\nmetadata: {name: other}\nspec:\n  service: api\n  indicatorRef: no-such-sli\n  objectives: [{target: 0.9}]\n";

        var errors = Errors(yaml);

        Assert.Equal(
            ["slo.yaml:21:23: alertPolicyRef \"missing-policy\" does not name a AlertPolicy in the given files",
             "slo.yaml:28:17: indicatorRef \"no-such-sli\" does not name a SLI in the given files"],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Duplicate_names_across_files_point_at_the_first_definition()
    {
        var first = OpenSloParser.Parse(Slo(), "a.yaml");
        var second = OpenSloParser.Parse(Slo(), "b.yaml");

        var error = Assert.Single(OpenSloCatalog.Link([first, second]).Errors);

        Assert.Equal("b.yaml:4:9: duplicate SLO \"api\"; first defined at a.yaml:4:9", error.ToString());
    }

    [Fact]
    public void Same_name_in_different_kinds_is_allowed()
    {
        var service = "apiVersion: openslo/v1\nkind: Service\nmetadata: {name: api}\nspec:\n---\n";
        Assert.Empty(Errors(service + Slo()));
    }

    [Fact]
    public void Threshold_sli_by_reference_allows_one_objective_with_op_and_value()
    {
        var yaml = """
            apiVersion: openslo/v1
            kind: SLI
            metadata: {name: latency}
            spec:
              thresholdMetric: {metricSource: {type: Prometheus, spec: {query: latency_seconds}}}
            ---
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: fast}
            spec:
              service: api
              indicatorRef: latency
              budgetingMethod: Occurrences
              objectives: [{target: 0.9, op: lt, value: 0.3}, {target: 0.99}]
            """;

        var messages = Errors(yaml).Select(e => e.ToString()).ToList();

        Assert.Equal(
            ["slo.yaml:12:17: a thresholdMetric SLI allows only one objective, not 2",
             "slo.yaml:12:17: an objective of a thresholdMetric SLI needs \"op\" and \"value\""],
            messages);
    }

    [Fact]
    public void Ratio_metric_needs_total_with_exactly_one_of_good_and_bad()
    {
        var error = SingleError(Slo().Replace("bad:", "good:", StringComparison.Ordinal).Replace("total:", "bad:", StringComparison.Ordinal));
        Assert.Equal("slo.yaml:12:9: missing \"total\" (with \"good\" or \"bad\") or \"raw\" in the ratioMetric", error.ToString());
    }

    [Fact]
    public void Empty_file_is_an_error()
    {
        var error = SingleError("# nothing here\n");
        Assert.Equal("slo.yaml:1:1: no OpenSLO documents in the file", error.ToString());
    }
}
