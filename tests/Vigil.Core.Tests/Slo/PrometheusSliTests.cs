using Vigil.Core.Slo.Budget;
using Vigil.Core.Slo.Evaluation;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Tests.Slo;

/// <summary>How an SLI's PromQL becomes per-minute queries, which Prometheus is asked, and what a minute's values count as.</summary>
public class PrometheusSliTests
{
    private static readonly Uri Default = new("http://prom:9090");

    private static (PrometheusSli? Sli, string? Problem) For(string yaml, Uri? defaultUrl = null)
    {
        var catalog = OpenSloCatalog.Parse(yaml, "slo.yaml");
        Assert.True(catalog.IsValid, string.Join("\n", catalog.Errors));
        var slo = catalog.Slos.Single();
        var indicator = catalog.IndicatorOf(slo)!;
        Assert.True(PrometheusSli.Reads(indicator, catalog));
        return PrometheusSli.For(slo, indicator, catalog, defaultUrl);
    }

    private static string Ratio(string part, string partQuery, string totalQuery, string source = "type: Prometheus", string extra = "") => $$"""
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout
        spec:
          service: checkout
          indicator:
            metadata:
              name: checkout-requests
            spec:
              ratioMetric:
                counter: true
                {{part}}:
                  metricSource:
                    {{source}}
                    spec:
                      query: '{{partQuery}}'
                total:
                  metricSource:
                    {{source}}
                    spec:
                      query: '{{totalQuery}}'
          objectives:
            - target: 0.99
        {{extra}}
        """;

    [Fact]
    public void Counter_selectors_become_per_minute_increases()
    {
        var (sli, problem) = For(Ratio("bad", "http_requests_total{code=~\"5..\"}", "http_requests_total"), Default);

        Assert.Null(problem);
        Assert.Equal(PrometheusSliKind.BadTotal, sli!.Kind);
        Assert.Equal(new MinuteQuery(Default, "sum(increase(http_requests_total{code=~\"5..\"}[1m]))", 1), sli.Part);
        Assert.Equal(new MinuteQuery(Default, "sum(increase(http_requests_total[1m]))", 1), sli.Total);
    }

    [Fact]
    public void Sloth_window_queries_are_read_as_per_second_rates_over_one_minute()
    {
        var (sli, _) = For(Ratio("good", "sum(rate(req_total{code!~\"5..\"}[{{.window}}]))", "sum(rate(req_total[{{ .window }}]))"), Default);

        Assert.Equal(PrometheusSliKind.GoodTotal, sli!.Kind);
        Assert.Equal(new MinuteQuery(Default, "sum(rate(req_total{code!~\"5..\"}[1m]))", 60), sli.Part);
        Assert.Equal(("sum(rate(req_total[1m]))", 60.0), (sli.Total!.Expression, sli.Total.Scale));
        // 9.5 good and 10 total requests per second over the minute: 570 of 600 events.
        Assert.Equal(new EventCounts(570, 600), sli.Counts(9.5, 10));
    }

    /// <summary>A Prometheus DataSource named eu-prom at <paramref name="url"/>, as a document to append.</summary>
    private static string EuPrometheusAt(string url) => $"""
        ---
        apiVersion: openslo/v1
        kind: DataSource
        metadata:
          name: eu-prom
        spec:
          type: Prometheus
          connectionDetails:
            url: {url}
        """;

    [Fact]
    public void A_data_source_url_wins_over_the_default_and_a_missing_one_is_a_clear_problem()
    {
        var (sli, _) = For(Ratio("bad", "errors_total", "requests_total", "metricSourceRef: eu-prom", EuPrometheusAt("http://eu-prometheus:9090/")), Default);
        Assert.Equal(new Uri("http://eu-prometheus:9090/"), sli!.Part.Url);

        var (none, problem) = For(Ratio("bad", "errors_total", "requests_total"));
        Assert.Null(none);
        Assert.Equal("reads Prometheus, but slos.prometheus_url is not set (or give a DataSource with connectionDetails.url)", problem);
    }

    /// <summary>As for slos.prometheus_url: credentials in a DataSource URL are refused — the URL is shown by the SLO
    /// API (to viewers), in read errors and in the log, and HttpClient would not send them anyway.</summary>
    [Fact]
    public void A_data_source_url_with_credentials_is_a_problem_that_does_not_show_them()
    {
        var (sli, problem) = For(Ratio("bad", "errors_total", "requests_total", "metricSourceRef: eu-prom",
            EuPrometheusAt("http://alice:s3cretPW@eu-prometheus:9090/")), Default);

        Assert.Null(sli);
        Assert.Contains("must not hold credentials", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cretPW", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Aggregated_queries_without_a_window_cannot_be_read_per_minute()
    {
        var (sli, problem) = For(Ratio("bad", "sum(errors_total)", "sum(requests_total)"), Default);

        Assert.Null(sli);
        Assert.StartsWith("has a query Vigil cannot read per minute, \"sum(errors_total)\"", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_bad_count_is_zero_errors_but_a_missing_good_or_total_count_is_no_data()
    {
        var (bad, _) = For(Ratio("bad", "errors_total", "requests_total"), Default);
        var (good, _) = For(Ratio("good", "ok_total", "requests_total"), Default);

        Assert.Equal(new EventCounts(100, 100), bad!.Counts(null, 100));
        Assert.False(bad.Counts(3, null).HasData);
        Assert.False(good!.Counts(null, 100).HasData);
        // increase() extrapolates: a part slightly above the total or below zero is clamped.
        Assert.Equal(new EventCounts(100, 100), good.Counts(100.4, 100));
        Assert.Equal(new EventCounts(100, 100), bad.Counts(-0.2, 100));
        Assert.False(good.Counts(double.NaN, 100).HasData);
    }

    [Fact]
    public void Threshold_metrics_make_each_minute_one_good_or_bad_event()
    {
        var (sli, _) = For("""
            apiVersion: openslo/v1
            kind: SLO
            metadata:
              name: latency
            spec:
              service: search
              indicator:
                metadata:
                  name: p99
                spec:
                  thresholdMetric:
                    metricSource:
                      type: Prometheus
                      spec:
                        query: histogram_quantile(0.99, sum by (le) (rate(search_seconds_bucket[5m])))
              objectives:
                - op: lte
                  value: 0.3
                  target: 0.95
            """, Default);

        Assert.Equal((PrometheusSliKind.Threshold, "histogram_quantile(0.99, sum by (le) (rate(search_seconds_bucket[5m])))"), (sli!.Kind, sli.Part.Expression));
        Assert.Equal(new EventCounts(1, 1), sli.Counts(0.25, null));
        Assert.Equal(new EventCounts(0, 1), sli.Counts(0.31, null));
        // Several series: the worst one decides (the largest latency for "lte").
        Assert.Equal(0.5, sli.Combine([0.1, 0.5, double.NaN]));
    }

    [Fact]
    public void The_key_changes_with_the_queries_so_edited_slis_are_read_again()
    {
        var (a, _) = For(Ratio("bad", "errors_total", "requests_total"), Default);
        var (b, _) = For(Ratio("bad", "errors_total{job=\"x\"}", "requests_total"), Default);
        var (c, _) = For(Ratio("bad", "errors_total", "requests_total"), new Uri("http://other:9090"));

        Assert.Equal(a!.Key, For(Ratio("bad", "errors_total", "requests_total"), Default).Sli!.Key);
        Assert.NotEqual(a.Key, b!.Key);
        Assert.NotEqual(a.Key, c!.Key);
    }
}
