using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Slo;

/// <summary>
/// The first minute of a rolling window, on a fake clock: native events dated in it are accepted and counted (they
/// were refused as "older than the SLO's window", and a one-minute history lost that minute as soon as events arrived
/// for the current one), also after a restart; the minute before it is refused. Both history layouts: a 1h window
/// (every minute kept) and a 1d window (quarter-hours plus the edge).
/// </summary>
public abstract class SloWindowStartTests(Backend backend) : IAsyncLifetime
{
    // 12:07:30 UTC: the 1h window is [11:07, 12:07), the 1d window starts at 12:07 the day before.
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 7, 30, TimeSpan.Zero);

    private static string Slo(string name, string duration) => $$$"""
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: {{{name}}}
        spec:
          service: checkout
          indicator:
            metadata:
              name: {{{name}}}-requests
            spec:
              ratioMetric:
                good: {metricSource: {type: Vigil}}
                total: {metricSource: {type: Vigil}}
          timeWindow:
            - duration: {{{duration}}}
              isRolling: true
          budgetingMethod: Occurrences
          objectives:
            - target: 0.9
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-slo-start-").FullName;
    private readonly FakeTimeProvider _clock = new(Now);
    private RunningVigil _vigil = null!;

    private string Config => $"""
        route:
          receiver: default
        receivers:
          - name: default
        slos:
          files: ['{Path.Combine(_dir, "slos.yaml")}']
        """;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "slos.yaml"), Slo("hourly", "1h") + "\n---\n" + Slo("daily", "1d"));
        _vigil = await RunningVigil.StartAsync(backend, Config, time: _clock);
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(RunningVigil vigil, string slo, string counts, DateTimeOffset at)
    {
        var json = $$"""{"events":[{"slo":"{{slo}}",{{counts}},"timestamp":"{{at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}}"}]}""";
        using var response = await vigil.Client.PostAsync("/api/v1/sli-events", new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonNode> BudgetAsync(RunningVigil vigil, string slo) =>
        (await vigil.Client.GetJsonAsync($"/api/v1/slos/{slo}"))["errorBudget"]!;

    [Theory]
    [InlineData("hourly", 60)]
    [InlineData("daily", 1440)]
    public async Task Events_in_the_first_minute_of_the_window_count_and_the_minute_before_is_refused(string slo, int windowMinutes)
    {
        var first = Now.AddSeconds(-30).AddMinutes(-windowMinutes); // 12:07:00, one window back

        var inFirstMinute = await PostAsync(_vigil, slo, "\"bad\":3,\"total\":10", first.AddSeconds(10));
        Assert.True(inFirstMinute.Status == HttpStatusCode.OK, inFirstMinute.Body);
        // Events of the current minute move the history's newest minute on; the window's first one must stay.
        var current = await PostAsync(_vigil, slo, "\"good\":100,\"total\":100", Now.AddSeconds(-10));
        Assert.True(current.Status == HttpStatusCode.OK, current.Body);
        var before = await PostAsync(_vigil, slo, "\"bad\":1,\"total\":1", first.AddSeconds(-1));
        Assert.Equal(HttpStatusCode.BadRequest, before.Status);
        Assert.Contains("older than the SLO's window", before.Body, StringComparison.Ordinal);

        var budget = await BudgetAsync(_vigil, slo);
        Assert.Equal(3, budget["consumed"]!.GetValue<double>(), 6);
        Assert.Equal(1, budget["total"]!.GetValue<double>(), 6); // 10 % of the 10 events before the current minute

        await _vigil.StopAsync();
        await using var restarted = await RunningVigil.StartAsync(_vigil.Database, ownsDatabase: false, Config, time: _clock);
        budget = await BudgetAsync(restarted, slo);
        Assert.Equal(3, budget["consumed"]!.GetValue<double>(), 6);
        Assert.Equal(1, budget["total"]!.GetValue<double>(), 6);
    }
}

public sealed class SloWindowStartOnSqlite() : SloWindowStartTests(Backend.Sqlite);

public sealed class SloWindowStartOnPostgres() : SloWindowStartTests(Backend.Postgres);
