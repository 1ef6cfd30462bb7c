using Vigil.Core.Store;

namespace Vigil.Server.Hosting;

/// <summary>
/// Stops the server the moment its database lease is lost: a standby may take over, and two active servers on one
/// database overwrite each other's incidents. The process exits non-zero, so a supervisor restarts it — as a standby.
/// Registered first, so it is the last to stop: the lease is released only after the final saves.
/// </summary>
public sealed partial class ServerLeaseWatch(IServerLease lease, IHostApplicationLifetime lifetime, ILogger<ServerLeaseWatch> logger) : ServerLoop
{
    /// <summary>The process's exit code after a lost lease (EX_TEMPFAIL: try again).</summary>
    public const int LostExitCode = 75;

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
            await Task.Delay(Timeout.Infinite, either.Token);
        }
        catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            LogLost(logger);
            Environment.ExitCode = LostExitCode;
            lifetime.StopApplication();
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Releases the lease once every other service has stopped (they stop before this one, in reverse
    /// order of registration), so a standby takes over as soon as this server is done, not when it is disposed.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await lease.DisposeAsync();
    }

    [LoggerMessage(Level = LogLevel.Critical,
        Message = "Lost the database lease (its connection broke): stopping now, so that a standby taking over never runs beside this server")]
    private static partial void LogLost(ILogger logger);
}
