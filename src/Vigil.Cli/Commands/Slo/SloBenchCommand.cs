using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Evaluation;
using Vigil.Core.Slo.OpenSlo;
using Vigil.Server.Slo;

namespace Vigil.Cli.Commands.Slo;

/// <summary>
/// <c>vigil slo bench</c>: what evaluating many SLOs every minute costs. Each SLO (99.9 % over 30 days rolling,
/// Occurrences, the Workbook's burn-rate alerts) gets the given days of per-minute history; then every round records
/// one new minute per SLO and evaluates it fully (burn rates over every window, the budget over the window, alert
/// rules), as the server does each <c>slos.evaluation_interval</c>. Both history layouts run: every minute of the
/// period (the previous layout) and the tiered one (minutes for the burn windows, quarter-hours for the period, and
/// the minutes of the bucket the rolling window starts in, set each round it moves as the server loads them).
/// Then the Prometheus side against an in-process stub that answers at once: one incremental round (only the new
/// minutes of every SLO) and one 30-day backfill. Wall-clock figures on a shared machine are noisy: run it twice.
/// </summary>
public static class SloBenchCommand
{
    public static Command Create(CliContext context)
    {
        var slos = new Option<int>("--slos") { Description = "SLOs evaluated per round", DefaultValueFactory = _ => 500 };
        var days = new Option<int>("--days") { Description = "Days of per-minute history per SLO (the window is 30 days)", DefaultValueFactory = _ => 30 };
        var rounds = new Option<int>("--rounds") { Description = "Measured evaluation rounds (each one simulated minute)", DefaultValueFactory = _ => 20 };
        var command = new Command("bench", "Measure SLO evaluation: time per round, memory per SLO, Prometheus requests per round") { slos, days, rounds };
        command.SetAction(async (result, ct) =>
        {
            var count = Math.Max(1, result.GetValue(slos));
            var historyDays = Math.Clamp(result.GetValue(days), 1, 30);
            var measured = Math.Max(1, result.GetValue(rounds));
            var output = context.Out;
            await output.WriteLineAsync($"{count:N0} SLOs (99.9% over 30 days rolling, Occurrences, Workbook alerts), {historyDays} days of per-minute history each, "
                + $"{measured} measured rounds, .NET {Environment.Version}, {Environment.ProcessorCount} cores").ConfigureAwait(false);
            foreach (var (name, bucket) in new[] { ("every minute of the period (previous layout)", 1), ("tiered: burn-window minutes + 15-minute buckets", (int?)null) })
            {
                var r = Evaluate(count, historyDays, measured, bucket);
                await output.WriteLineAsync($"{name}:").ConfigureAwait(false);
                await output.WriteLineAsync($"  memory: {r.BytesPerSlo / 1024:N1} KiB per SLO on the heap ({r.CountBytes / 1024.0:N1} KiB of counts), "
                    + $"{r.BytesPerSlo * count / 1024 / 1024:N0} MiB for {count:N0}").ConfigureAwait(false);
                await output.WriteLineAsync($"  fill (backfill-sized): {r.FillSeconds:N1} s for {count:N0} SLOs x {historyDays * 1440:N0} minutes").ConfigureAwait(false);
                await output.WriteLineAsync($"  evaluation round (record 1 minute + burn rates, budget, alert rules of every SLO): {r.RoundMilliseconds:N1} ms "
                    + $"(median of {measured}), {1000 * r.RoundMilliseconds / count:N1} us per SLO, {r.AllocatedPerSlo:N0} bytes allocated per SLO").ConfigureAwait(false);
                await output.WriteLineAsync($"  alert check only (record + Workbook rules, the allocation-free path): {r.CheckMicroseconds:N2} us per SLO").ConfigureAwait(false);
            }
            var p = await PrometheusAsync(count, ct).ConfigureAwait(false);
            await output.WriteLineAsync($"Prometheus (in-process stub answering at once, {SloTracker.MaxParallelReads} requests at a time):").ConfigureAwait(false);
            await output.WriteLineAsync($"  incremental round: {p.RoundRequests:N0} query_range requests ({p.RoundRequests / count} per SLO, "
                + $"{SloTracker.Overlap + 1} points each), {p.RoundMilliseconds:N0} ms for {count:N0} SLOs").ConfigureAwait(false);
            await output.WriteLineAsync($"  backfill of one SLO: {p.BackfillRequests} requests for 30 days (chunks of at most {PrometheusSliReader.MaxPoints:N0} points), "
                + $"{p.BackfillMilliseconds:N0} ms, {p.BackfillMinutes:N0} minutes").ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    private static ServiceLevelObjective Slo(int i) => new(ObjectMetadata.Named("slo-" + i.ToString(CultureInfo.InvariantCulture)), null, "svc", null, "sli",
        TimeWindow.Default, BudgetingMethod.Occurrences, new([new Objective(null, null, null, 0.999, null, null)]), new([]));

    private sealed record EvaluationResult(double BytesPerSlo, long CountBytes, double FillSeconds, double RoundMilliseconds, double AllocatedPerSlo, double CheckMicroseconds);

    private static EvaluationResult Evaluate(int count, int days, int rounds, int? bucket)
    {
        var start = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var first = MinuteRing.MinuteOf(start);
        var minutes = days * 1440;
        var random = new Random(42);
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var evaluators = new SloEvaluator[count];
        var fill = Stopwatch.StartNew();
        for (var s = 0; s < count; s++)
        {
            var evaluator = evaluators[s] = new SloEvaluator(Slo(s), [], bucket);
            for (var m = 0; m < minutes; m++)
            {
                var total = 500 + random.Next(1000);
                evaluator.History.Set(first + m, total - random.Next(3), total);
            }
            if (evaluator.EdgeToLoad(start.AddMinutes(minutes + 1)) is { } edge)
            {
                evaluator.History.SetEdge(edge.From, Edge(edge.From, edge.End)); // counted in the memory per SLO
            }
        }
        fill.Stop();
        var bytes = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)count;
        var now = start.AddMinutes(minutes);
        var times = new List<double>();
        long allocated = 0;
        for (var round = -2; round < rounds; round++)
        {
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            for (var s = 0; s < count; s++)
            {
                evaluators[s].History.Set(MinuteRing.MinuteOf(now), 999, 1000);
                if (evaluators[s].EdgeToLoad(now.AddMinutes(1)) is { } edge)
                {
                    // What the server loads from slo_minutes when the window start enters a new bucket (the query is not timed here).
                    evaluators[s].History.SetEdge(edge.From, Edge(edge.From, edge.End));
                }
                foreach (var objective in evaluators[s].Objectives)
                {
                    var status = objective.Evaluate(now.AddMinutes(1));
                    GC.KeepAlive(status.Burn.Severity);
                }
            }
            clock.Stop();
            if (round >= 0)
            {
                times.Add(clock.Elapsed.TotalMilliseconds);
                allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            }
            now = now.AddMinutes(1);
        }
        var check = Stopwatch.StartNew();
        const int CheckRounds = 20;
        for (var round = 0; round < CheckRounds; round++)
        {
            for (var s = 0; s < count; s++)
            {
                evaluators[s].History.Set(MinuteRing.MinuteOf(now), 999, 1000);
                GC.KeepAlive(evaluators[s].Objectives[0].BurnRates.FiringSeverity(now.AddMinutes(1)));
            }
            now = now.AddMinutes(1);
        }
        check.Stop();
        times.Sort();
        var result = new EvaluationResult(bytes, evaluators[0].History.Bytes, fill.Elapsed.TotalSeconds, times[times.Count / 2],
            allocated / (double)(count * rounds), check.Elapsed.TotalMicroseconds / (count * CheckRounds));
        GC.KeepAlive(evaluators);
        return result;
    }

    private static IEnumerable<(long Minute, double Good, double Total)> Edge(long from, long end)
    {
        for (var m = from; m < end; m++)
        {
            yield return (m, 999, 1000);
        }
    }

    private sealed record PrometheusResult(int RoundRequests, double RoundMilliseconds, int BackfillRequests, double BackfillMilliseconds, long BackfillMinutes);

    /// <summary>A stub Prometheus answering every query_range with one value per step, and the reader's cost against it.</summary>
    private static async Task<PrometheusResult> PrometheusAsync(int count, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        var requests = 0;
        app.MapGet("/api/v1/query_range", (HttpContext context) =>
        {
            Interlocked.Increment(ref requests);
            var start = long.Parse(context.Request.Query["start"]!, CultureInfo.InvariantCulture);
            var end = long.Parse(context.Request.Query["end"]!, CultureInfo.InvariantCulture);
            var json = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[");
            for (var t = start; t <= end; t += 60)
            {
                json.Append(t == start ? "" : ",").Append('[').Append(t.ToString(CultureInfo.InvariantCulture)).Append(",\"1000\"]");
            }
            return Results.Text(json.Append("]}]}}").ToString(), "application/json");
        });
        await app.StartAsync(ct).ConfigureAwait(false);
        var url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var sli = new PrometheusSli(PrometheusSliKind.BadTotal, new MinuteQuery(url, "sum(increase(errors_total[1m]))", 1),
            new MinuteQuery(url, "sum(increase(requests_total[1m]))", 1), null, null);
        using var http = new HttpClient();
        var reader = new PrometheusSliReader(http);
        var last = MinuteRing.MinuteOf(DateTimeOffset.UtcNow) - 1;
        using var limit = new SemaphoreSlim(SloTracker.MaxParallelReads);
        async Task ReadAll()
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
            {
                await limit.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    await reader.ReadAsync(sli, last - SloTracker.Overlap, last, ct).ConfigureAwait(false);
                }
                finally
                {
                    limit.Release();
                }
            })).ConfigureAwait(false);
        }
        await ReadAll().ConfigureAwait(false); // warm-up: connections, JIT
        requests = 0;
        var round = Stopwatch.StartNew();
        await ReadAll().ConfigureAwait(false);
        round.Stop();
        var roundRequests = requests;
        requests = 0;
        var backfill = Stopwatch.StartNew();
        var read = await reader.ReadAsync(sli, last - (30 * 1440) + 1, last, ct).ConfigureAwait(false);
        backfill.Stop();
        return new PrometheusResult(roundRequests, round.Elapsed.TotalMilliseconds, requests, backfill.Elapsed.TotalMilliseconds, read.Minutes.Count);
    }
}
