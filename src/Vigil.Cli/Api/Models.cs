namespace Vigil.Cli.Api;

// Shapes of docs/api.md as the CLI reads and writes them (System.Text.Json web defaults: camelCase, case-insensitive).
// Only the fields the CLI shows are declared; --output json prints the server's answer untouched.

public sealed record AlertStatus(string? State, IReadOnlyList<string>? SilencedBy, IReadOnlyList<string>? InhibitedBy);

public sealed record Receiver(string Name);

/// <summary>Alertmanager v2 <c>GettableAlert</c>.</summary>
public sealed record GettableAlert(
    string? Fingerprint,
    IReadOnlyDictionary<string, string>? Labels,
    IReadOnlyDictionary<string, string>? Annotations,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    DateTimeOffset? UpdatedAt,
    string? GeneratorUrl,
    AlertStatus? Status,
    IReadOnlyList<Receiver>? Receivers);

/// <summary>Alertmanager v2 silence matcher.</summary>
public sealed record SilenceMatcher(string Name, string Value, bool IsRegex, bool IsEqual);

public sealed record SilenceStatus(string? State);

/// <summary>Alertmanager v2 <c>GettableSilence</c>.</summary>
public sealed record GettableSilence(
    string Id,
    IReadOnlyList<SilenceMatcher>? Matchers,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    DateTimeOffset? UpdatedAt,
    string? CreatedBy,
    string? Comment,
    SilenceStatus? Status);

/// <summary>Alertmanager v2 <c>PostableSilence</c> (without id: always a new silence).</summary>
public sealed record PostableSilence(
    IReadOnlyList<SilenceMatcher> Matchers,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string CreatedBy,
    string Comment);

public sealed record PostSilenceResponse(string SilenceId);

public record IncidentSummary
{
    public long Id { get; init; }
    public string? Title { get; init; }
    public string? Status { get; init; }
    public string? Severity { get; init; }
    public string? Priority { get; init; }
    public string? GroupKey { get; init; }
    public IReadOnlyDictionary<string, string>? GroupLabels { get; init; }
    public string? Receiver { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public string? AcknowledgedBy { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public string? ResolvedBy { get; init; }
    public int AlertCount { get; init; }
    public int FiringCount { get; init; }
}

public sealed record IncidentAlert(
    string? Fingerprint,
    IReadOnlyDictionary<string, string>? Labels,
    IReadOnlyDictionary<string, string>? Annotations,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt,
    string? GeneratorUrl,
    string? Status,
    bool Silenced,
    bool Inhibited);

public sealed record TimelineItem(long Sequence, DateTimeOffset? At, string? Kind, string? Actor, string? Message);

public sealed record IncidentDetail : IncidentSummary
{
    public IReadOnlyList<IncidentAlert>? Alerts { get; init; }
    public IReadOnlyList<TimelineItem>? Timeline { get; init; }
}

public sealed record CommentRequest(string? Comment);

public sealed record NoteRequest(string Text);

public sealed record TokenInfo(
    string Id,
    string? Name,
    string? Role,
    DateTimeOffset? CreatedAt,
    string? CreatedBy,
    DateTimeOffset? RevokedAt);

public sealed record CreateTokenRequest(string Name, string Role, string? User = null);

public sealed record OnCallNow(DateTimeOffset At, IReadOnlyList<OnCallSlot> OnCall);

public sealed record OnCallSlot(string Schedule, string? User, string? FullName, string? Source, string? Layer, DateTimeOffset? Start, DateTimeOffset? End);

public sealed record FinalScheduleView(string Schedule, string TimeZone, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<FinalEntryView> Entries,
    IReadOnlyList<GapView> Gaps);

public sealed record FinalEntryView(string User, string FullName, DateTimeOffset Start, DateTimeOffset End, string Source, string? Layer, string? ReferenceId);

public sealed record GapView(DateTimeOffset Start, DateTimeOffset End);

public sealed record SwapBody(string? Schedule = null, DateTimeOffset? Start = null, DateTimeOffset? End = null, string? From = null, string? To = null, string? User = null);

public sealed record SwapView(string Id, string Schedule, DateTimeOffset Start, DateTimeOffset End, string From, string? To, string Status, string Kind);

public sealed record CreatedToken(string Id, string? Name, string? Role, string Token);

/// <summary>RFC 7807 problem document.</summary>
public sealed record Problem(
    string? Type,
    string? Title,
    int? Status,
    string? Detail,
    IReadOnlyDictionary<string, string[]>? Errors);

/// <summary>A decoded answer together with the JSON it came from (printed as-is by <c>--output json</c>).</summary>
public sealed record ApiResponse<T>(T Value, System.Text.Json.JsonElement Json);

public sealed record ReassignRequest(string User);

/// <summary>An incident's escalation as GET /api/v1/incidents/{id}/escalation returns it.</summary>
public sealed record EscalationInfo(long IncidentId, string Policy, string Status, int NextLevel, int Cycle, DateTimeOffset? NextDueAt, int Steps);

/// <summary>An integration key as GET /api/v1/integrations lists it (never the key itself).</summary>
public sealed record IntegrationInfo(string? Id, string Name, string Service, string Source, DateTimeOffset? CreatedAt, string? CreatedBy, DateTimeOffset? RevokedAt);

public sealed record CreatedIntegration(string Id, string Name, string Service, string RoutingKey);

public sealed record FreezeListView(List<ServiceFreezeView> Services);

/// <param name="Frozen">Changes must wait: a budget is exhausted and no exemption applies.</param>
public sealed record ServiceFreezeView(string Service, bool Frozen, DateTimeOffset? Since, List<string> Slos, List<FreezeReasonView> Reasons, FreezeExemptionView? Exemption);

public sealed record FreezeReasonView(string Slo, int Objective, string ObjectiveName, DateTimeOffset Since, double? RemainingPercent);

public sealed record FreezeExemptionView(string Id, string Service, DateTimeOffset Start, DateTimeOffset End, string Reason, string CreatedBy);

/// <summary>Body of POST api/v1/services/{service}/freeze/exemptions; null fields are left out.</summary>
public sealed record ExemptionRequest(string? Reason, string? For, DateTimeOffset? Until);

public sealed record OverrideView(string Id, string Schedule, DateTimeOffset Start, DateTimeOffset End, string User, string CreatedBy);

public sealed record OverrideBody(string? Schedule, DateTimeOffset? Start, DateTimeOffset? End, string? User);
