using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.RealTools;

/// <summary>
/// A real Prometheus (Debian package) scrapes itself every second; Vigil's <c>metrics.sources</c> polls it with a
/// PromQL query (backfill through query_range, then query) and the series appear in the metrics API. A source whose
/// Prometheus is down and one whose query is invalid show their errors in the sources status, without alerts.
/// </summary>
public sealed class PrometheusMetricsTests : IAsyncLifetime
{
    private string _dir = null!;

    public Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("vigil-prom-metrics-").FullName;
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The Debian Prometheus on <paramref name="port"/>, scraping itself every second, plus <paramref name="more"/> config;
    /// with <paramref name="webConfig"/> (its <c>--web.config.file</c>: users and bcrypt hashes) behind basic authentication.</summary>
    private async Task<BackgroundProcess> StartPrometheusAsync(int port, string more, string? webConfig = null, string selfScrapeAuth = "")
    {
        var config = Path.Combine(_dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, $$"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: self
                static_configs:
                  - targets: ['127.0.0.1:{{port}}']
            {{selfScrapeAuth}}

            """ + more);
        List<string> arguments =
        [
            "--config.file=" + config,
            "--storage.tsdb.path=" + Path.Combine(_dir, "data"),
            "--web.listen-address=127.0.0.1:" + port,
        ];
        if (webConfig is not null)
        {
            var path = Path.Combine(_dir, "web.yml");
            await File.WriteAllTextAsync(path, webConfig);
            arguments.Add("--web.config.file=" + path);
        }
        return ExternalProcess.StartBackground(ExternalProcess.Tool("VIGIL_TEST_PROMETHEUS", "/usr/bin/prometheus"), arguments);
    }

    [Fact]
    public async Task A_real_Prometheus_behind_basic_authentication_is_polled_with_the_sources_credentials()
    {
        // Prometheus' own basic authentication (exporter-toolkit web config): user vigil, password
        // "vigil-test-password" as a bcrypt hash of cost 4 (crypt(3) $2b$), so checking it costs the test nothing.
        const string password = "vigil-test-password";
        var port = ExternalProcess.FreePort();
        using var process = await StartPrometheusAsync(port, "",
            webConfig: "basic_auth_users:\n  vigil: $2b$04$zAaT.xmKY4czx27DzPm.R.W/wEz0skCcB/MDaMnJKLQxqA6rMAKNm\n",
            selfScrapeAuth: $"    basic_auth: {{ username: vigil, password: {password} }}");
        var passwordFile = Path.Combine(_dir, "prom-password");
        await File.WriteAllTextAsync(passwordFile, password + "\n");
        var wrongFile = Path.Combine(_dir, "wrong-password");
        await File.WriteAllTextAsync(wrongFile, "not-the-password");
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, $$"""
            route:
              receiver: default
            receivers:
              - name: default
            metrics:
              sources:
                - name: with-credentials
                  url: http://127.0.0.1:{{port}}
                  query: 'prometheus_tsdb_head_series{job="self"}'
                  interval: 1s
                  step: 1s
                  backfill: 1m
                  http_config:
                    basic_auth: { username: vigil, password_file: {{passwordFile}} }
                - name: without-credentials
                  url: http://127.0.0.1:{{port}}
                  query: up
                  interval: 1s
                - name: wrong-password
                  url: http://127.0.0.1:{{port}}
                  query: up
                  interval: 1s
                  http_config:
                    basic_auth: { username: vigil, password_file: {{wrongFile}} }
            """);

        await Eventually.TrueAsync(async () =>
        {
            var list = (await vigil.Client.GetJsonAsync("/api/v1/metrics/series?name=prometheus_tsdb_head_series"))["series"]!.AsArray();
            return list.Any(s => s!["samples"]!.GetValue<long>() >= 3);
        }, TimeSpan.FromSeconds(60), () => "the series polled with credentials in GET /api/v1/metrics/series\n" + process.Output);
        await Eventually.TrueAsync(async () =>
        {
            var all = (await vigil.Client.GetJsonAsync("/api/v1/metrics/sources")).AsArray();
            return all.Where(s => s!["name"]!.GetValue<string>() != "with-credentials").All(s => s!["state"]!.GetValue<string>() == "error");
        }, TimeSpan.FromSeconds(30), "the sources without the right credentials to report errors");

        using var response = await vigil.Client.GetAsync("/api/v1/metrics/sources");
        var text = await response.Content.ReadAsStringAsync();
        var sources = JsonNode.Parse(text)!.AsArray();
        Assert.Equal("ok", sources.Single(s => s!["name"]!.GetValue<string>() == "with-credentials")!["state"]!.GetValue<string>());
        Assert.Contains("answered HTTP 401: it needs credentials",
            sources.Single(s => s!["name"]!.GetValue<string>() == "without-credentials")!["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("answered HTTP 401: the credentials in the source's http_config were refused",
            sources.Single(s => s!["name"]!.GetValue<string>() == "wrong-password")!["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(password, text, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", text, StringComparison.Ordinal);
        Assert.Empty((await vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());
    }

    [Fact]
    public async Task Series_polled_from_a_real_Prometheus_appear_and_failures_show_in_the_status()
    {
        var port = ExternalProcess.FreePort();
        using var process = await StartPrometheusAsync(port, "");
        var closedPort = ExternalProcess.FreePort();
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, $$"""
            route:
              receiver: default
            receivers:
              - name: default
            metrics:
              sources:
                - name: prom-self
                  url: http://127.0.0.1:{{port}}
                  query: 'prometheus_tsdb_head_series{job="self"}'
                  interval: 1s
                  step: 1s
                  backfill: 1m
                - name: down
                  url: http://127.0.0.1:{{closedPort}}
                  query: up
                  interval: 1s
                - name: broken-query
                  url: http://127.0.0.1:{{port}}
                  query: 'sum(('
                  interval: 1s
            """);

        JsonNode? series = null;
        await Eventually.TrueAsync(async () =>
        {
            var list = (await vigil.Client.GetJsonAsync("/api/v1/metrics/series?name=prometheus_tsdb_head_series"))["series"]!.AsArray();
            series = list.FirstOrDefault(s => s!["samples"]!.GetValue<long>() >= 3);
            return series is not null;
        }, TimeSpan.FromSeconds(60), () => "the polled series with a few samples in GET /api/v1/metrics/series\n" + process.Output);
        Assert.Equal("self", series!["labels"]!["job"]!.GetValue<string>());
        Assert.True(series["lastValue"]!.GetValue<double>() > 0);
        var detail = await vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{series["id"]!.GetValue<string>()}");
        Assert.True(detail["points"]!.AsArray().Count >= 3);

        var sources = (await vigil.Client.GetJsonAsync("/api/v1/metrics/sources")).AsArray();
        var ok = sources.Single(s => s!["name"]!.GetValue<string>() == "prom-self")!;
        Assert.Equal("ok", ok["state"]!.GetValue<string>());
        Assert.True(ok["series"]!.GetValue<int>() >= 1);
        await Eventually.TrueAsync(async () =>
        {
            var all = (await vigil.Client.GetJsonAsync("/api/v1/metrics/sources")).AsArray();
            return all.Where(s => s!["name"]!.GetValue<string>() != "prom-self").All(s => s!["state"]!.GetValue<string>() == "error");
        }, TimeSpan.FromSeconds(30), "the failing sources to report errors");
        sources = (await vigil.Client.GetJsonAsync("/api/v1/metrics/sources")).AsArray();
        var down = sources.Single(s => s!["name"]!.GetValue<string>() == "down")!;
        Assert.Contains("cannot reach Prometheus", down["lastError"]!.GetValue<string>());
        var broken = sources.Single(s => s!["name"]!.GetValue<string>() == "broken-query")!;
        Assert.Contains("bad_data", broken["lastError"]!.GetValue<string>());
        Assert.Empty((await vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());
        using var health = await vigil.Client.GetAsync("/api/v1/metrics/series");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_real_Prometheus_remote_writes_into_Vigil()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, """
            route:
              receiver: default
            receivers:
              - name: default
            """);
        var port = ExternalProcess.FreePort();
        using var process = await StartPrometheusAsync(port, $$"""
            remote_write:
              - url: {{vigil.Address}}api/v1/write
                authorization:
                  credentials: {{vigil.AdminToken}}
                write_relabel_configs:
                  - source_labels: [__name__]
                    regex: 'prometheus_tsdb_head_series|up'
                    action: keep
                queue_config:
                  batch_send_deadline: 1s
            """);

        JsonNode? series = null;
        await Eventually.TrueAsync(async () =>
        {
            var list = (await vigil.Client.GetJsonAsync("/api/v1/metrics/series?name=prometheus_tsdb_head_series"))["series"]!.AsArray();
            series = list.FirstOrDefault(s => s!["samples"]!.GetValue<long>() >= 3);
            return series is not null;
        }, TimeSpan.FromSeconds(60), () => "remote-written samples of prometheus_tsdb_head_series in GET /api/v1/metrics/series\n" + process.Output);
        Assert.Equal("self", series!["labels"]!["job"]!.GetValue<string>());
        Assert.Equal($"127.0.0.1:{port}", series["labels"]!["instance"]!.GetValue<string>());
        Assert.True(series["lastValue"]!.GetValue<double>() > 0);
        // Only what write_relabel_configs kept arrives.
        var names = (await vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]!.AsArray().Select(s => s!["name"]!.GetValue<string>());
        Assert.Superset(new HashSet<string> { "prometheus_tsdb_head_series" }, names.ToHashSet());
        Assert.Subset(new HashSet<string> { "prometheus_tsdb_head_series", "up" }, names.ToHashSet());

        // Prometheus' own account: samples sent, none failed or dropped for a 4xx.
        using var http = new HttpClient();
        var sent = await http.GetFromJsonAsync<JsonNode>($"http://127.0.0.1:{port}/api/v1/query?query=sum(prometheus_remote_storage_samples_failed_total)%20or%20vector(0)");
        Assert.Equal("0", sent!["data"]!["result"]![0]!["value"]![1]!.GetValue<string>());
    }
}
