using Vigil.Server.Hosting;
using Vigil.Server.Metrics;

namespace Vigil.Server.Demo;

/// <summary>
/// <c>--demo</c>: five metric series through the same ingest as <c>POST /api/v1/metrics</c>, so the Metrics page has
/// charts with bands, anomalies and a forecast cone from the first minute: a latency with short spikes, a queue that
/// backs up for twenty minutes every three hours (a level shift), a disk filling towards the demo config's capacity
/// rule (90 %), a log disk that grows all day and is rotated at midnight — which never fills, as its two weeks of
/// hourly means show, though its evening hours alone look like a disk filling up — and a temperature whose exporter
/// hangs for 45 minutes every six hours, repeating its last reading (a flatline, and a jump when it comes back). On first start six hours of history
/// (two weeks for the log disk) are learned and charted without alerting; after that a sample every
/// <see cref="Interval"/>, scored and alerting like any pushed sample.
/// </summary>
/// <remarks>
/// The shapes are functions of wall-clock time, so a restart continues the same story (a series that already exists
/// is not backfilled again). The noise comes from a fixed seed, so a start at the same clock time shows the same
/// charts: with fresh noise the disk's forecast said ~7 or ~9 hours instead of ~8 on about 2 % of starts (1,000
/// noise draws of its last two hours, fitted offline), which made the demo's own test fail now and then.
/// </remarks>
public sealed class DemoMetrics(MetricIngest ingest, TimeProvider time, ILogger<DemoMetrics> logger) : ServerLoop
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private const int NoiseSeed = 1;

    /// <summary>As much history as the chart keeps (<see cref="MetricIngest.PointsKept"/> points).</summary>
    public static readonly TimeSpan Backfill = Interval * MetricIngest.PointsKept;

    internal static readonly SeriesKey Latency = new("http_request_duration_p99_seconds", [new("service", "checkout")]);
    internal static readonly SeriesKey Queue = new("settlement_queue_depth", [new("service", "payments")]);
    internal static readonly SeriesKey Disk = new("node_filesystem_used_percent",
        [new("service", "inventory"), new("instance", "db-1"), new("mountpoint", "/data")]);

    internal static readonly SeriesKey LogDisk = new("node_filesystem_used_percent",
        [new("service", "search"), new("instance", "log-1"), new("mountpoint", "/var/log")]);

    internal static readonly SeriesKey Temperature = new("node_hwmon_temp_celsius",
        [new("service", "inventory"), new("instance", "db-1"), new("chip", "cpu")]);

    /// <summary>The log disk's history: two weeks, so its hourly means hold its daily pattern from the first minute.</summary>
    public static readonly TimeSpan LogDiskBackfill = TimeSpan.FromDays(14);

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        var random = new Random(NoiseSeed);
        try
        {
            await BackfillAsync(random, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Demo metric backfill failed");
        }
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var now = time.GetUtcNow().UtcDateTime;
                await ingest.IngestAsync([.. SamplesAt(now, random), new(LogDisk, now, LogDiskAt(now, random))], alerting: true, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Demo metric step failed");
            }
        }
    }

    /// <summary>Learns the last six hours (two weeks of the log disk) of every demo series that does not exist yet
    /// (learned and charted, no alerts).</summary>
    private async Task BackfillAsync(Random random, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var known = new HashSet<string>(SamplesAt(now, random).Select(s => s.Series.Id).Where(id => ingest.Find(id) is not null));
        var history = new List<MetricSample>();
        for (var at = now - Backfill; at <= now; at += Interval)
        {
            history.AddRange(SamplesAt(at, random).Where(s => !known.Contains(s.Series.Id)));
        }
        if (ingest.Find(LogDisk.Id) is null)
        {
            for (var at = now - LogDiskBackfill; at <= now; at += Interval)
            {
                history.Add(new(LogDisk, at, LogDiskAt(at, random)));
            }
        }
        if (history.Count > 0)
        {
            await ingest.IngestAsync(history, alerting: false, ct);
            logger.LogInformation("Demo metrics seeded: {Count} samples of history", history.Count);
        }
    }

    internal static IReadOnlyList<MetricSample> SamplesAt(DateTime at, Random random) =>
    [
        new(Latency, at, LatencyAt(at, random)),
        new(Queue, at, QueueAt(at, random)),
        new(Disk, at, DiskAt(at, random)),
        new(Temperature, at, TemperatureAt(at)),
    ];

    /// <summary>About 250 ms with a two-hour wave; a one-minute spike to ~1.2 s every 47 minutes.</summary>
    internal static double LatencyAt(DateTime at, Random random)
    {
        var wave = 0.05 * Math.Sin(2 * Math.PI * Hours(at) / 2);
        var spike = Phase(at, TimeSpan.FromMinutes(47)) < TimeSpan.FromMinutes(1) ? 0.9 : 0;
        return Math.Round(0.25 + wave + spike + (0.01 * Gaussian(random)), 4);
    }

    /// <summary>About 1,200 queued settlements; backed up to ~4,800 for the last twenty minutes of every three hours.</summary>
    internal static double QueueAt(DateTime at, Random random)
    {
        var backlog = Phase(at, TimeSpan.FromHours(3)) >= TimeSpan.FromMinutes(160) ? 3600 : 0;
        return Math.Round(1200 + backlog + (60 * Gaussian(random)));
    }

    /// <summary>Grows 3 % an hour from 60 %; a clean-up every twelve hours brings it back (so it crosses 90 % after ten).</summary>
    internal static double DiskAt(DateTime at, Random random)
    {
        var used = 60 + (3 * Phase(at, TimeSpan.FromHours(12)).TotalHours);
        return Math.Round(Math.Min(99.5, used + (0.05 * Gaussian(random))), 2);
    }

    /// <summary>About 55 °C with a two-hour wave; the exporter hangs from 04:45 to 05:30 of every six hours (so 22:45,
    /// 04:45, …) and repeats one reading meanwhile. The noise is drawn from the time of the reading, not from the
    /// shared generator, so the repeated reading is the same after a restart.</summary>
    internal static double TemperatureAt(DateTime at)
    {
        var phase = Phase(at, TimeSpan.FromHours(6));
        var (hangStart, hangEnd) = (TimeSpan.FromMinutes(285), TimeSpan.FromMinutes(330));
        var reading = phase >= hangStart && phase < hangEnd ? at - (phase - hangStart) - Interval : at;
        var noise = Gaussian(new Random((int)(reading.Ticks / Interval.Ticks % int.MaxValue)));
        return Math.Round(55 + (2 * Math.Sin(2 * Math.PI * Hours(reading) / 2)) + (0.3 * noise), 1);
    }

    /// <summary>55 % at midnight (UTC), 80 % by the end of the day, every day: logs rotated nightly.</summary>
    internal static double LogDiskAt(DateTime at, Random random) =>
        Math.Round(55 + (25 * at.TimeOfDay.TotalDays) + (0.1 * Gaussian(random)), 2);

    private static double Hours(DateTime at) => at.Ticks / (double)TimeSpan.TicksPerHour;

    private static TimeSpan Phase(DateTime at, TimeSpan period) => TimeSpan.FromTicks(at.Ticks % period.Ticks);

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
