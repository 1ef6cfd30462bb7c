using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Server.Api.Alertmanager;

namespace Vigil.Server.Api.Native;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(RfcTimeConverter), typeof(NullableRfcTimeConverter)])]
[JsonSerializable(typeof(SliEventsAccepted))]
[JsonSerializable(typeof(SloListDto))]
[JsonSerializable(typeof(SloDto))]
public sealed partial class SloJson : JsonSerializerContext;

/// <param name="Minutes">Distinct (SLO, minute) rows the events were added to.</param>
public sealed record SliEventsAccepted(int Accepted, int Minutes);

public sealed record SloListDto(List<SloDto> Slos);

/// <param name="Firing">The most urgent firing rule's severity ("page" or "ticket"), or null.</param>
public sealed record SloDto(string Name, string Service, string? Description, double Objective, string BudgetingMethod, SloWindowDto Window,
    double? Sli, SloBudgetDto ErrorBudget, List<SloBurnRateDto> BurnRates, List<SloAlertRuleDto> AlertRules, string? Firing);

/// <param name="Period">The SLO's time window length; Start/End the current window (rolling: the last period).</param>
public sealed record SloWindowDto(string Period, bool Rolling, DateTimeOffset Start, DateTimeOffset End);

/// <param name="Unit">"events" (Occurrences) or "minutes" (time slices).</param>
public sealed record SloBudgetDto(string Unit, double? Total, double? Consumed, double? Remaining, double? ConsumedPercent, double? RemainingPercent,
    bool Exhausted);

/// <param name="BurnRate">Error ratio over the window / allowed error ratio; null without events in the window.</param>
public sealed record SloBurnRateDto(string Window, double? BurnRate);

public sealed record SloAlertRuleDto(string Severity, string LongWindow, string ShortWindow, double Factor, bool Firing);
