using Vigil.Core.Config;

namespace Vigil.Core.Tests.Config;

public class MetricsConfigTests
{
    private const string Base = "route:\n  receiver: default\nreceivers:\n  - name: default\n";

    [Fact]
    public void Metrics_section_gives_threshold_sources_and_capacity_rules()
    {
        var config = ConfigLoader.Parse(Base + """
            metrics:
              threshold: 0.2
              max_alerts_per_minute: 10
              sources:
                - name: cpu
                  url: http://prometheus:9090
                  query: 'rate(node_cpu_seconds_total[5m])'
                  interval: 30s
                  step: 1m
                  backfill: 6h
                - name: fine
                  url: https://prom.example/
                  query: up
                  interval: 1s
              capacity:
                - matchers: ['__name__="disk_used_percent"', 'mountpoint="/data"']
                  threshold: 90
                  horizon: 3d
            """, "vigil.yml");

        var metrics = config.Metrics;
        Assert.Equal((0.2, 10), (metrics.Threshold, metrics.MaxAlertsPerMinute));
        var cpu = metrics.Sources[0];
        Assert.Equal(("cpu", "http://prometheus:9090/", TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromHours(6)),
            (cpu.Name, cpu.Url.ToString(), cpu.Interval, cpu.Step, cpu.Backfill));
        // Unset step follows the interval; unset backfill is 24 h capped at query_range's 11,000 points.
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(11_000)), (metrics.Sources[1].Step, metrics.Sources[1].Backfill));
        var rule = Assert.Single(metrics.Capacity);
        Assert.Equal((90.0, TimeSpan.FromDays(3), 2), (rule.Threshold, rule.Horizon, rule.Matchers.Count));
    }

    [Fact]
    public void No_metrics_section_uses_the_detector_threshold_and_polls_nothing()
    {
        var metrics = ConfigLoader.Parse(Base, "vigil.yml").Metrics;
        Assert.Equal(0.56, metrics.Threshold); // the lightweight detector's own (decision 023)
        Assert.Empty(metrics.Sources);
        Assert.Empty(metrics.Capacity);
    }

    [Fact]
    public void The_detector_is_lightweight_by_default_and_each_kind_brings_its_own_threshold()
    {
        Assert.Equal(MetricDetectorKind.Lightweight, ConfigLoader.Parse(Base, "vigil.yml").Metrics.Detector);
        var contextual = ConfigLoader.Parse(Base + "metrics:\n  detector: contextual\n", "vigil.yml").Metrics;
        Assert.Equal((MetricDetectorKind.Contextual, 0.62), (contextual.Detector, contextual.Threshold));
        var balanced = ConfigLoader.Parse(Base + "metrics:\n  detector: balanced\n", "vigil.yml").Metrics;
        Assert.Equal((MetricDetectorKind.Balanced, 0.59), (balanced.Detector, balanced.Threshold));
        var tuned = ConfigLoader.Parse(Base + "metrics:\n  detector: contextual\n  threshold: 0.5\n", "vigil.yml").Metrics;
        Assert.Equal(0.5, tuned.Threshold);
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + "metrics:\n  detector: magic\n", "vigil.yml"));
        Assert.Contains("\"lightweight\", \"balanced\" or \"contextual\"", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_source_url_with_credentials_is_refused_without_repeating_them()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + """
            metrics:
              sources:
                - name: a
                  url: http://alice:s3cret@prometheus:9090
                  query: up
            """, "vigil.yml"));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("metric source \"a\": url \"http://***@prometheus:9090\" " + PrometheusUrls.NoCredentials
            + "; give them in http_config (basic_auth, or authorization for a token)", error.Message);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_source_behind_authentication_takes_an_http_config_as_a_receiver_does()
    {
        var dir = Directory.CreateTempSubdirectory("vigil-metrics-auth-").FullName;
        try
        {
            var passwordFile = Path.Combine(dir, "prom-password");
            File.WriteAllText(passwordFile, "s3cret-from-file\n");
            var yaml = Base + $$"""
                metrics:
                  sources:
                    - name: basic
                      url: https://prometheus:9090
                      query: up
                      http_config:
                        basic_auth: { username: vigil, password_file: {{passwordFile}} }
                    - name: token
                      url: https://thanos:10902
                      query: up
                      http_config:
                        authorization: { credentials: tok3n-inline }
                    - name: open
                      url: http://prometheus:9090
                      query: up
                """;
            var config = ConfigLoader.Parse(yaml, Path.Combine(dir, "vigil.yml"));

            var sources = config.Metrics.Sources;
            var basic = Assert.IsType<BasicAuth>(sources[0].Auth);
            Assert.Equal(("vigil", "s3cret-from-file"), (basic.Username, basic.Password!.Read()));
            Assert.Equal(("Basic", Convert.ToBase64String("vigil:s3cret-from-file"u8.ToArray())), basic.Header());
            Assert.Equal(("Bearer", "tok3n-inline"), Assert.IsType<HeaderAuth>(sources[1].Auth).Header());
            Assert.Null(sources[2].Auth);
            // A source's description (logs, debugging) names where a secret is, never the secret.
            Assert.DoesNotContain("s3cret", sources[0].ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("tok3n", sources[1].ToString(), StringComparison.Ordinal);
            // Nor the config as /api/v2/status shows it.
            Assert.DoesNotContain("tok3n", ConfigRedactor.Redact(yaml), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_bad_http_config_of_a_source_is_reported_with_its_line()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + """
            metrics:
              sources:
                - name: both
                  url: http://prometheus:9090
                  query: up
                  http_config:
                    basic_auth: { username: vigil, password: x }
                    authorization: { credentials: y }
                - name: missing-file
                  url: http://prometheus:9090
                  query: up
                  http_config:
                    authorization: { credentials_file: /nonexistent/vigil-token }
                - name: tls
                  url: https://prometheus:9090
                  query: up
                  http_config:
                    tls_config: { insecure_skip_verify: true }
            """, "vigil.yml"));

        var messages = ex.Errors.Select(e => $"{e.Line}: {e.Message}").ToList();
        Assert.Contains(messages, m => m.StartsWith("11: ", StringComparison.Ordinal) && m.Contains("metric source \"both\": http_config may have one of", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("17: ", StringComparison.Ordinal) && m.Contains("cannot read secret file /nonexistent/vigil-token", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("22: ", StringComparison.Ordinal) && m.Contains("tls_config", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_metric_settings_are_reported_with_their_line()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + """
            metrics:
              threshold: 2
              sources:
                - name: a
                  url: ftp://x
                  query: up
                - name: b
                  url: http://p:9090
                - name: c
                  url: http://p:9090
                  query: up
                  interval: soon
              capacity:
                - threshold: 90
                  colour: red
            """, "vigil.yml"));

        Assert.Collection(ex.Errors,
            e => Assert.Equal((6, true), (e.Line, e.Message.Contains("metrics.threshold", StringComparison.Ordinal))),
            e => Assert.Equal((9, true), (e.Line, e.Message.Contains("http://", StringComparison.Ordinal))),
            e => Assert.Equal((11, true), (e.Line, e.Message.Contains("needs a \"query\"", StringComparison.Ordinal))),
            e => Assert.Equal((16, true), (e.Line, e.Message.Contains("invalid duration", StringComparison.Ordinal))),
            e => Assert.Equal((19, true), (e.Line, e.Message.Contains("unknown key \"colour\"", StringComparison.Ordinal))),
            e => Assert.Contains("needs \"matchers\"", e.Message));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("      direction: rising\n", false)]
    [InlineData("      direction: falling\n", true)]
    public void A_capacity_rule_rises_to_its_threshold_unless_it_says_it_falls(string line, bool falling)
    {
        var metrics = ConfigLoader.Parse(Base + "metrics:\n  capacity:\n    - matchers: ['__name__=\"free\"']\n      threshold: 10\n" + line, "vigil.yml").Metrics;
        var rule = Assert.Single(metrics.Capacity);
        Assert.Equal(falling, rule.Falling);
        Assert.Equal(falling, rule.IsPast(5));
        Assert.Equal(!falling, rule.IsPast(15));
    }

    [Fact]
    public void A_capacity_rule_with_another_direction_is_reported_with_its_line()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(
            Base + "metrics:\n  capacity:\n    - matchers: ['__name__=\"free\"']\n      threshold: 10\n      direction: down\n", "vigil.yml"));
        var error = Assert.Single(ex.Errors);
        Assert.Contains("direction must be \"rising\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("not \"down\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", 7 * 24.0)]
    [InlineData("  series_ttl: 36h\n", 36.0)]
    [InlineData("  series_ttl: 0s\n", 0.0)]
    public void Series_are_kept_a_week_after_their_last_sample_unless_series_ttl_says_otherwise(string line, double hours)
    {
        var metrics = ConfigLoader.Parse(Base + "metrics:\n  max_series: 10\n" + line, "vigil.yml").Metrics;
        Assert.Equal(TimeSpan.FromHours(hours), metrics.SeriesTtl);
    }

    [Theory]
    [InlineData("30m", "must be 0 (keep every series) or at least 1h")]
    [InlineData("soon", "invalid duration")]
    public void A_bad_series_ttl_is_reported_with_its_line(string ttl, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + $"metrics:\n  series_ttl: {ttl}\n", "vigil.yml"));
        var error = Assert.Single(ex.Errors);
        Assert.Equal((6, true), (error.Line, error.Message.Contains(message, StringComparison.Ordinal)));
    }

    [Fact]
    public void Detector_rules_give_matching_series_another_detector_with_its_own_threshold_and_room()
    {
        var metrics = ConfigLoader.Parse(Base + """
            metrics:
              threshold: 0.1
              detectors:
                - matchers: ['__name__="checkout_latency_seconds"', 'env="prod"']
                  detector: contextual
                  max_series: 50
                - matchers: ['job=~"db.*"']
                  detector: balanced
                  threshold: 0.8
            """, "vigil.yml").Metrics;

        Assert.Collection(metrics.DetectorRules,
            r => Assert.Equal((2, MetricDetectorKind.Contextual, (double?)null, (int?)50), (r.Matchers.Count, r.Detector, r.Threshold, r.MaxSeries)),
            r => Assert.Equal((1, MetricDetectorKind.Balanced, (double?)0.8, (int?)null), (r.Matchers.Count, r.Detector, r.Threshold, r.MaxSeries)));
        var (contextual, balanced) = (metrics.DetectorRules[0], metrics.DetectorRules[1]);
        // A rule's own threshold, else the configured detector's (metrics.threshold), else the kind's default.
        Assert.Equal(0.8, metrics.ThresholdFor(MetricDetectorKind.Balanced, balanced));
        Assert.Equal(0.62, metrics.ThresholdFor(MetricDetectorKind.Contextual, contextual));
        Assert.Equal(0.1, metrics.ThresholdFor(MetricDetectorKind.Lightweight, null));
        Assert.Equal(0.59, metrics.ThresholdFor(MetricDetectorKind.Balanced, null));
        var contextualByDefault = ConfigLoader.Parse(Base + "metrics:\n  detector: contextual\n", "vigil.yml").Metrics;
        Assert.Equal(0.56, contextualByDefault.ThresholdFor(MetricDetectorKind.Lightweight, null)); // lightweight's own (decision 023)
        // A rule whose detector is not the series' (the series was created before the rule changed) does not apply.
        Assert.Equal(0.1, metrics.ThresholdFor(MetricDetectorKind.Lightweight, balanced));
        Assert.NotEqual(contextual.Key, balanced.Key);
    }

    [Fact]
    public void Bad_detector_rules_are_reported_with_their_line()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + """
            metrics:
              detectors:
                - detector: contextual
                - matchers: ['job="db"']
                - matchers: ['job="db"']
                  detector: psychic
                - matchers: ['job="db"']
                  detector: balanced
                  threshold: 0
                  max_series: none
                  colour: red
            """, "vigil.yml"));

        Assert.Collection(ex.Errors,
            e => Assert.Equal((7, true), (e.Line, e.Message.Contains("needs \"matchers\"", StringComparison.Ordinal))),
            e => Assert.Equal((8, true), (e.Line, e.Message.Contains("needs a \"detector\"", StringComparison.Ordinal))),
            e => Assert.Equal((10, true), (e.Line, e.Message.Contains("\"lightweight\", \"balanced\" or \"contextual\", got \"psychic\"", StringComparison.Ordinal))),
            e => Assert.Equal((15, true), (e.Line, e.Message.Contains("unknown key \"colour\"", StringComparison.Ordinal))),
            e => Assert.Equal((13, true), (e.Line, e.Message.Contains("threshold must be above 0", StringComparison.Ordinal))),
            e => Assert.Equal((14, true), (e.Line, e.Message.Contains("max_series must be a whole number", StringComparison.Ordinal))));
    }
}
