using Vigil.Server.Pipeline;

namespace Vigil.Server.Hosting;

/// <summary>Starts the pipeline before requests are served and drains it on graceful shutdown.</summary>
public sealed class PipelineHost(AlertPipeline pipeline) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => pipeline.StartAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken) => await pipeline.DisposeAsync();
}
