using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Vigil.Server.Hosting;

/// <summary>
/// SIGHUP before the server serves — a standby waiting for the server lease, or a start still migrating and loading —
/// is ignored with a log line. Without a handler the runtime's default for SIGHUP ends the process: a reload sent to
/// every vigil process (a service manager's <c>reload</c>, <c>pkill -HUP vigil</c>) stopped the standby. Once the
/// pipeline serves, <see cref="PipelineHost"/> handles SIGHUP as a reload and disposes this.
/// </summary>
public sealed class StartupHangup : IDisposable
{
    private readonly ILoggerFactory _loggers;
    private PosixSignalRegistration? _registration;

    private StartupHangup(ILoggerFactory loggers, PosixSignalRegistration? registration)
    {
        _loggers = loggers;
        _registration = registration;
    }

    public static StartupHangup Ignore()
    {
        var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; }));
        if (OperatingSystem.IsWindows())
        {
            return new StartupHangup(loggers, null);
        }
        var logger = loggers.CreateLogger("Vigil.Server.Start");
        var registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            logger.LogWarning("SIGHUP ignored: this server is not serving yet (a standby, or still starting); nothing to reload");
        });
        return new StartupHangup(loggers, registration);
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _registration, null)?.Dispose();
        _loggers.Dispose();
    }
}
