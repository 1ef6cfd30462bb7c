using Vigil.Core.LogPatterns;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Store;
using Vigil.Server.Logs;
using Vigil.Server.Pipeline;
using Vigil.Server.Slo;

namespace Vigil.Server.Hosting;

/// <summary>
/// Keeps the per-minute tables and the notification log bounded, once at start and then hourly, in one commit: log
/// template counts older than <c>logs.retention</c> (default 14 days), SLO minutes older than the longest history an
/// SLO needs (at least 30 days), and delivered or given-up notifications queued longer ago than
/// <c>notifications.retention</c> (default 30 days; the incident timelines keep who was notified). One row per
/// template or SLO per minute, or per page, would otherwise grow without end. On the same beat, log sources silent for
/// <c>logs.source_ttl</c> are forgotten (<see cref="LogIngest.ForgetStaleAsync"/>), so they give their
/// <c>logs.max_sources</c> places back.
/// </summary>
public sealed partial class Retention(IVigilStore store, ConfigHolder config, SloTracker slos, LogIngest logs, TimeProvider time,
    ILogger<Retention> logger)
    : ServerLoop
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task RunAsync(CancellationToken stoppingToken)
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
            try
            {
                await logs.ForgetStaleAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Nothing changed (see LogIngest.ForgetAsync); the sources are judged again next hour.
                LogForgetFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    internal async Task PruneAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var notificationRetention = config.Current.Notifications.Retention;
        var changes = new ChangeSet
        {
            PruneLogCountsBeforeMinute = MinuteSeries.MinuteOf(now - config.Current.Logs.Retention),
            PruneSloMinutesBeforeMinute = MinuteRing.MinuteOf(now - await slos.HistoryToKeepAsync(ct)),
            ForgetFinishedNotificationsBefore = notificationRetention > TimeSpan.Zero ? now - notificationRetention : null,
        };
        await store.ApplyAsync([changes], ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning old log counts, SLO minutes and notifications failed; retrying in an hour")]
    private static partial void LogPruneFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forgetting idle log sources failed; retrying in an hour")]
    private static partial void LogForgetFailed(ILogger logger, Exception ex);
}
