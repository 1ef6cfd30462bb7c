using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Store;
using Vigil.Server.Slo;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Slo;

/// <summary>
/// A config reload in the middle of a Prometheus SLI read, against a stand-in for Prometheus' query_range API that can
/// hold its answers: the reload rebuilds the changed SLO from storage (with the progress stored before the read), the
/// held read then commits its minutes, and the next round reads them again from the older progress. Each minute must
/// be stored once: the second store added the minutes past the old progress again, doubling their good and total
/// counts in <c>slo_minutes</c> (what a restart or the next reload of the SLO rebuilds from).
/// </summary>
public abstract class PrometheusSliReloadRaceTests(Backend backend) : IAsyncLifetime
{
    // 12:00:30 UTC; the evaluation interval is an hour of the fake clock, so only the test's own reads run after the
    // host's first round (the backfill).
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 12, 0, 30, TimeSpan.Zero);

    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-prom-race-").FullName;
    private readonly FakeTimeProvider _clock = new(T0);
    private WebApplication _prometheus = null!;
    private RunningVigil _vigil = null!;
    private volatile TaskCompletionSource? _hold;
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private string _prometheusUrl = "";

    private string SloFile => Path.Combine(_dir, "slos.yaml");

    private string Config => $"""
        route:
          receiver: default
        receivers:
          - name: default
        slos:
          files: ['{SloFile}']
          evaluation_interval: 1h
          prometheus_url: {_prometheusUrl}
        """;

    private static string Slo(double target) => """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: api
        spec:
          service: api
          indicator:
            metadata:
              name: api-errors
            spec:
              ratioMetric:
                bad: {metricSource: {type: Prometheus, spec: {query: 'errors_total'}}}
                total: {metricSource: {type: Prometheus, spec: {query: 'requests_total'}}}
          timeWindow:
            - duration: 1d
              isRolling: true
          objectives:
            - target: TARGET
        """.Replace("TARGET", target.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _prometheus = builder.Build();
        _prometheus.MapGet("/api/v1/query_range", async (HttpContext context) =>
        {
            if (_hold is { } hold)
            {
                _held.TrySetResult();
                await hold.Task;
            }
            var q = context.Request.Query;
            var (start, end, step) = (long.Parse(q["start"]!, CultureInfo.InvariantCulture), long.Parse(q["end"]!, CultureInfo.InvariantCulture),
                long.Parse(q["step"]!, CultureInfo.InvariantCulture));
            // 100 requests a minute, 1 of them failing.
            var value = q["query"].ToString().Contains("errors_total", StringComparison.Ordinal) ? "1" : "100";
            var json = new StringBuilder("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[""");
            for (var t = start; t <= end; t += step)
            {
                json.Append(t == start ? "" : ",").Append('[').Append(t.ToString(CultureInfo.InvariantCulture)).Append(",\"").Append(value).Append("\"]");
            }
            return Results.Text(json.Append("]}]}}").ToString(), "application/json");
        });
        await _prometheus.StartAsync();
        _prometheusUrl = _prometheus.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await File.WriteAllTextAsync(SloFile, Slo(0.95));
        _vigil = await RunningVigil.StartAsync(backend, Config, time: _clock);
    }

    public async Task DisposeAsync()
    {
        _hold?.TrySetResult();
        await _vigil.DisposeAsync();
        await _prometheus.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_reload_during_a_read_stores_each_minute_once()
    {
        var tracker = _vigil.Services.GetRequiredService<SloTracker>();
        var store = _vigil.Services.GetRequiredService<IVigilStore>();
        await Eventually.TrueAsync(async () => (await tracker.CurrentAsync(CancellationToken.None))["api"].Source!.Snapshot().State == SloSourceStatus.Ok,
            TimeSpan.FromSeconds(60), "the backfill");
        var backfilledThrough = MinuteRing.MinuteOf(T0) - 1;

        // Five minutes later a round reads the new minutes; Prometheus is slow to answer, and meanwhile the SLO's
        // objective is changed and the config reloaded.
        _clock.Advance(TimeSpan.FromMinutes(5));
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hold = hold;
        var read = tracker.ReadPrometheusAsync(CancellationToken.None);
        await _held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await File.WriteAllTextAsync(SloFile, Slo(0.9));
        using (var reload = await _vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        }
        // The changed SLO is rebuilt from storage (here by the API; any caller does it) while the read still waits.
        var objective = (await _vigil.Client.GetJsonAsync("/api/v1/slos/api"))["objective"]!.GetValue<double>();
        Assert.Equal(0.9, objective, 9);
        _hold = null;
        hold.SetResult();
        await read;

        // The next round starts from the progress the rebuilt state was given: stored before the held read committed.
        await tracker.ReadPrometheusAsync(CancellationToken.None);

        var last = MinuteRing.MinuteOf(_clock.GetUtcNow()) - 1;
        var stored = (await store.ListSloMinutesAsync(backfilledThrough - 10, "api")).Where(m => m.Minute > backfilledThrough - 10).ToList();
        Assert.Equal(Enumerable.Range(0, (int)(last - backfilledThrough + 10)).Select(i => backfilledThrough - 9 + i), stored.Select(m => m.Minute));
        Assert.All(stored, m => Assert.Equal((99.0, 100.0), (m.Good, m.Total)));
        // What a restart rebuilds from is right: the day's 1,440 minutes of 100 requests, 10 % of them allowed to fail.
        await _vigil.StopAsync();
        await using var restarted = await RunningVigil.StartAsync(_vigil.Database, ownsDatabase: false, Config, time: _clock);
        Assert.Equal(14_400, (await restarted.Client.GetJsonAsync("/api/v1/slos/api"))["errorBudget"]!["total"]!.GetValue<double>(), 6);
    }
}

public sealed class PrometheusSliReloadRaceOnSqlite() : PrometheusSliReloadRaceTests(Backend.Sqlite);

public sealed class PrometheusSliReloadRaceOnPostgres() : PrometheusSliReloadRaceTests(Backend.Postgres);
