using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.RealTools;

/// <summary>The real amtool (Debian prometheus-alertmanager) works against Vigil unchanged, with a bearer token.</summary>
public sealed class AmtoolTests : IAsyncLifetime
{
    private RunningVigil _vigil = null!;
    private string _httpConfig = null!;

    public async Task InitializeAsync()
    {
        _vigil = await RunningVigil.StartAsync(Backend.Sqlite);
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
    public async Task Amtool_adds_and_queries_alerts()
    {
        await Amtool("alert", "add", "alertname=AmtoolAlert", "service=api", "severity=warning", "--annotation=summary=added by amtool");
        await _vigil.Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("OtherAlert", "x")));

        var all = await Amtool("alert", "query");
        Assert.Contains("AmtoolAlert", all);
        Assert.Contains("OtherAlert", all);
        var filtered = await Amtool("alert", "query", "alertname=~Amtool.*");
        Assert.Contains("AmtoolAlert", filtered);
        Assert.DoesNotContain("OtherAlert", filtered);
        var json = await Amtool("-o", "json", "alert", "query", "service=api");
        Assert.Contains("\"summary\":\"added by amtool\"", json);
    }

    [Fact]
    public async Task Amtool_adds_queries_and_expires_a_silence()
    {
        await _vigil.Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("NoisyAlert", "db-1")));

        var id = (await Amtool("silence", "add", "alertname=NoisyAlert", "instance=~db-.*", "--comment=maintenance window", "--author=ops", "--duration=1h")).Trim();
        Assert.Matches("^[0-9a-f-]{36}$", id);

        var query = await Amtool("silence", "query");
        Assert.Contains(id, query);
        Assert.Contains("maintenance window", query);
        var quiet = await Amtool("silence", "query", "-q");
        Assert.Equal(id, quiet.Trim());
        Assert.DoesNotContain("NoisyAlert", await Amtool("alert", "query"));
        Assert.Contains("NoisyAlert", await Amtool("alert", "query", "--silenced"));

        await Amtool("silence", "expire", id);

        Assert.DoesNotContain(id, await Amtool("silence", "query"));
        Assert.Contains(id, await Amtool("silence", "query", "--expired"));
        Assert.Contains("NoisyAlert", await Amtool("alert", "query"));
    }

    [Fact]
    public async Task Amtool_reads_config_and_cluster_status()
    {
        Assert.Contains("receiver", await Amtool("config", "show"));
        Assert.Contains("disabled", await Amtool("cluster", "show"), StringComparison.OrdinalIgnoreCase);
    }
}
