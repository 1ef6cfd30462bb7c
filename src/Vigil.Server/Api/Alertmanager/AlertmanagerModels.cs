using System.Text.Json.Serialization;

namespace Vigil.Server.Api.Alertmanager;

// Shapes from Alertmanager's api/v2/openapi.yaml, so Prometheus, amtool and Grafana work unchanged.

public sealed class PostableAlert
{
    public PostedLabels? Labels { get; set; }

    public PostedLabels? Annotations { get; set; }

    public DateTimeOffset? StartsAt { get; set; }

    public DateTimeOffset? EndsAt { get; set; }

    [JsonPropertyName("generatorURL")]
    public string? GeneratorUrl { get; set; }
}

public sealed record ReceiverName(string Name);

public sealed record AlertStatusDto(string State, IReadOnlyList<string> SilencedBy, IReadOnlyList<string> InhibitedBy);

public sealed record GettableAlert(
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    [property: JsonPropertyName("generatorURL")] string GeneratorUrl,
    string Fingerprint,
    IReadOnlyList<ReceiverName> Receivers,
    AlertStatusDto Status,
    DateTimeOffset UpdatedAt);

public sealed record AlertGroupDto(IReadOnlyDictionary<string, string> Labels, ReceiverName Receiver, IReadOnlyList<GettableAlert> Alerts);

public sealed class MatcherDto
{
    public string? Name { get; set; }

    public string? Value { get; set; }

    public bool? IsRegex { get; set; }

    /// <summary>Absent in older clients; defaults to true (an equality matcher).</summary>
    public bool? IsEqual { get; set; }
}

public sealed class PostableSilence
{
    public string? Id { get; set; }

    public List<MatcherDto>? Matchers { get; set; }

    public DateTimeOffset? StartsAt { get; set; }

    public DateTimeOffset? EndsAt { get; set; }

    public string? CreatedBy { get; set; }

    public string? Comment { get; set; }
}

public sealed record SilenceStatusDto(string State);

public sealed record GettableSilence(
    string Id,
    SilenceStatusDto Status,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<MatcherOut> Matchers,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string CreatedBy,
    string Comment);

public sealed record MatcherOut(string Name, string Value, bool IsRegex, bool IsEqual);

public sealed record SilenceCreated([property: JsonPropertyName("silenceID")] string SilenceId);

public sealed record ClusterStatus(string Status, IReadOnlyList<object> Peers, string? Name = null);

public sealed record ConfigDto(string Original);

public sealed record VersionInfo(string Branch, string BuildDate, string BuildUser, string GoVersion, string Revision, string Version);

public sealed record AlertmanagerStatus(ClusterStatus Cluster, ConfigDto Config, DateTimeOffset Uptime, VersionInfo VersionInfo);
