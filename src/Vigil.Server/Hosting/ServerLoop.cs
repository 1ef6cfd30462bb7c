namespace Vigil.Server.Hosting;

/// <summary>
/// A background service whose loop ends by cancellation when the server stops — the normal end, not a failure. The
/// host forgives a loop that ends in an <see cref="OperationCanceledException"/> only after its own StopAsync; when
/// the start fails (the listen address is taken, say) it is disposed without one, and every loop was logged as a
/// crashed BackgroundService (<c>crit</c>, with a stack trace) below the real cause.
/// </summary>
public abstract class ServerLoop : BackgroundService
{
    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The loop; it may end with an <see cref="OperationCanceledException"/> once <paramref name="stoppingToken"/>
    /// is cancelled.</summary>
    protected abstract Task RunAsync(CancellationToken stoppingToken);
}
