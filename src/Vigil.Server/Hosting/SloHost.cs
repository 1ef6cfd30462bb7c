using Vigil.Server.Slo;

namespace Vigil.Server.Hosting;

/// <summary>
/// Rebuilds the SLO evaluators from stored minutes before requests are served, then checks the burn-rate alerts
/// every <c>slos.evaluation_interval</c> (read each round, so a reload changes it) and prunes old minutes hourly.
/// </summary>
public sealed partial class SloHost(SloTracker tracker, Pipeline.ConfigHolder config, TimeProvider time, ILogger<SloHost> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await tracker.CurrentAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastPrune = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(config.Current.Slos.EvaluationInterval, time, stoppingToken);
            try
            {
                await tracker.EvaluateAlertsAsync(stoppingToken);
                if (time.GetUtcNow() - lastPrune >= PruneInterval)
                {
                    await tracker.PruneAsync(stoppingToken);
                    lastPrune = time.GetUtcNow();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Storage or pipeline trouble: reported and retried next round; the evaluators keep their counts.
                LogEvaluationFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluating SLO burn-rate alerts failed; retrying")]
    private partial void LogEvaluationFailed(Exception ex);
}
