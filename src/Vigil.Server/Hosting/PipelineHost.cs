using System.Runtime.InteropServices;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Hosting;

/// <summary>
/// Starts the pipeline before requests are served, reloads the config on SIGHUP (as Alertmanager does), and drains
/// the pipeline on graceful shutdown.
/// </summary>
public sealed class PipelineHost(AlertPipeline pipeline, ILogger<PipelineHost> logger, StartupHangup? startupHangup = null) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _sighup;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await pipeline.StartAsync(cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                logger.LogInformation("SIGHUP: reloading the configuration");
                _ = ReloadOnSignalAsync();
            });
        }
        // Registered above first, so no SIGHUP falls between the two.
        startupHangup?.Dispose();
    }

    private async Task ReloadOnSignalAsync()
    {
        try
        {
            // The reload logs its outcome, success or errors, once (requested by SIGHUP).
            await pipeline.ReloadConfigAsync("SIGHUP", CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "SIGHUP: the reload could not be audited; the previous configuration stays in force");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await pipeline.DisposeAsync();

    public void Dispose() => _sighup?.Dispose();
}
