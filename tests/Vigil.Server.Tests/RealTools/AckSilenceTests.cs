using Vigil.Server.Pipeline;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.RealTools;

/// <summary>
/// incidents.silence_on_acknowledge: acknowledging a Prometheus-sourced incident shows up in the real amtool as a
/// silence of the group's labels, and resolving the incident expires it.
/// </summary>
public sealed class AckSilenceTests : IAsyncLifetime
{
    private RunningVigil _vigil = null!;
    private string _httpConfig = null!;

    public async Task InitializeAsync()
    {
        _vigil = await RunningVigil.StartAsync(Backend.Sqlite, """
            route:
              receiver: ops
              group_by: [alertname, service]
              group_wait: 1s
              group_interval: 1s
            receivers:
              - name: ops
            incidents:
              silence_on_acknowledge: true
            """);
        _httpConfig = Path.Combine(_vigil.Database.DataDirectory, "amtool-http.yml");
        await File.WriteAllTextAsync(_httpConfig, $"authorization:\n  credentials: {_vigil.AdminToken}\n");
    }

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    private async Task<string> Amtool(params string[] args)
    {
        var amtool = ExternalProcess.Tool("VIGIL_TEST_AMTOOL", "/usr/bin/amtool");
        var (code, stdout, stderr) = await ExternalProcess.RunAsync(amtool,
            ["--alertmanager.url=" + _vigil.Address, "--http.config.file=" + _httpConfig, .. args]);
        Assert.True(code == 0, $"amtool {string.Join(' ', args)} exited {code}: {stderr}{stdout}");
        return stdout;
    }

    [Fact]
    public async Task Acknowledging_creates_a_silence_amtool_sees_and_resolving_expires_it()
    {
        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[]
        {
            new
            {
                labels = new Dictionary<string, string> { ["alertname"] = "QueueBacklog", ["service"] = "billing", ["severity"] = "warning" },
                annotations = new Dictionary<string, string> { ["summary"] = "backlog" },
                generatorURL = "http://prometheus/graph",
            },
        });
        long id = 0;
        await Eventually.TrueAsync(async () =>
        {
            var incident = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().FirstOrDefault();
            id = incident?["id"]!.GetValue<long>() ?? 0;
            return incident is not null;
        }, TimeSpan.FromSeconds(30), "the alert becomes an incident");
        var silenceId = AlertPipeline.AckSilenceId(id).ToString();
        Assert.DoesNotContain(silenceId, await Amtool("silence", "query"));

        await _vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/acknowledge", new { comment = "on it" });
        var query = await Amtool("silence", "query", "-o", "extended");
        Assert.Contains(silenceId, query);
        Assert.Contains("alertname=\"QueueBacklog\"", query.Replace("=~", "=", StringComparison.Ordinal));
        Assert.Contains("service=\"billing\"", query);
        Assert.Contains("QueueBacklog", await Amtool("alert", "query", "--silenced"));

        await _vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/resolve", new { comment = "fixed" });
        Assert.DoesNotContain(silenceId, await Amtool("silence", "query"));
        Assert.Contains(silenceId, await Amtool("silence", "query", "--expired"));
    }
}
