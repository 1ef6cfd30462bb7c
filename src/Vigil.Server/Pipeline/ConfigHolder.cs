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

    public VigilConfig Current => _current;

    public string Original => _current.Original;

    /// <summary>The config text with secrets masked: what the API may show.</summary>
    public string Redacted => ConfigRedactor.Redact(_current.Original);

    public IReadOnlyList<string> ReceiverNames => _current.Receivers.Select(r => r.Name).ToList();

    private static VigilConfig Load(ServerSettings settings)
    {
        var config = settings.ConfigFile is not null
            ? ConfigLoader.Load(settings.ConfigFile)
            : settings.Demo ? DemoConfig.Load() : VigilConfig.Default;
        settings.ResolveTimeout = config.ResolveTimeout;
        return config;
    }

    /// <summary>Reads the config file again; returns the new config, or throws <see cref="ConfigException"/> and keeps the old one.</summary>
    internal VigilConfig Reload()
    {
        var config = Load(settings);
        _current = config;
        return config;
    }
}
