using System.Runtime.InteropServices;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Hosting;

/// <summary>
/// Starts the pipeline before requests are served, reloads the config on SIGHUP (as Alertmanager does), and drains
/// the pipeline on graceful shutdown.
/// </summary>
public sealed partial class PipelineHost(AlertPipeline pipeline, ILogger<PipelineHost> logger, StartupHangup? startupHangup = null) : IHostedService, IDisposable
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
            // POST /-/reload answers with the outcome; a signal has only the log to answer in, so every outcome is
            // logged here (an unreadable file was not logged anywhere).
            if (await pipeline.ReloadConfigAsync("SIGHUP", CancellationToken.None) is { } error)
            {
                LogReloadFailed(logger, error);
            }
            else
            {
                LogReloaded(logger);
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "SIGHUP: the reload could not be audited; the previous configuration stays in force");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SIGHUP: the configuration is reloaded")]
    private static partial void LogReloaded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "SIGHUP: the configuration was not reloaded; the previous one stays in force. {Error}")]
    private static partial void LogReloadFailed(ILogger logger, string error);

    public async Task StopAsync(CancellationToken cancellationToken) => await pipeline.DisposeAsync();

    public void Dispose() => _sighup?.Dispose();
}
