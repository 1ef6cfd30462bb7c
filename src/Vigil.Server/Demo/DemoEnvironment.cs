using Vigil.Core.Alerts;
using Vigil.Core.Store;
using Vigil.Server.Hosting;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Demo;

/// <summary>
/// <c>--demo</c>: a small simulated environment so the UI is alive on first start. A handful of services raise and
/// clear alerts over time through the same ingest path Prometheus uses. Seeding happens only into an empty store
/// (never deleting anything); the simulation keeps running while the server runs in demo mode.
/// </summary>
public sealed class DemoEnvironment(AlertPipeline pipeline, IVigilStore store, TimeProvider time, ILogger<DemoEnvironment> logger) : ServerLoop
{
    private const string SeededKey = "demo.seeded";

    private static readonly Scenario[] Scenarios =
    [
        new("checkout", "HighLatency", "critical", "p99 latency above 2s for 10 minutes", "checkout-7d9f"),
        new("checkout", "HighErrorRate", "critical", "5xx ratio 7.2% (SLO 0.5%)", "checkout-7d9f"),
        new("payments", "UpstreamTimeouts", "error", "card processor timing out on 12% of calls", "payments-5c2a"),
        new("search", "PodCrashLooping", "warning", "search-indexer restarted 6 times in 15m", "search-indexer-0"),
        new("inventory", "DiskWillFillIn4Hours", "warning", "/var/lib/postgresql on db-2 full in ~4h", "db-2"),
        new("auth-api", "CertificateExpiring", "info", "TLS certificate for auth.example.com expires in 9 days", "auth-api-lb"),
        new("search", "HighLatency", "error", "p95 latency above 800ms", "search-api-3"),
        new("payments", "QueueBacklog", "warning", "settlement queue depth 48k and rising", "payments-worker-2"),
    ];

    private bool _storeWasEmpty;

    /// <summary>
    /// Whether the store is empty is decided here, before the host starts the demo's other producers (logs, metrics,
    /// SLIs: registered after this service). Decided in the loop, it raced them: an alert one of them raised first made
    /// the store look used, and the demo ran without its seeded alerts (seen on PostgreSQL under load).
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _storeWasEmpty = await store.GetMetaAsync(SeededKey, cancellationToken) is null && pipeline.Alerts.Count == 0 &&
            await store.GetMaxIncidentIdAsync(cancellationToken) == 0;
        await base.StartAsync(cancellationToken);
    }

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        if (_storeWasEmpty)
        {
            await SeedAsync(stoppingToken);
        }
        var random = new Random();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(20), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await StepAsync(random, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Demo simulation step failed");
            }
        }
    }

    private async Task SeedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // The first five scenarios fire at start; the rest join and leave as the simulation runs.
        var firing = Scenarios.Take(5).Select((s, i) => s.ToAlert(now - TimeSpan.FromMinutes(40 - i * 7), now, firing: true)).ToList();
        await pipeline.IngestAsync(firing, ct);
        var seeded = new ChangeSet();
        seeded.Meta[SeededKey] = now.ToString("O");
        await store.ApplyAsync([seeded], ct);
        logger.LogInformation("Demo data seeded: {Count} alerts firing across {Services} services", firing.Count, firing.Select(a => a.Labels.Get("service")).Distinct().Count());
    }

    /// <summary>Every tick one scenario changes state: a firing one resolves, or a quiet one fires.</summary>
    private async Task StepAsync(Random random, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var scenario = Scenarios[random.Next(Scenarios.Length)];
        var current = pipeline.Alerts.Get(scenario.Labels.Fingerprint());
        var isFiring = current is not null && !current.IsResolvedAt(now);
        // Bias towards firing so the demo always has something to look at.
        var alert = isFiring && random.NextDouble() < 0.5
            ? scenario.ToAlert(current!.StartsAt, now, firing: false)
            : scenario.ToAlert(isFiring ? current!.StartsAt : now, now, firing: true);
        await pipeline.IngestAsync([alert], ct);
        // Keep every other firing demo alert alive (a real Prometheus re-sends firing alerts too).
        var refresh = new List<Alert>();
        foreach (var s in Scenarios)
        {
            var stored = pipeline.Alerts.Get(s.Labels.Fingerprint());
            if (stored is not null && !stored.IsResolvedAt(now) && !stored.Labels.Equals(alert.Labels))
            {
                refresh.Add(s.ToAlert(stored.StartsAt, now, firing: true));
            }
        }
        await pipeline.IngestAsync(refresh, ct);
    }

    private sealed record Scenario(string Service, string AlertName, string Severity, string Summary, string Instance)
    {
        public LabelSet Labels { get; } = LabelSet.From(
            (AlertLabels.AlertName, AlertName), (AlertLabels.Service, Service), (AlertLabels.Severity, Severity),
            ("instance", Instance), ("env", "demo"));

        public Alert ToAlert(DateTimeOffset startsAt, DateTimeOffset now, bool firing) => new(
            Labels,
            LabelSet.From(("summary", Summary), ("runbook_url", $"https://runbooks.example.com/{AlertName.ToLowerInvariant()}")),
            startsAt,
            firing ? now + TimeSpan.FromMinutes(5) : now,
            $"http://prometheus.demo:9090/graph?g0.expr={AlertName}",
            now,
            Timeout: firing);
    }
}
