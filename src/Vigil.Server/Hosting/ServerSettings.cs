namespace Vigil.Server;

/// <summary>Runtime settings resolved from the command line and environment at start.</summary>
public sealed class ServerSettings
{
    /// <summary>True only in demo mode on loopback: requests without a token act as the demo admin.</summary>
    public bool OpenAccess { get; init; }

    public bool Demo { get; init; }

    /// <summary>The config file to (re)load, or null for built-in defaults.</summary>
    public string? ConfigFile { get; init; }

    public string DataDirectory { get; init; } = "./data";

    /// <summary>Largest request body accepted (bytes); bigger ones get 413.</summary>
    public long MaxBodyBytes { get; init; } = 5 * 1024 * 1024;

    /// <summary>Most labels (and most annotations) one alert may carry.</summary>
    public int MaxLabelsPerAlert { get; init; } = 256;

    /// <summary>Longest label or annotation value accepted, in characters.</summary>
    public int MaxValueLength { get; init; } = 64 * 1024;

    /// <summary>How long an alert without an end time stays firing without being re-sent (Alertmanager's resolve_timeout).</summary>
    public TimeSpan ResolveTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;
}
