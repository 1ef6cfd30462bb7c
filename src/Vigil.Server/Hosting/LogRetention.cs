using Vigil.Core.LogPatterns;
using Vigil.Core.Store;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Hosting;

/// <summary>
/// Deletes per-minute log template counts older than <c>logs.retention</c> (default 14 days), once at start and then
/// hourly, so the counts table stays bounded: one row per template per minute would otherwise grow without end.
/// </summary>
public sealed partial class LogRetention(IVigilStore store, ConfigHolder config, TimeProvider time, ILogger<LogRetention> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Storage trouble is reported and retried next hour; it must not stop the server.
                LogPruneFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal Task PruneAsync(CancellationToken ct)
    {
        var cutoff = MinuteSeries.MinuteOf(time.GetUtcNow() - config.Current.Logs.Retention);
        var changes = new ChangeSet { PruneLogCountsBeforeMinute = cutoff };
        return store.ApplyAsync([changes], ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning old log counts failed; retrying in an hour")]
    private static partial void LogPruneFailed(ILogger logger, Exception ex);
}
