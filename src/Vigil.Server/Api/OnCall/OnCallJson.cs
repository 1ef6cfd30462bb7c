using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Server.Api.Alertmanager;

namespace Vigil.Server.Api.OnCall;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(RfcTimeConverter), typeof(NullableRfcTimeConverter)])]
[JsonSerializable(typeof(OnCallNowDto))]
[JsonSerializable(typeof(OnCallRangeDto))]
[JsonSerializable(typeof(List<ScheduleDto>))]
[JsonSerializable(typeof(FinalScheduleDto))]
[JsonSerializable(typeof(List<TeamDto>))]
[JsonSerializable(typeof(List<UserDto>))]
[JsonSerializable(typeof(OverrideRequest))]
[JsonSerializable(typeof(OverrideDto))]
[JsonSerializable(typeof(List<OverrideDto>))]
[JsonSerializable(typeof(SwapRequest))]
[JsonSerializable(typeof(SwapDto))]
[JsonSerializable(typeof(List<SwapDto>))]
public sealed partial class OnCallJson : JsonSerializerContext;

/// <summary>Who is on call at one instant on each schedule (one element when a schedule was named).</summary>
public sealed record OnCallNowDto(DateTimeOffset At, List<OnCallDto> OnCall);

/// <param name="User">Null when nobody is on call (a gap).</param>
public sealed record OnCallDto(string Schedule, string? User, string? FullName, string? Source, string? Layer, DateTimeOffset? Start, DateTimeOffset? End);

public sealed record OnCallRangeDto(string Schedule, DateTimeOffset From, DateTimeOffset To, List<EntryDto> Entries);

public sealed record EntryDto(string User, string FullName, DateTimeOffset Start, DateTimeOffset End, string Source, string? Layer, string? ReferenceId);

public sealed record GapDto(DateTimeOffset Start, DateTimeOffset End);

public sealed record FinalScheduleDto(string Schedule, string TimeZone, DateTimeOffset From, DateTimeOffset To, List<EntryDto> Entries, List<GapDto> Gaps,
    List<OverrideDto> Overrides, List<SwapDto> Swaps);

public sealed record ScheduleDto(string Name, string? Team, string TimeZone, List<LayerDto> Layers, OnCallDto Now);

public sealed record LayerDto(string Name, List<string> Users, string Rotation, string Start, List<string> Restrictions);

public sealed record TeamDto(string Name, List<MemberDto> Members, List<string> Services, List<string> Schedules);

public sealed record MemberDto(string User, string Role);

public sealed record UserDto(string Name, string FullName, string TimeZone, List<ContactDto> Contacts, List<string> Teams);

public sealed record ContactDto(string Type, string Value);

public sealed class OverrideRequest
{
    public string? Schedule { get; set; }
    public DateTimeOffset? Start { get; set; }
    public DateTimeOffset? End { get; set; }
    public string? User { get; set; }
}

public sealed record OverrideDto(string Id, string Schedule, DateTimeOffset Start, DateTimeOffset End, string User, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset? DeletedAt);

/// <summary>Body of every swap write; which fields are needed depends on the endpoint (see docs/api.md).</summary>
public sealed class SwapRequest
{
    public string? Schedule { get; set; }
    public DateTimeOffset? Start { get; set; }
    public DateTimeOffset? End { get; set; }

    /// <summary>The shift owner giving the shift away (request: defaults to the caller's user).</summary>
    public string? From { get; set; }

    /// <summary>The user receiving the shift (manager swaps).</summary>
    public string? To { get; set; }

    /// <summary>Admins only: act as this user (accept, take, request) — the UI's "act as" picker in demo mode.</summary>
    public string? User { get; set; }
}

public sealed record SwapDto(string Id, string Schedule, DateTimeOffset Start, DateTimeOffset End, string From, string? To, string Status, string Kind,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? DecidedAt, string? DecidedBy);
