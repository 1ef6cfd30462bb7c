namespace Vigil.Server.Hosting;

/// <summary>
/// A background service whose loop ends by cancellation when the server stops — the normal end, not a failure. The
/// host forgives a loop that ends in an <see cref="OperationCanceledException"/> only after its own StopAsync; when
/// the start fails (the listen address is taken, say) it is disposed without one, and every loop was logged as a
/// crashed BackgroundService (<c>crit</c>, with a stack trace) below the real cause.
/// </summary>
public abstract class ServerLoop : BackgroundService
{
    private volatile bool _ran;

    /// <summary>
    /// The loop's task as the host sees it. The base class starts the loop on the thread pool with the stopping token, so
    /// when a failed start stops the service before the pool ran it, the task is cancelled without the loop ever running
    /// (no catch below could see it) and the host logged a crashed BackgroundService again, now and then (1 start in
    /// ~25 with the listen address taken). A loop that never ran has not failed: its task counts as completed.
    /// </summary>
    public override Task? ExecuteTask => base.ExecuteTask is { } task ? NeverRanIsNoFailure(task) : null;

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ran = true;
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task NeverRanIsNoFailure(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException) when (!_ran && task.IsCanceled)
        {
        }
    }

    /// <summary>The loop; it may end with an <see cref="OperationCanceledException"/> once <paramref name="stoppingToken"/>
    /// is cancelled.</summary>
    protected abstract Task RunAsync(CancellationToken stoppingToken);
}
