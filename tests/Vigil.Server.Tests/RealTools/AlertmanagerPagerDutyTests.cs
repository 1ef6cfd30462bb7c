using System.Net.Http.Json;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Server.Tests.PagerDuty;

namespace Vigil.Server.Tests.RealTools;

/// <summary>
/// The real Alertmanager (Debian prometheus-alertmanager) with a <c>pagerduty_configs</c> receiver whose URL points at
/// Vigil: an alert pushed into Alertmanager arrives as an incident, and ending it resolves the incident.
/// </summary>
public sealed class AlertmanagerPagerDutyTests : IAsyncLifetime
{
    private RunningVigil _vigil = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _vigil = await RunningVigil.StartAsync(Backend.Sqlite, $"""
            route:
              receiver: ops
              group_by: [alertname, service]
              group_wait: 1s
              group_interval: 1s
            receivers:
              - name: ops
            integrations:
              - name: alertmanager
                service: checkout
                routing_key: {PagerDutyEventsTests.CheckoutKey}
            """);
        _dir = Directory.CreateTempSubdirectory("vigil-am-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Alertmanager_pagerduty_receiver_pages_vigil_and_resolves()
    {
        var alertmanager = ExternalProcess.Tool("VIGIL_TEST_ALERTMANAGER", "/usr/bin/prometheus-alertmanager");
        var port = ExternalProcess.FreePort();
        await File.WriteAllTextAsync(Path.Combine(_dir, "alertmanager.yml"), $"""
            route:
              receiver: vigil
              group_by: [alertname]
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: vigil
                pagerduty_configs:
                  - routing_key: {PagerDutyEventsTests.CheckoutKey}
                    url: {_vigil.Address}v2/enqueue
                    send_resolved: true
            """);
        using var process = ExternalProcess.StartBackground(alertmanager,
        [
            "--config.file=" + Path.Combine(_dir, "alertmanager.yml"),
            "--storage.path=" + Path.Combine(_dir, "data"),
            "--web.listen-address=127.0.0.1:" + port,
            "--cluster.listen-address=",
        ]);
        using var am = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await am.GetAsync("/-/ready")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), () => "Alertmanager starts: " + process.Output);

        var startsAt = DateTimeOffset.UtcNow.AddSeconds(-5);
        object Alert(DateTimeOffset? endsAt) => new[]
        {
            new
            {
                labels = new Dictionary<string, string> { ["alertname"] = "PaymentsDown", ["severity"] = "critical" },
                annotations = new Dictionary<string, string> { ["summary"] = "payments are down" },
                startsAt = startsAt.ToString("O"),
                endsAt = endsAt?.ToString("O"),
            },
        };
        (await am.PostAsJsonAsync("/api/v2/alerts", Alert(null))).EnsureSuccessStatusCode();

        long id = 0;
        await Eventually.TrueAsync(async () =>
        {
            var incident = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().FirstOrDefault();
            id = incident?["id"]!.GetValue<long>() ?? 0;
            return incident is not null && incident["status"]!.GetValue<string>() == "triggered";
        }, TimeSpan.FromSeconds(60), () => "Alertmanager's PagerDuty event opens an incident in Vigil: " + process.Output);
        var detail = await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}");
        var labels = detail["alerts"]!.AsArray().Single()!["labels"]!;
        Assert.Equal("checkout", labels["service"]!.GetValue<string>());
        Assert.Equal("alertmanager", labels["pd_integration"]!.GetValue<string>());
        Assert.Contains("PaymentsDown", detail["alerts"]!.AsArray().Single()!["annotations"]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);

        (await am.PostAsJsonAsync("/api/v2/alerts", Alert(DateTimeOffset.UtcNow.AddSeconds(-1)))).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["status"]!.GetValue<string>() == "resolved",
            TimeSpan.FromSeconds(60), () => "Alertmanager's resolve event resolves the incident: " + process.Output);
    }
}
