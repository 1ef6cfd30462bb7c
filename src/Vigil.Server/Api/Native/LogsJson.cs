using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Server.Api.Alertmanager;
using Vigil.Server.Logs;

namespace Vigil.Server.Api.Native;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(RfcTimeConverter), typeof(NullableRfcTimeConverter)])]
[JsonSerializable(typeof(LogsAccepted))]
[JsonSerializable(typeof(List<LogSourceDto>))]
[JsonSerializable(typeof(LogTemplateListDto))]
[JsonSerializable(typeof(LogTemplateDetailDto))]
public sealed partial class LogsJson : JsonSerializerContext;

public sealed record LogSourceDto(string Source, int Templates, long Lines, DateTimeOffset UpdatedAt);

/// <param name="PerMinute">Lines per minute for the <see cref="LogTemplateListDto.Minutes"/> minutes ending at WindowEnd, oldest first.</param>
public sealed record LogTemplateDto(
    long Id,
    string Template,
    string Level,
    string Service,
    bool LooksLikeError,
    long Count,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<long> PerMinute);

/// <param name="WindowEnd">Start of the newest minute in each <c>perMinute</c> series (the current, partial minute).</param>
public sealed record LogTemplateListDto(string Source, string Sort, int Minutes, DateTimeOffset WindowEnd, IReadOnlyList<LogTemplateDto> Templates);

public sealed record LogTemplateDetailDto(
    string Source,
    long Id,
    string Template,
    IReadOnlyList<string> Tokens,
    string Level,
    string Service,
    bool LooksLikeError,
    long Count,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    IReadOnlyList<string> Examples,
    int Minutes,
    DateTimeOffset WindowEnd,
    IReadOnlyList<long> PerMinute);
