using Vigil.Core.Config;

namespace Vigil.Server.Pipeline;

/// <summary>
/// The configuration in force. Loaded at start (an invalid file stops the start with the file, line and problem);
/// reloads that fail keep the previous configuration.
/// </summary>
public sealed class ConfigHolder(ServerSettings settings)
{
    /// <summary>Demo mode without a config file: short timers so incidents appear within seconds, and a few routes.</summary>
    internal const string DemoYaml = """
        global:
          resolve_timeout: 5m
        route:
          receiver: operations
          group_by: [alertname, service]
          group_wait: 5s
          group_interval: 30s
          repeat_interval: 4h
          routes:
            - matchers: ['severity="critical"']
              receiver: oncall-pager
            - matchers: ['service=~"payments|checkout"']
              receiver: payments-team
        inhibit_rules:
          - source_matchers: ['severity="critical"']
            target_matchers: ['severity=~"warning|info"']
            equal: [service]
        receivers:
          - name: operations
          - name: oncall-pager
          - name: payments-team
        incidents:
          reopen_window: 1h
        """;

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
            : settings.Demo ? ConfigLoader.Parse(DemoYaml, "<demo>") : VigilConfig.Default;
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
