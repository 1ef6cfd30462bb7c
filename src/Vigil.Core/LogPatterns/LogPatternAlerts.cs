using System.Globalization;
using Vigil.Core.Alerts;

namespace Vigil.Core.LogPatterns;

/// <summary>What the alert rules need to know about one template.</summary>
public sealed record LogPatternFacts(
    string Source,
    string Service,
    long TemplateId,
    string Template,
    string Level,
    long Count,
    DateTimeOffset FirstSeen,
    IReadOnlyList<string> Examples);

/// <summary>
/// Turns log-pattern findings into ordinary alerts, so they group, silence, inhibit and become incidents like any
/// other. Like native events they carry an end time and auto-resolve unless re-sent: the server re-sends (at most
/// once per <see cref="ResendInterval"/>) while the condition holds, i.e. while matching lines keep arriving.
/// </summary>
public static class LogPatternAlerts
{
    public const string NewErrorPattern = "LogNewErrorPattern";
    public const string RateSpike = "LogPatternRateSpike";

    /// <summary>A new error pattern stays "new" this long after its first line; later lines no longer re-send it.</summary>
    public static readonly TimeSpan NewPatternWindow = TimeSpan.FromHours(1);

    /// <summary>How long an alert stays firing after it was last sent.</summary>
    public static readonly TimeSpan HoldFor = TimeSpan.FromMinutes(15);

    /// <summary>Least time between two sends of the same alert (each send is a pipeline write).</summary>
    public static readonly TimeSpan ResendInterval = TimeSpan.FromMinutes(1);

    private const int MaxExampleLines = 3;
    private const int MaxAnnotationTemplate = 1000;

    public static Alert NewError(LogPatternFacts facts, ErrorLook look, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var severity = look == ErrorLook.Fatal ? "error" : "warning";
        return Build(NewErrorPattern, facts, severity, now, facts.FirstSeen,
            $"New error log pattern in {facts.Source}: {Clip(facts.Template, 200)}", []);
    }

    public static Alert Spike(LogPatternFacts facts, RateSpike spike, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var perMinute = spike.Count.ToString(CultureInfo.InvariantCulture);
        var median = spike.Median.ToString("0.#", CultureInfo.InvariantCulture);
        return Build(RateSpike, facts, "warning", now, DateTimeOffset.FromUnixTimeSeconds(spike.Minute * 60),
            $"Log pattern rate spike in {facts.Source}: {perMinute}/min vs usual {median}/min: {Clip(facts.Template, 200)}",
            [("rate_per_minute", perMinute), ("usual_per_minute", median),
             ("score", spike.Score.ToString("0.0", CultureInfo.InvariantCulture))]);
    }

    private static Alert Build(string name, LogPatternFacts facts, string severity, DateTimeOffset now, DateTimeOffset startsAt,
        string summary, (string, string)[] extra)
    {
        var labels = LabelSet.From(
            (AlertLabels.AlertName, name),
            ("source", facts.Source),
            (AlertLabels.Service, facts.Service),
            ("template_id", facts.TemplateId.ToString(CultureInfo.InvariantCulture)),
            (AlertLabels.Severity, severity));
        var annotations = LabelSet.From([
            ("summary", summary),
            ("template", Clip(facts.Template, MaxAnnotationTemplate)),
            ("example_lines", string.Join('\n', facts.Examples.Take(MaxExampleLines).Select(l => Clip(l, 500)))),
            ("count", facts.Count.ToString(CultureInfo.InvariantCulture)),
            ("level", facts.Level),
            .. extra]);
        return new Alert(labels, annotations, startsAt <= now ? startsAt : now, now + HoldFor, "", now, Timeout: true);
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
