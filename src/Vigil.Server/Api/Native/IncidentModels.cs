using System.Text.Json.Serialization;

namespace Vigil.Server.Api.Native;

public sealed record IncidentSummaryDto(
    long Id,
    string Title,
    string Status,
    string Severity,
    string Priority,
    string GroupKey,
    IReadOnlyDictionary<string, string> GroupLabels,
    string Receiver,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    int AlertCount,
    int FiringCount,
    string? Service);

public sealed record IncidentAlertDto(
    string Fingerprint,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    [property: JsonPropertyName("generatorURL")] string GeneratorUrl,
    string Status,
    bool Silenced,
    bool Inhibited);

public sealed record TimelineDto(long Sequence, DateTimeOffset At, string Kind, string Actor, string Message);

public sealed record IncidentDetailDto(
    long Id,
    string Title,
    string Status,
    string Severity,
    string Priority,
    string GroupKey,
    IReadOnlyDictionary<string, string> GroupLabels,
    string Receiver,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? AcknowledgedAt,
    string? AcknowledgedBy,
    DateTimeOffset? ResolvedAt,
    string? ResolvedBy,
    int AlertCount,
    int FiringCount,
    string? Service,
    IReadOnlyList<IncidentAlertDto> Alerts,
    IReadOnlyList<TimelineDto> Timeline);

public sealed class CommentRequest
{
    public string? Comment { get; set; }
}

public sealed class NoteRequest
{
    public string? Text { get; set; }
}

public sealed class PriorityRequest
{
    public string? Priority { get; set; }
}

public sealed record IncidentCounts(int Triggered, int Acknowledged, int Resolved);

public sealed record SeverityCounts(int Critical, int Error, int Warning, int Info);

/// <param name="DevMode">Open access: requests from this machine need no token.</param>
/// <param name="Demo">The server runs with <c>--demo</c> (open or not): the UI offers the demo inbox.</param>
public sealed record SummaryDto(int FiringAlerts, IncidentCounts Incidents, SeverityCounts BySeverity, bool DevMode, bool Demo);

public sealed record ChangedEvent(IReadOnlyList<long> Incidents, DateTimeOffset At);
