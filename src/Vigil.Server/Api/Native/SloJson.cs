using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Server.Api.Alertmanager;

namespace Vigil.Server.Api.Native;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(RfcTimeConverter), typeof(NullableRfcTimeConverter)])]
[JsonSerializable(typeof(SliEventsAccepted))]
[JsonSerializable(typeof(SloListDto))]
[JsonSerializable(typeof(SloDto))]
[JsonSerializable(typeof(SloBurnDownDto))]
[JsonSerializable(typeof(ServiceFreezeDto))]
[JsonSerializable(typeof(FreezeListDto))]
[JsonSerializable(typeof(FreezeExemptionRequest))]
[JsonSerializable(typeof(FreezeExemptionDto))]
[JsonSerializable(typeof(List<FreezeExemptionDto>))]
public sealed partial class SloJson : JsonSerializerContext;

/// <param name="Minutes">Distinct (SLO, minute) rows the events were added to.</param>
public sealed record SliEventsAccepted(int Accepted, int Minutes);

public sealed record SloListDto(List<SloDto> Slos);

/// <summary>
/// One SLO. The top-level objective, SLI, budget, burn rates, rules and firing are those of its first objective (the
/// shape before SLOs had several); <see cref="Objectives"/> has every objective.
/// </summary>
/// <param name="Firing">The first objective's most urgent firing rule ("page"/"ticket", or a policy condition's severity), or null.</param>
/// <param name="Frozen">True while any objective's exhausted budget holds the service change-frozen.</param>
public sealed record SloDto(string Name, string Service, string? DisplayName, string? Description, double Objective, string BudgetingMethod, SloWindowDto Window,
    double? Sli, SloBudgetDto ErrorBudget, List<SloBurnRateDto> BurnRates, List<SloAlertRuleDto> AlertRules, string? Firing,
    SloSourceDto Source, bool Frozen, List<SloObjectiveDto> Objectives);

/// <param name="Name">The objective's name in alert labels: its display name, else its target ("99.9%").</param>
/// <param name="Conditions">The SLO's alert policies evaluated for this objective.</param>
/// <param name="Freeze">The change freeze this objective causes, or null.</param>
public sealed record SloObjectiveDto(int Index, string Name, string? DisplayName, double Target, double? TimeSliceTarget, string? TimeSliceWindow,
    double? Sli, SloBudgetDto ErrorBudget, List<SloBurnRateDto> BurnRates, List<SloAlertRuleDto> AlertRules, List<SloConditionDto> Conditions,
    string? Firing, FreezeReasonDto? Freeze);

/// <param name="Period">The SLO's time window length; Start/End the current window (rolling: the last period).</param>
public sealed record SloWindowDto(string Period, bool Rolling, DateTimeOffset Start, DateTimeOffset End);

/// <param name="Unit">"events" (Occurrences) or "minutes" (time slices).</param>
public sealed record SloBudgetDto(string Unit, double? Total, double? Consumed, double? Remaining, double? ConsumedPercent, double? RemainingPercent,
    bool Exhausted);

/// <param name="BurnRate">Error ratio over the window / allowed error ratio; null without events in the window.</param>
public sealed record SloBurnRateDto(string Window, double? BurnRate);

public sealed record SloAlertRuleDto(string Severity, string LongWindow, string ShortWindow, double Factor, bool Firing);

/// <param name="Alert">"breaching" or "no_data" while the condition's alert fires, else null.</param>
public sealed record SloConditionDto(string Policy, string Condition, string Severity, string Op, double Threshold, string LookbackWindow, string AlertAfter,
    double? BurnRate, bool Breaching, string? Alert, bool AlertWhenBreaching, bool AlertWhenNoData, List<string> NotificationTargets);

/// <param name="Type">"prometheus" (read by Vigil) or "events" (POST /api/v1/sli-events).</param>
/// <param name="State">Prometheus only: "starting", "ok", "no_data" or "error".</param>
/// <param name="ReadThrough">Prometheus only: the end of the newest minute read and stored.</param>
public sealed record SloSourceDto(string Type, string? State, DateTimeOffset? LastSuccess, DateTimeOffset? LastErrorAt, string? LastError, string? Note,
    DateTimeOffset? ReadThrough, long? Requests, long? Failures, List<SloQueryDto>? Queries);

/// <param name="Role">"good", "bad", "total", "raw" or "threshold".</param>
public sealed record SloQueryDto(string Role, string Url, string Expression);

public sealed record SloBurnDownDto(string Slo, int Objective, string Unit, double? Total, SloWindowDto Window, List<SloBurnDownPointDto> Points);

/// <param name="Consumed">Budget spent from the window start to <see cref="T"/>, in the budget's unit.</param>
/// <param name="RemainingPercent">Share of the current budget left at <see cref="T"/>; null when the budget is zero.</param>
public sealed record SloBurnDownPointDto(DateTimeOffset T, double Consumed, double? RemainingPercent);

/// <param name="Frozen">What a deploy pipeline acts on: an objective's budget is exhausted (see
/// <paramref name="Reasons"/>) and no exemption applies now.</param>
/// <param name="Since">When the oldest reason began; null when no budget is exhausted.</param>
/// <param name="Slos">The service's SLOs.</param>
/// <param name="Reasons">The exhausted objectives, also while an exemption lets changes through.</param>
/// <param name="Exemption">The exemption that applies now (the one lasting longest), or null.</param>
public sealed record ServiceFreezeDto(string Service, bool Frozen, DateTimeOffset? Since, List<string> Slos, List<FreezeReasonDto> Reasons,
    FreezeExemptionDto? Exemption);

/// <summary>Body of POST /api/v1/services/{service}/freeze/exemptions: a reason and one of <c>for</c> or <c>until</c>.</summary>
public sealed class FreezeExemptionRequest
{
    public string? Reason { get; set; }

    public string? For { get; set; }

    public DateTimeOffset? Until { get; set; }
}

public sealed record FreezeExemptionDto(string Id, string Service, DateTimeOffset Start, DateTimeOffset End, string Reason, DateTimeOffset CreatedAt,
    string CreatedBy, DateTimeOffset? RevokedAt);

/// <param name="RemainingPercentAtFreeze">Budget left when the freeze began.</param>
/// <param name="RemainingPercent">Budget left now; the freeze lifts once it is above <see cref="UnfreezeAbovePercent"/>.</param>
public sealed record FreezeReasonDto(string Slo, int Objective, string ObjectiveName, DateTimeOffset Since, double? RemainingPercentAtFreeze,
    double? RemainingPercent, double UnfreezeAbovePercent);

public sealed record FreezeListDto(List<ServiceFreezeDto> Services);
