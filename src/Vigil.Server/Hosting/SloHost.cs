using Vigil.Server.Slo;

namespace Vigil.Server.Hosting;

/// <summary>
/// Rebuilds the SLO states from stored minutes before requests are served, then every <c>slos.evaluation_interval</c>
/// (read each round, so a reload changes it) reads the Prometheus SLIs and evaluates alerts and freezes (old minutes
/// are pruned by <see cref="Retention"/>).
/// </summary>
public sealed partial class SloHost(SloTracker tracker, Pipeline.ConfigHolder config, TimeProvider time, ILogger<SloHost> logger) : ServerLoop
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await tracker.CurrentAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            // The first round reads Prometheus at once (backfill), the later ones every interval.
            if (!first)
            {
                await Task.Delay(config.Current.Slos.EvaluationInterval, time, stoppingToken);
            }
            first = false;
            try
            {
                await tracker.EvaluateAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Storage or pipeline trouble: reported and retried next round; the states keep their counts.
                LogEvaluationFailed(ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Evaluating SLOs failed; retrying")]
    private partial void LogEvaluationFailed(Exception ex);
}
