namespace Vigil.Server.Hosting;

/// <summary>
/// Gives memory back to the operating system when a burst is over. .NET sizes its heap for the throughput of the
/// burst (an alert storm, a log flood) and keeps that headroom afterwards: measured, 100,000 alerts need ~75 MB of
/// live objects but the process stayed at ~377 MB after the storm. Once the server has allocated a lot since the last
/// trim and then goes quiet for a few seconds, one aggressive (compacting, decommitting) collection runs — when there
/// is no traffic to pause, so it costs no request latency.
/// </summary>
public sealed partial class IdleMemoryTrimmer(TimeProvider time, ILogger<IdleMemoryTrimmer> logger) : ServerLoop
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>Allocated since the last trim before a trim is worth it: a burst, not the background ticking.</summary>
    private const long BurstBytes = 512L << 20;

    /// <summary>Allocated during the last interval below which the server counts as quiet.</summary>
    private const long QuietBytes = 16L << 20;

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        var atLastTrim = GC.GetTotalAllocatedBytes();
        var atLastTick = atLastTrim;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = GC.GetTotalAllocatedBytes();
            if (now - atLastTick < QuietBytes && now - atLastTrim > BurstBytes)
            {
                var before = Environment.WorkingSet;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                LogTrimmed(logger, before >> 20, Environment.WorkingSet >> 20);
                now = GC.GetTotalAllocatedBytes();
                atLastTrim = now;
            }
            atLastTick = now;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Quiet after a burst: memory trimmed from {Before} MB to {After} MB")]
    private static partial void LogTrimmed(ILogger logger, long before, long after);
}
