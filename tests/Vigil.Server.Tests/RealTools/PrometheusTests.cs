using System.Globalization;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.RealTools;

/// <summary>
/// A real Prometheus (Debian package) evaluates a rule that fires until a deadline and sends its alerts to Vigil as
/// if Vigil were an Alertmanager, with a bearer token: the alert appears, becomes an incident, and resolves.
/// </summary>
public sealed class PrometheusTests : IAsyncLifetime
{
    private const string Config = """
        route:
          receiver: default
          group_by: [alertname, service]
          group_wait: 1s
          group_interval: 2s
        receivers:
          - name: default
        """;

    private RunningVigil _vigil = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _vigil = await RunningVigil.StartAsync(Backend.Sqlite, Config);
        _dir = Directory.CreateTempSubdirectory("vigil-prom-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Prometheus_alerts_arrive_become_an_incident_and_resolve()
    {
        var prometheus = ExternalProcess.Tool("VIGIL_TEST_PROMETHEUS", "/usr/bin/prometheus");
        var stopAt = DateTimeOffset.UtcNow.AddSeconds(25).ToUnixTimeSeconds();
        await File.WriteAllTextAsync(Path.Combine(_dir, "rules.yml"), $$"""
            groups:
              - name: vigil-test
                interval: 1s
                rules:
                  - alert: AlwaysFiringUntilDeadline
                    expr: vector(1) and on() (vector(time()) < {{stopAt.ToString(CultureInfo.InvariantCulture)}})
                    labels:
                      severity: critical
                      service: prom-test
                    annotations:
                      summary: fired by a real Prometheus
            """);
        await File.WriteAllTextAsync(Path.Combine(_dir, "prometheus.yml"), $$"""
            global:
              evaluation_interval: 1s
            rule_files: [rules.yml]
            alerting:
              alertmanagers:
                - api_version: v2
                  authorization:
                    credentials: {{_vigil.AdminToken}}
                  static_configs:
                    - targets: ['{{_vigil.Address.Authority}}']
            """);
        using var process = ExternalProcess.StartBackground(prometheus,
        [
            "--config.file=" + Path.Combine(_dir, "prometheus.yml"),
            "--storage.tsdb.path=" + Path.Combine(_dir, "data"),
            "--web.listen-address=127.0.0.1:" + ExternalProcess.FreePort(),
            "--rules.alert.resend-delay=1s",
        ]);

        JsonNode? alert = null;
        await Eventually.TrueAsync(async () =>
        {
            var alerts = (await _vigil.Client.GetJsonAsync("/api/v2/alerts?filter=alertname%3DAlwaysFiringUntilDeadline")).AsArray();
            alert = alerts.FirstOrDefault();
            return alert is not null;
        }, TimeSpan.FromSeconds(60), () => "the Prometheus alert in GET /api/v2/alerts\n" + process.Output);
        Assert.Equal("prom-test", alert!["labels"]!["service"]!.GetValue<string>());
        Assert.Equal("fired by a real Prometheus", alert["annotations"]!["summary"]!.GetValue<string>());
        Assert.Contains("/graph", alert["generatorURL"]!.GetValue<string>());

        await Eventually.TrueAsync(async () =>
        {
            var incidents = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray();
            return incidents.Any(i => i!["title"]!.GetValue<string>().Contains("AlwaysFiringUntilDeadline") && i["status"]!.GetValue<string>() == "triggered");
        }, TimeSpan.FromSeconds(30), "an incident for the Prometheus alert");

        await Eventually.TrueAsync(async () =>
            (await _vigil.Client.GetJsonAsync("/api/v2/alerts?filter=alertname%3DAlwaysFiringUntilDeadline")).AsArray().Count == 0,
            TimeSpan.FromSeconds(90), () => "the alert to resolve after its rule stopped firing\n" + process.Output);
        await Eventually.TrueAsync(async () =>
        {
            var incidents = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray();
            return incidents.Any(i => i!["title"]!.GetValue<string>().Contains("AlwaysFiringUntilDeadline") && i["status"]!.GetValue<string>() == "resolved");
        }, TimeSpan.FromSeconds(30), "the incident to auto-resolve");
    }
}
