using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.RealTools;

/// <summary>The <c>vigil</c> client commands against a real running server (no fake HTTP), as an operator uses them.</summary>
public sealed class CliAgainstServerTests : IAsyncLifetime
{
    private const string Config = """
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 1s
          group_interval: 1s
        receivers:
          - name: ops
        """;

    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(Backend.Sqlite, Config);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    [Fact]
    public async Task Operator_lists_alerts_silences_one_acknowledges_resolves_and_creates_a_token()
    {
        await _vigil.Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("DiskFull", "db-1"), ("HighLoad", "web-1")));

        var alerts = await RunAsync("alerts", "list");
        Assert.Contains("DiskFull", alerts, StringComparison.Ordinal);
        Assert.Contains("HighLoad", alerts, StringComparison.Ordinal);

        var silenceId = (await RunAsync("silences", "add", "alertname=HighLoad", "--duration", "1h", "--comment", "maintenance")).Trim();
        Assert.True(Guid.TryParse(silenceId, out _), $"expected a silence id, got '{silenceId}'");
        Assert.Contains("maintenance", await RunAsync("silences", "list"), StringComparison.Ordinal);
        Assert.DoesNotContain("HighLoad", await RunAsync("alerts", "list"), StringComparison.Ordinal);
        Assert.Contains("HighLoad", await RunAsync("alerts", "list", "--silenced"), StringComparison.Ordinal);

        string list = "";
        await Eventually.TrueAsync(async () => (list = await RunAsync("incidents", "list")).Contains("DiskFull", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), () => $"an incident for DiskFull in 'vigil incidents list':\n{list}");
        var incident = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray()
            .First(i => i!["groupLabels"]!["alertname"]!.GetValue<string>() == "DiskFull")!;
        var id = incident["id"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture);

        await RunAsync("incidents", "ack", id, "--comment", "on it");
        Assert.Contains("acknowledged", await RunAsync("incidents", "show", id), StringComparison.Ordinal);
        await RunAsync("incidents", "resolve", id);
        var detail = await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}");
        Assert.Equal("resolved", detail["status"]!.GetValue<string>());
        Assert.Equal("test-admin", detail["resolvedBy"]!.GetValue<string>());

        var created = await RunAsync("tokens", "create", "--name", "ci-bot", "--role", "viewer");
        var secret = created.Split(['\n', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries).First(w => w.StartsWith("vgl_", StringComparison.Ordinal));
        using var viewer = _vigil.NewClient(secret);
        Assert.Equal("viewer", (await viewer.GetJsonAsync("/api/v1/whoami"))["role"]!.GetValue<string>());

        await RunAsync("silences", "expire", silenceId);
        Assert.Contains("HighLoad", await RunAsync("alerts", "list"), StringComparison.Ordinal);

        // A refused request is exit code 1 with the server's reason.
        var (code, _, error) = await RunRawAsync("incidents", "ack", "999999");
        Assert.Equal(1, code);
        Assert.Contains("999999", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operator_issues_lists_and_revokes_a_pagerduty_routing_key()
    {
        var key = (await RunAsync("integrations", "create", "--name", "ci-pager", "--service", "billing")).Trim();
        Assert.Matches("^[0-9a-f]{32}$", key);
        var list = await RunAsync("integrations", "list");
        Assert.Contains("ci-pager", list, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list, StringComparison.Ordinal);

        using var anonymous = _vigil.NewClient(null);
        var trigger = new { routing_key = key, event_action = "trigger", payload = new { summary = "export failed", source = "ci", severity = "error" } };
        using (var accepted = await anonymous.PostAsync("/v2/enqueue", Http.Json(trigger)))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var id = (await _vigil.Client.GetJsonAsync("/api/v1/integrations")).AsArray().Single()!["id"]!.GetValue<string>();
        Assert.Contains("revoked", await RunAsync("integrations", "revoke", id), StringComparison.Ordinal);
        using var refused = await anonymous.PostAsync("/v2/enqueue", Http.Json(trigger));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
    }

    private Task<string> RunAsync(params string[] args) => VigilCli.RunOkAsync(_vigil, args);

    private Task<(int Code, string Out, string Error)> RunRawAsync(params string[] args) => VigilCli.RunAsync(_vigil, args);
}
