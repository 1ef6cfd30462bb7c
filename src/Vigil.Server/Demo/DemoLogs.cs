using Vigil.Server.Hosting;
using Vigil.Server.Logs;

namespace Vigil.Server.Demo;

/// <summary>
/// <c>--demo</c>: a few log lines every few seconds from two simulated services, through the same ingest as
/// <c>POST /api/v1/logs</c>, so the Logs page has patterns, sparklines and now and then a new error pattern.
/// </summary>
public sealed class DemoLogs(LogIngest ingest, TimeProvider time, ILogger<DemoLogs> logger) : ServerLoop
{
    private static readonly Func<Random, string>[] Checkout =
    [
        r => $"GET /api/cart/{r.Next(1000, 9999)} 200 in {r.Next(3, 80)}ms",
        r => $"POST /api/checkout 201 in {r.Next(40, 400)}ms user={r.Next(1, 500)}",
        r => $"cache hit ratio {r.Next(80, 99)}% over {r.Next(1000, 5000)} requests",
        r => $"WARN slow query on orders took {r.Next(500, 3000)}ms",
    ];

    private static readonly Func<Random, string>[] Payments =
    [
        r => $"charge ch_{r.Next():x} authorised amount={r.Next(1, 900)}.{r.Next(10, 99)} EUR",
        r => $"settlement batch {r.Next(100, 999)} flushed {r.Next(10, 200)} items",
        r => $"ERROR card processor timeout after {r.Next(5, 30)}s for ch_{r.Next():x}",
    ];

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        var random = new Random();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var batch = new LogBatch();
            Add(batch, random, "checkout", "checkout", Checkout, random.Next(5, 15));
            Add(batch, random, "payments", "payments", Payments, random.Next(2, 6));
            try
            {
                await ingest.IngestAsync(batch, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Demo log step failed");
            }
        }
    }

    private static void Add(LogBatch batch, Random random, string source, string service, Func<Random, string>[] kinds, int count)
    {
        for (var i = 0; i < count; i++)
        {
            // The last kind is the rare one (a warning or an error).
            var kind = random.NextDouble() < 0.08 ? kinds[^1] : kinds[random.Next(kinds.Length - 1)];
            batch.Lines.Add(new LogLine(source, service, kind(random), null));
        }
    }
}
