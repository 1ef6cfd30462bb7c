using Vigil.Server.Logs;

namespace Vigil.Server.Hosting;

/// <summary>Reloads the stored log templates into their miners before requests are served (after the pipeline started).</summary>
public sealed class LogsHost(LogIngest ingest) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => ingest.RestoreAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
