using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Config;
using Vigil.Core.Store;
using Vigil.Server.Pipeline;
using Vigil.Server.Slo;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Slo;

/// <summary>
/// A Prometheus read whose commit fails must not stop the round: before, the failure skipped every SLO's alert
/// evaluation, so a native SLO burning its budget raised nothing (and firing alerts timed out) until storage recovered.
/// </summary>
public sealed class SloRoundFailureTests : IAsyncLifetime
{
    private const string Slos = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: search-errors
        spec:
          service: search
          indicator:
            metadata:
              name: search-requests
            spec:
              ratioMetric:
                good: {metricSource: {type: Vigil}}
                total: {metricSource: {type: Vigil}}
          objectives:
            - target: 0.9
          alertPolicies:
            - kind: AlertPolicy
              metadata:
                name: search-fast
              spec:
                conditions:
                  - kind: AlertCondition
                    metadata:
                      name: twice-the-budget
                    spec:
                      severity: page
                      condition: {kind: burnrate, op: gt, threshold: 2, lookbackWindow: 5m, alertAfter: 0m}
        ---
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
                bad: {metricSource: {type: Prometheus, spec: {query: errors_total}}}
                total: {metricSource: {type: Prometheus, spec: {query: requests_total}}}
          objectives:
            - target: 0.95
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-slo-round-").FullName;
    private WebApplication _prometheus = null!;
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _prometheus = builder.Build();
        _prometheus.MapGet("/api/v1/query_range", (HttpContext context) =>
        {
            var (start, end) = (long.Parse(context.Request.Query["start"]!, CultureInfo.InvariantCulture), long.Parse(context.Request.Query["end"]!, CultureInfo.InvariantCulture));
            var json = new StringBuilder("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[""");
            for (var t = start; t <= end; t += 60)
            {
                json.Append(t == start ? "" : ",").Append('[').Append(t.ToString(CultureInfo.InvariantCulture)).Append(",\"10\"]");
            }
            return Results.Text(json.Append("]}]}}").ToString(), "application/json");
        });
        await _prometheus.StartAsync();
        var url = _prometheus.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var sloFile = Path.Combine(_dir, "slos.yaml");
        await File.WriteAllTextAsync(sloFile, Slos);
        // The server's own evaluation runs once at start, before any event: the round under test is the one below.
        _vigil = await RunningVigil.StartAsync(Backend.Sqlite, $"""
            route:
              receiver: default
              group_by: [alertname, slo]
              group_wait: 0s
            receivers:
              - name: default
            slos:
              files: ['{sloFile}']
              evaluation_interval: 1h
              prometheus_url: {url}
            """);
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        await _prometheus.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_prometheus_read_that_cannot_be_stored_still_lets_a_burning_native_slo_alert()
    {
        var (store, hook) = InterceptedStore.Wrap(_vigil.Services.GetRequiredService<IVigilStore>());
        using var tracker = new SloTracker(store, _vigil.Services.GetRequiredService<ConfigHolder>(), _vigil.Services.GetRequiredService<AlertPipeline>(),
            TimeProvider.System, NullLogger<SloTracker>.Instance);
        await tracker.IngestAsync([new SliEvent("search-errors", 0, 100, DateTimeOffset.UtcNow.AddMinutes(-1))], CancellationToken.None);
        hook.BeforeApply = sets => sets.Any(s => s.SloSources.Count > 0) ? throw new IOException("disk full (simulated)") : Task.CompletedTask;

        await Assert.ThrowsAsync<IOException>(() => tracker.EvaluateAsync(CancellationToken.None));

        var alerts = (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray();
        Assert.Contains(alerts, a => a!["labels"]!["slo"]?.GetValue<string>() == "search-errors");
    }
}
