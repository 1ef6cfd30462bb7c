using Vigil.Core.Config;

namespace Vigil.Core.Tests.Config;

public sealed class SlosConfigTests : IDisposable
{
    private const string Base = "route:\n  receiver: default\nreceivers:\n  - name: default\n";

    private const string Slo = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-availability
        spec:
          service: checkout
          indicator:
            metadata:
              name: checkout-errors
            spec:
              ratioMetric:
                good: {metricSource: {type: Vigil}}
                total: {metricSource: {type: Vigil}}
          objectives:
            - target: 0.99
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-slos-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Slo_files_are_read_relative_to_the_config_file()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "slos"));
        File.WriteAllText(Path.Combine(_dir, "slos", "checkout.yaml"), Slo);

        var config = ConfigLoader.Parse(Base + "slos:\n  files: [slos/checkout.yaml]\n", Path.Combine(_dir, "vigil.yml"));

        Assert.Equal(Path.Combine(_dir, "slos", "checkout.yaml"), Assert.Single(config.Slos.Files));
        Assert.Equal("checkout-availability", Assert.Single(config.Slos.Catalog.Slos).Name);
    }

    [Fact]
    public void Errors_in_slo_files_fail_the_config_with_their_position()
    {
        File.WriteAllText(Path.Combine(_dir, "bad.yaml"), Slo.Replace("0.99", "1.5", StringComparison.Ordinal));

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + "slos:\n  files: [bad.yaml, missing.yaml]\n", Path.Combine(_dir, "vigil.yml")));

        Assert.Contains(ex.Errors, e => e.File.EndsWith("bad.yaml", StringComparison.Ordinal) && e.Line == 15);
        Assert.Contains(ex.Errors, e => e.File.EndsWith("missing.yaml", StringComparison.Ordinal) && e.Message.Contains("cannot read", StringComparison.Ordinal));
    }

    [Fact]
    public void No_slos_section_means_no_slos() => Assert.Empty(ConfigLoader.Parse(Base, "vigil.yml").Slos.Catalog.Slos);

    private const string PrometheusSlo = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-availability
        spec:
          service: checkout
          indicator:
            metadata:
              name: checkout-errors
            spec:
              ratioMetric:
                bad: {metricSource: {type: Prometheus, spec: {query: 'http_requests_total{code="500"}'}}}
                total: {metricSource: {type: Prometheus, spec: {query: http_requests_total}}}
          objectives:
            - target: 0.99
        """;

    [Fact]
    public void Prometheus_url_and_unfreeze_threshold_are_read_and_prometheus_slis_prepared()
    {
        File.WriteAllText(Path.Combine(_dir, "prom.yaml"), PrometheusSlo);

        var config = ConfigLoader.Parse(Base + "slos:\n  files: [prom.yaml]\n  prometheus_url: http://prometheus:9090\n  unfreeze_above: 25%\n",
            Path.Combine(_dir, "vigil.yml")).Slos;

        Assert.Equal(new Uri("http://prometheus:9090"), config.PrometheusUrl);
        Assert.Equal(25, config.UnfreezeAbovePercent);
        var sli = config.PrometheusSlis["checkout-availability"];
        Assert.Equal("sum(increase(http_requests_total{code=\"500\"}[1m]))", sli.Part.Expression);
        Assert.Equal(SlosConfig.DefaultUnfreezeAbovePercent, ConfigLoader.Parse(Base, "vigil.yml").Slos.UnfreezeAbovePercent);
    }

    [Fact]
    public void A_prometheus_slo_without_a_url_fails_the_config_at_the_slo()
    {
        File.WriteAllText(Path.Combine(_dir, "prom.yaml"), PrometheusSlo);

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + "slos:\n  files: [prom.yaml]\n", Path.Combine(_dir, "vigil.yml")));

        var error = Assert.Single(ex.Errors);
        Assert.EndsWith("prom.yaml", error.File, StringComparison.Ordinal);
        Assert.Equal((4, 9), (error.Line, error.Column));
        Assert.Equal("SLO \"checkout-availability\" reads Prometheus, but slos.prometheus_url is not set (or give a DataSource with connectionDetails.url)", error.Message);
    }

    [Theory]
    [InlineData("  prometheus_url: prometheus:9090\n", "slos.prometheus_url \"prometheus:9090\" must be an http(s) URL")]
    [InlineData("  prometheus_url: https://alice:s3cret@prometheus:9090\n", "slos.prometheus_url \"https://***@prometheus:9090\" must not hold credentials")]
    [InlineData("  unfreeze_above: 100%\n", "slos.unfreeze_above must be a percentage from 0% to below 100%")]
    [InlineData("  unfreeze_above: lots\n", "slos.unfreeze_above must be a percentage")]
    public void Bad_slos_settings_are_errors(string line, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + "slos:\n" + line, Path.Combine(_dir, "vigil.yml")));
        Assert.StartsWith(message, Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alert_condition_looking_back_past_the_window_is_an_error()
    {
        File.WriteAllText(Path.Combine(_dir, "slo.yaml"), Slo.Replace("  objectives:", """
              timeWindow:
                - duration: 7d
                  isRolling: true
              alertPolicies:
                - kind: AlertPolicy
                  metadata:
                    name: weekly
                  spec:
                    conditions:
                      - kind: AlertCondition
                        metadata:
                          name: two-weeks
                        spec:
                          severity: ticket
                          condition: {kind: burnrate, op: gt, threshold: 1, lookbackWindow: 14d, alertAfter: 0m}
              objectives:
            """, StringComparison.Ordinal));

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + "slos:\n  files: [slo.yaml]\n", Path.Combine(_dir, "vigil.yml")));

        var error = Assert.Single(ex.Errors);
        Assert.Equal((4, 9), (error.Line, error.Column));
        Assert.Equal("SLO \"checkout-availability\": alert condition \"two-weeks\" looks back 14d, longer than the SLO's 7d time window", error.Message);
    }
}
