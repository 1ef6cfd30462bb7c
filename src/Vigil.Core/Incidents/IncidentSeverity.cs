using Vigil.Core.Alerts;

namespace Vigil.Core.Incidents;

/// <summary>Maps the free-form <c>severity</c> label senders use onto <see cref="Severity"/>, and severity onto priority.</summary>
public static class IncidentSeverity
{
    /// <summary>
    /// Recognises the four Vigil severities plus common synonyms (page, high, low, none), case-insensitively.
    /// Anything else, including a missing label, is a warning: unknown must neither page nor be dropped.
    /// </summary>
    public static Severity Parse(string? label) => label?.Trim().ToLowerInvariant() switch
    {
        "critical" or "page" => Severity.Critical,
        "error" or "high" => Severity.Error,
        "info" or "low" or "none" => Severity.Info,
        _ => Severity.Warning,
    };

    public static Severity Of(Alert alert) => Parse(alert.Labels.Get(AlertLabels.Severity));

    /// <summary>P1 critical, P2 error, P3 warning, P4 info (P5 is only ever set by hand).</summary>
    public static string PriorityFor(Severity severity) => severity switch
    {
        Severity.Critical => "P1",
        Severity.Error => "P2",
        Severity.Warning => "P3",
        _ => "P4",
    };

    public static bool IsValidPriority(string? priority) => priority is "P1" or "P2" or "P3" or "P4" or "P5";

    /// <summary>Lower-case name as used in the API (critical, error, warning, info).</summary>
    public static string Name(Severity severity) => severity switch
    {
        Severity.Critical => "critical",
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "info",
    };
}
