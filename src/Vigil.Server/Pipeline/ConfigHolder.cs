using Vigil.Core.Config;
using Vigil.Server.Demo;

namespace Vigil.Server.Pipeline;

/// <summary>
/// The configuration in force. Loaded at start (an invalid file stops the start with the file, line and problem);
/// reloads that fail keep the previous configuration.
/// </summary>
public sealed class ConfigHolder(ServerSettings settings)
{
    private VigilConfig _current = Load(settings);
    private CancellationTokenSource _changed = new();

    public VigilConfig Current => _current;

    /// <summary>Cancelled when a reload puts a new config in force, for what reads the config only at a change (the
    /// metric pollers). Take it before reading <see cref="Current"/>, so a reload in between is not missed.</summary>
    public CancellationToken Changed => Volatile.Read(ref _changed).Token;

    public string Original => _current.Original;

    /// <summary>The config text with secrets masked: what the API may show.</summary>
    public string Redacted => ConfigRedactor.Redact(_current.Original);

    public IReadOnlyList<string> ReceiverNames => _current.Receivers.Select(r => r.Name).ToList();

    private static VigilConfig Load(ServerSettings settings)
    {
        var config = Read(settings);
        settings.ResolveTimeout = config.ResolveTimeout;
        return config;
    }

    /// <summary>
    /// Reads the config without keeping it: the start checks it before anything else (a standby before it waits).
    /// </summary>
    /// <exception cref="ConfigException">The file is invalid; the message lists every problem with its position.</exception>
    /// <exception cref="ServeOptionsException">The file cannot be read.</exception>
    internal static void Check(ServerSettings settings)
    {
        try
        {
            _ = Read(settings);
        }
        catch (IOException ex)
        {
            throw new ServeOptionsException($"cannot read the config file: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ServeOptionsException($"cannot read the config file: {ex.Message}", ex);
        }
    }

    private static VigilConfig Read(ServerSettings settings) =>
        settings.ConfigFile is not null
            ? ConfigLoader.Load(settings.ConfigFile)
            : settings.Demo ? DemoConfig.Load() : VigilConfig.Default;

    /// <summary>Reads and checks the config file again without putting it in force; throws <see cref="ConfigException"/>
    /// for an invalid one.</summary>
    internal VigilConfig ReadAgain() => Read(settings);

    /// <summary>Puts a config read by <see cref="ReadAgain"/> in force.</summary>
    internal void Apply(VigilConfig config)
    {
        settings.ResolveTimeout = config.ResolveTimeout;
        _current = config;
        // Cancelled on the thread pool, not here: the reload holds the pipeline's gate. Not disposed: a reader may be
        // linking to its token right now, and with no timer it holds nothing to release.
        _ = Interlocked.Exchange(ref _changed, new CancellationTokenSource()).CancelAsync();
    }
}
