using System.Collections.Concurrent;
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
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Slo;

/// <summary>
/// How Vigil reads a Prometheus SLI, against a stub of Prometheus' query_range API that records every request and,
/// like Prometheus, refuses more than 11,000 points: the first sight of an SLO backfills 30 days in chunks under the
/// limit; later rounds ask only for the newest minutes; a restart continues from the stored progress instead of
/// reading the window again; a reload that changes the queries reads it again; a PromQL error is the SLO's status.
/// </summary>
public abstract class PrometheusSliReadTests(Backend backend) : IAsyncLifetime
{
    private sealed record RangeRequest(string Query, long Start, long End, long Step)
    {
        public long Points => ((End - Start) / Step) + 1;
    }

    private readonly ConcurrentQueue<RangeRequest> _requests = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-prom-sli-").FullName;
    private WebApplication _stub = null!;
    private Uri _stubUrl = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _stub = builder.Build();
        _stub.MapGet("/api/v1/query_range", (HttpContext context) =>
        {
            var q = context.Request.Query;
            var request = new RangeRequest(q["query"]!, long.Parse(q["start"]!, CultureInfo.InvariantCulture), long.Parse(q["end"]!, CultureInfo.InvariantCulture),
                long.Parse(q["step"]!, CultureInfo.InvariantCulture));
            _requests.Enqueue(request);
            if (request.Points > 11_000)
            {
                return Results.Text("""{"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"}""",
                    "application/json", statusCode: 400);
            }
            if (request.Query.Contains("brokn", StringComparison.Ordinal))
            {
                return Results.Text("""{"status":"error","errorType":"bad_data","error":"1:6: parse error: unknown function with name \"brokn\""}""", "application/json", statusCode: 400);
            }
            // 100 requests a minute, 1 of them failing.
            var value = request.Query.Contains("errors_total", StringComparison.Ordinal) ? "1" : "100";
            var json = new StringBuilder("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[""");
            for (var t = request.Start; t <= request.End; t += request.Step)
            {
                json.Append(t == request.Start ? "" : ",").Append('[').Append(t.ToString(CultureInfo.InvariantCulture)).Append(",\"").Append(value).Append("\"]");
            }
            return Results.Text(json.Append("]}]}}").ToString(), "application/json");
        });
        await _stub.StartAsync();
        _stubUrl = new Uri(_stub.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await _stub.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Slo(string bad) => """
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
                bad: {metricSource: {type: Prometheus, spec: {query: 'BAD_QUERY'}}}
                total: {metricSource: {type: Prometheus, spec: {query: 'requests_total'}}}
          objectives:
            - target: 0.95
        """.Replace("BAD_QUERY", bad, StringComparison.Ordinal);

    private string Config(string sloFile) => $"""
        route:
          receiver: default
        receivers:
          - name: default
        slos:
          files: ['{sloFile}']
          evaluation_interval: 1s
          prometheus_url: {_stubUrl}
        """;

    private static async Task<string> StateAsync(RunningVigil vigil) =>
        (await vigil.Client.GetJsonAsync("/api/v1/slos/api"))["source"]!["state"]!.GetValue<string>();

    private List<RangeRequest> Drain()
    {
        var list = new List<RangeRequest>();
        while (_requests.TryDequeue(out var r))
        {
            list.Add(r);
        }
        return list;
    }

    [Fact]
    public async Task Backfill_in_chunks_then_only_new_minutes_and_a_restart_or_reload_reads_no_more_than_it_must()
    {
        var sloFile = Path.Combine(_dir, "slos.yaml");
        await File.WriteAllTextAsync(sloFile, Slo("errors_total"));
        var first = await RunningVigil.StartAsync(backend, Config(sloFile));
        RunningVigil? second = null;
        try
        {
            var vigil = first;
            await Eventually.TrueAsync(async () => await StateAsync(vigil) == "ok", TimeSpan.FromSeconds(60), "the first read");

            // Backfill: 30 days of minutes for both queries, in query_range chunks of at most 11,000 points, 60 s apart.
            var backfill = Drain();
            var errors = backfill.Where(r => r.Query == "sum(increase(errors_total[1m]))").OrderBy(r => r.Start).ToList();
            Assert.True(errors.Count >= 4, string.Join("\n", backfill));
            Assert.All(backfill, r => Assert.True(r.Points <= 11_000 && r.Step == 60, r.ToString()));
            Assert.Equal(30 * 1440, errors.TakeWhile(r => r.Points > 3).Sum(r => r.Points));
            Assert.All(errors.Zip(errors.Skip(1)).Take(3), p => Assert.Equal(p.First.End + 60, p.Second.Start));
            Assert.Contains(backfill, r => r.Query == "sum(increase(requests_total[1m]))");

            var slo = await vigil.Client.GetJsonAsync("/api/v1/slos/api");
            Assert.Equal(0.99, slo["sli"]!.GetValue<double>(), 9);
            var budget = slo["errorBudget"]!;
            Assert.Equal(80, budget["remainingPercent"]!.GetValue<double>(), 6); // 1% errors of the 5% allowed
            Assert.True(budget["total"]!.GetValue<double>() >= 0.05 * 100 * ((30 * 1440) - 15));

            // Later rounds: only the newest minutes (the two stored last are read again, in case scrapes came late).
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.All(Drain(), r => Assert.True(r.Points <= 3, $"an incremental read asked for {r.Points} points"));

            // A restart continues from the stored progress: nothing is read twice.
            await first.StopAsync();
            Drain();
            vigil = second = await RunningVigil.StartAsync(first.Database, ownsDatabase: false, Config(sloFile));
            await Eventually.TrueAsync(async () => await StateAsync(vigil) == "ok", TimeSpan.FromSeconds(60), "the read after the restart");
            Assert.All(Drain(), r => Assert.True(r.Points <= 10, $"after a restart Vigil asked for {r.Points} points"));
            Assert.Equal(0.99, (await vigil.Client.GetJsonAsync("/api/v1/slos/api"))["sli"]!.GetValue<double>(), 9);

            // A PromQL error (after a reload) is the SLO's status with Prometheus' message; fixing the query reads the window again.
            await File.WriteAllTextAsync(sloFile, Slo("sum(brokn(errors_total[{{.window}}]))"));
            using (var reload = await vigil.Client.PostAsync("/-/reload", null))
            {
                Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
            }
            await Eventually.TrueAsync(async () => await StateAsync(vigil) == "error", TimeSpan.FromSeconds(30), "the PromQL error status");
            var source = (await vigil.Client.GetJsonAsync("/api/v1/slos/api"))["source"]!;
            Assert.Contains("unknown function with name", source["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Contains("bad_data", source["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Empty((await vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());

            await File.WriteAllTextAsync(sloFile, Slo("errors_total{job=\"api\"}"));
            Drain();
            using (var reload = await vigil.Client.PostAsync("/-/reload", null))
            {
                Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
            }
            await Eventually.TrueAsync(async () => await StateAsync(vigil) == "ok", TimeSpan.FromSeconds(30), "the re-read after fixing the query");
            Assert.Equal(30 * 1440, Drain().Where(r => r.Query == "sum(increase(errors_total{job=\"api\"}[1m]))").OrderBy(r => r.Start).TakeWhile(r => r.Points > 3).Sum(r => r.Points));
        }
        finally
        {
            if (second is not null)
            {
                await second.DisposeAsync();
            }
            await first.DisposeAsync();
        }
    }
}

public sealed class PrometheusSliReadOnSqlite() : PrometheusSliReadTests(Backend.Sqlite);

public sealed class PrometheusSliReadOnPostgres() : PrometheusSliReadTests(Backend.Postgres);
