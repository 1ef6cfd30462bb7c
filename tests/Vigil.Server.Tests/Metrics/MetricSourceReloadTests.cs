using System.Net;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Metrics;

/// <summary>
/// A reload applies <c>metrics.sources</c>: it answered 200 and changed nothing, so a source added to the config was
/// never polled (and a removed one polled on) until a restart.
/// </summary>
public sealed class MetricSourceReloadTests : IAsyncLifetime
{
    private const string Route = """
        route:
          receiver: ops
        receivers:
          - name: ops
        """;

    // Nothing listens on port 1: each source fails its polls, and its status says so — enough to see it run.
    private static string WithSources(params string[] names) => Route + "\nmetrics:\n  sources:\n" + string.Concat(names.Select(n =>
        $"    - {{ name: {n}, url: http://127.0.0.1:1, query: 'up', interval: 1s, backfill: 0s }}\n"));

    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(Backend.Sqlite, Route);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    [Fact]
    public async Task A_reload_starts_new_sources_stops_removed_ones_and_keeps_unchanged_ones()
    {
        Assert.Empty(await SourcesAsync());

        await ReloadAsync(WithSources("disk", "cpu"));
        await Eventually.TrueAsync(async () => (await PollsAsync("disk")) > 0 && (await PollsAsync("cpu")) > 0,
            TimeSpan.FromSeconds(20), "both new sources polled");

        var cpuPolls = await PollsAsync("cpu");
        await ReloadAsync(WithSources("cpu", "net"));
        await Eventually.TrueAsync(async () => (await PollsAsync("net")) > 0, TimeSpan.FromSeconds(20), "the added source polled");

        Assert.Equal(["cpu", "net"], (await SourcesAsync()).Select(s => s["name"]!.GetValue<string>()));
        // The unchanged source kept its poller (and its counts) instead of starting over.
        Assert.True(await PollsAsync("cpu") >= cpuPolls);
    }

    private async Task ReloadAsync(string config)
    {
        await File.WriteAllTextAsync(Path.Combine(_vigil.Database.DataDirectory, "test-config.yml"), config);
        using var response = await _vigil.Client.PostAsync("/-/reload", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<List<System.Text.Json.Nodes.JsonNode>> SourcesAsync() =>
        [.. (await _vigil.Client.GetJsonAsync("/api/v1/metrics/sources")).AsArray().Select(s => s!)];

    private async Task<long> PollsAsync(string name)
    {
        var source = (await SourcesAsync()).FirstOrDefault(s => s["name"]!.GetValue<string>() == name);
        return source is null ? 0 : source["polls"]!.GetValue<long>();
    }
}
