using System.Text.RegularExpressions;
using Vigil.Core.Slo.OpenSlo;
using Vigil.Core.Slo.Rules;

namespace Vigil.Core.Tests.Slo;

/// <summary>Rule generation from OpenSLO (promtool checks the output in the CLI tests).</summary>
public class PrometheusRuleGeneratorTests
{
    private static RuleGeneration Generate(string yaml, string prefix = "sloth")
    {
        var catalog = OpenSloCatalog.Parse(yaml, "slo.yaml");
        Assert.Empty(catalog.Errors);
        return PrometheusRuleGenerator.Generate(catalog, prefix);
    }

    [Fact]
    public void Bad_over_total_counters_become_rate_ratios_per_window_with_sloth_labels()
    {
        var rules = Generate(SloSamples.Checkout);

        Assert.Empty(rules.Problems);
        Assert.Contains(
            "(sum(rate(http_requests_total{job=\"checkout\",code=~\"5..\"}[5m])))\n      /\n      (sum(rate(http_requests_total{job=\"checkout\"}[5m])))",
            rules.Yaml.ReplaceLineEndings("\n"),
            StringComparison.Ordinal);
        Assert.Contains("sloth_id: \"checkout-checkout-availability\"", rules.Yaml, StringComparison.Ordinal);
        Assert.Contains("team: \"payments\"", rules.Yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Good_over_total_with_window_placeholders_is_one_minus_the_ratio()
    {
        var rules = Generate(SloSamples.Checkout);

        Assert.Contains("sum(rate(http_request_duration_seconds_bucket{job=\"checkout\",le=\"0.3\"}[30m]))", rules.Yaml, StringComparison.Ordinal);
        Assert.Contains("1 - (", rules.Yaml, StringComparison.Ordinal);
        Assert.Equal(4, Regex.Count(rules.Yaml, "alert: ErrorBudgetBurn")); // page and ticket for each of the two SLOs
    }

    [Fact]
    public void Raw_success_ratio_is_averaged_over_the_window()
    {
        var rules = Generate("""
            apiVersion: openslo/v1
            kind: SLO
            metadata: {name: uptime}
            spec:
              service: web
              indicator:
                metadata: {name: probe}
                spec:
                  ratioMetric:
                    rawType: success
                    raw: {metricSource: {type: prometheus, spec: {query: 'probe_success{job="web"}'}}}
              objectives: [{target: 0.99}]
            """, prefix: "vigil");

        Assert.Empty(rules.Problems);
        Assert.Contains("1 - (avg_over_time(probe_success{job=\"web\"}[5m]))", rules.Yaml, StringComparison.Ordinal);
        Assert.Contains("vigil_slo: \"uptime\"", rules.Yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("sloth_", rules.Yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_prometheus_and_threshold_slis_are_reported_not_guessed()
    {
        var spec = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Slo", "Examples", "occurences-slo.yaml"));

        var rules = Generate(spec);

        Assert.Equal(["SLO \"search-slo\": a thresholdMetric SLI compares single values; Prometheus rules need event counts (use a ratioMetric, e.g. over histogram buckets)"], rules.Problems);
    }
}
