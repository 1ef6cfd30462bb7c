using System.Globalization;
using System.Text.Json;
using Vigil.Core.Config;
using Vigil.Core.Security;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Budget;
using Vigil.Core.Slo.Evaluation;
using Vigil.Core.Store;
using Vigil.Server.Auth;
using Vigil.Server.Pipeline;
using Vigil.Server.Slo;

namespace Vigil.Server.Api.Native;

/// <summary>
/// POST /api/v1/sli-events (native good/total events) and the SLO read side: SLI, error budget, burn rates, alert
/// rules and conditions, SLI source status and burn-down per SLO; change freezes per service for deploy pipelines.
/// </summary>
public static class SloEndpoints
{
    public const int MaxBurnDownPoints = 2000;

    public static void MapSlos(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/sli-events", PostEvents).RequireRole(Role.Responder);
        app.MapGet("/api/v1/slos", ListSlos).RequireRole(Role.Viewer);
        app.MapGet("/api/v1/slos/{name}", GetSlo).RequireRole(Role.Viewer);
        app.MapGet("/api/v1/slos/{name}/burndown", GetBurnDown).RequireRole(Role.Viewer);
        app.MapGet("/api/v1/freezes", ListFreezes).RequireRole(Role.Viewer);
        app.MapGet("/api/v1/services/{service}/freeze", GetFreeze).RequireRole(Role.Viewer);
        app.MapFreezeExemptions();
    }

    private static async Task<IResult> PostEvents(HttpContext context, SloTracker tracker, IVigilStore store, ServerSettings settings, TimeProvider time)
    {
        var body = await RequestBody.ReadJsonPushAsync(context, settings.MaxBodyBytes,
            "{\"events\":[{\"slo\":\"name\",\"good\":99,\"total\":100}]}", "SLI events");
        if (body.Error is not null)
        {
            return body.Error;
        }
        var (idempotency, keyError) = Idempotency.Read(context, "sli-events", body.Value!);
        if (keyError is not null)
        {
            return keyError;
        }
        // A retry is answered as it was before it is validated again: by now its SLO may be gone from the config, or
        // its events older than the window, and it would be refused although it counted.
        if (idempotency is not null && await store.GetIdempotentAnswerAsync(idempotency.Scope, idempotency.Key, context.RequestAborted) is { } answered)
        {
            return idempotency.Replay(answered, context);
        }
        var now = time.GetUtcNow();
        var slos = await tracker.CurrentAsync(context.RequestAborted);
        var (events, errors) = SliEventParser.Parse(body.Value, now, name => slos.GetValueOrDefault(name)?.Oldest(now),
            name => slos[name].Prometheus is null ? null : "reads its SLI from Prometheus; it takes no events (its minutes come from the queries in its SLI).");
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        try
        {
            string Answer(int minutes) => JsonSerializer.Serialize(new SliEventsAccepted(events.Count, minutes), SloJson.Default.SliEventsAccepted);
            var (minutes, earlier) = await tracker.IngestAsync(events,
                idempotency is null ? null : (idempotency, minutes => idempotency.Answer(StatusCodes.Status200OK, Answer(minutes), now)), context.RequestAborted);
            return earlier is not null ? idempotency!.Replay(earlier, context)
                : Results.Json(new SliEventsAccepted(events.Count, minutes), SloJson.Default.SliEventsAccepted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.Unavailable(context, typeof(SloEndpoints), ex, "Storing SLI events failed", "SLI events unavailable",
                "The events could not be stored; nothing was counted. Retry later.");
        }
    }

    private static async Task<IResult> ListSlos(SloTracker tracker, ConfigHolder config, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var slos = await tracker.CurrentAsync(ct);
        var freezes = await tracker.FreezesAsync(ct);
        var unfreeze = config.Current.Slos.UnfreezeAbovePercent;
        return Results.Json(new SloListDto([.. slos.Values.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => Dto(s, freezes, unfreeze, now))]),
            SloJson.Default.SloListDto);
    }

    private static async Task<IResult> GetSlo(string name, SloTracker tracker, ConfigHolder config, TimeProvider time, CancellationToken ct)
    {
        var slos = await tracker.CurrentAsync(ct);
        return slos.TryGetValue(name, out var state)
            ? Results.Json(Dto(state, await tracker.FreezesAsync(ct), config.Current.Slos.UnfreezeAbovePercent, time.GetUtcNow()), SloJson.Default.SloDto)
            : Problems.NotFound($"No SLO \"{name}\"; GET /api/v1/slos lists them.");
    }

    private static async Task<IResult> GetBurnDown(string name, HttpContext context, SloTracker tracker, TimeProvider time, CancellationToken ct)
    {
        var slos = await tracker.CurrentAsync(ct);
        if (!slos.TryGetValue(name, out var state))
        {
            return Problems.NotFound($"No SLO \"{name}\"; GET /api/v1/slos lists them.");
        }
        var objectives = state.Evaluator.Objectives.Count;
        var errors = new List<string>();
        var objective = Integer(context, "objective", 0, 0, objectives - 1, errors, $"an objective index from 0 to {objectives - 1}");
        var points = Integer(context, "points", 240, 2, MaxBurnDownPoints, errors, $"a number of points from 2 to {MaxBurnDownPoints}");
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        var burnDown = state.BurnDown(objective, time.GetUtcNow(), points);
        return Results.Json(new SloBurnDownDto(state.Name, objective, Unit(burnDown.Unit), Finite(burnDown.Total), Window(state, burnDown.Window),
            [.. burnDown.Points.Select(p => new SloBurnDownPointDto(p.At, p.Consumed, p.RemainingPercent is { } r ? Finite(r) : null))]),
            SloJson.Default.SloBurnDownDto);
    }

    private static async Task<IResult> ListFreezes(SloTracker tracker, IVigilStore store, ConfigHolder config, TimeProvider time, CancellationToken ct)
    {
        var slos = await tracker.CurrentAsync(ct);
        var freezes = await tracker.FreezesAsync(ct);
        var now = time.GetUtcNow();
        var exemptions = await store.ListFreezeExemptionsAsync(null, now, ct);
        var services = slos.Values.Select(s => s.Slo.Service).Concat(freezes.Select(f => f.Service)).Distinct(StringComparer.Ordinal)
            .Select(service => Freeze(service, slos, freezes, exemptions, config.Current.Slos, now))
            .OrderByDescending(s => s.Frozen).ThenBy(s => s.Service, StringComparer.Ordinal).ToList();
        return Results.Json(new FreezeListDto(services), SloJson.Default.FreezeListDto);
    }

    private static async Task<IResult> GetFreeze(string service, SloTracker tracker, IVigilStore store, ConfigHolder config, TimeProvider time, CancellationToken ct)
    {
        var slos = await tracker.CurrentAsync(ct);
        var freezes = await tracker.FreezesAsync(ct);
        if (UnknownService(service, slos, freezes) is { } unknown)
        {
            return unknown;
        }
        var now = time.GetUtcNow();
        var exemptions = await store.ListFreezeExemptionsAsync(service, now, ct);
        return Results.Json(Freeze(service, slos, freezes, exemptions, config.Current.Slos, now), SloJson.Default.ServiceFreezeDto);
    }

    /// <summary>404 for a service no SLO names (a typo must not pass as "not frozen", nor be exempted).</summary>
    internal static IResult? UnknownService(string service, IReadOnlyDictionary<string, SloState> slos, IReadOnlyList<SloFreezeRecord> freezes) =>
        slos.Values.Any(s => s.Slo.Service == service) || freezes.Any(f => f.Service == service)
            ? null
            : Problems.NotFound($"No SLO names service \"{service}\"; GET /api/v1/freezes lists the services with SLOs.");

    private static ServiceFreezeDto Freeze(string service, IReadOnlyDictionary<string, SloState> slos, IReadOnlyList<SloFreezeRecord> freezes,
        IReadOnlyList<FreezeExemption> exemptions, SlosConfig config, DateTimeOffset now)
    {
        var reasons = freezes.Where(f => f.Service == service).Select(f => Reason(f, slos.GetValueOrDefault(f.Slo), config, now)).ToList();
        var exemption = exemptions.Where(e => e.Service == service && e.AppliesAt(now)).MaxBy(e => e.End);
        return new ServiceFreezeDto(service, reasons.Count > 0 && exemption is null, reasons.Count > 0 ? reasons.Min(r => r.Since) : null,
            [.. slos.Values.Where(s => s.Slo.Service == service).Select(s => s.Name).Order(StringComparer.Ordinal)], reasons,
            exemption is null ? null : FreezeExemptionEndpoints.Dto(exemption));
    }

    private static FreezeReasonDto Reason(SloFreezeRecord freeze, SloState? state, SlosConfig config, DateTimeOffset now)
    {
        var objective = state is not null && freeze.Objective < state.Evaluator.Objectives.Count ? state.Evaluator.Objectives[freeze.Objective] : null;
        double? remaining = objective is null ? null : Finite(state!.Evaluate(now)[freeze.Objective].Budget.RemainingPercent);
        return new FreezeReasonDto(freeze.Slo, freeze.Objective, objective?.Label ?? freeze.Objective.ToString(CultureInfo.InvariantCulture), freeze.Since,
            freeze.RemainingPercent, remaining, config.UnfreezeAbovePercent);
    }

    private static SloDto Dto(SloState s, IReadOnlyList<SloFreezeRecord> freezes, double unfreezeAbove, DateTimeOffset now)
    {
        var statuses = s.Evaluate(now);
        var objectives = statuses.Select(status => Objective(s, status, freezes, unfreezeAbove)).ToList();
        var first = objectives[0];
        return new SloDto(s.Name, s.Slo.Service, s.Slo.Metadata.DisplayName, s.Slo.Description, first.Target, s.Slo.BudgetingMethod.ToString(),
            Window(s, statuses[0].Window), first.Sli, first.ErrorBudget, first.BurnRates, first.AlertRules, first.Firing,
            Source(s), objectives.Any(o => o.Freeze is not null), objectives);
    }

    private static SloObjectiveDto Objective(SloState s, ObjectiveStatus status, IReadOnlyList<SloFreezeRecord> freezes, double unfreezeAbove)
    {
        var (burn, budget) = (status.Burn, status.Budget);
        var budgetDto = new SloBudgetDto(Unit(budget.Unit), Finite(budget.Total), Finite(budget.Consumed), Finite(budget.Remaining),
            Finite(budget.ConsumedPercent), Finite(budget.RemainingPercent), budget.IsExhausted);
        var workbook = s.Evaluator.UsesWorkbook;
        var rules = status.Objective.BurnRates.Alerts.Select(a => new SloAlertRuleDto(Severity(a.Severity), SloAlerts.Duration(a.Long), SloAlerts.Duration(a.Short),
            a.Factor, burn.Firing.Contains(a))).ToList();
        var conditions = status.Conditions.Select(c => new SloConditionDto(c.Condition.Policy, c.Condition.Condition, c.Condition.Severity,
            c.Condition.Op.ToString().ToLowerInvariant(), c.Condition.Threshold, SloAlerts.Duration(c.Condition.Lookback), SloAlerts.Duration(c.Condition.AlertAfter),
            Finite(c.BurnRate), c.Breaching, c.Alert switch { ConditionAlert.Breaching => "breaching", ConditionAlert.NoData => "no_data", _ => null },
            c.Condition.WhenBreaching, c.Condition.WhenNoData, [.. c.Condition.NotificationTargets])).ToList();
        var firing = burn.Severity is { } severity ? Severity(severity)
            : status.Conditions.FirstOrDefault(c => c.Alert == ConditionAlert.Breaching)?.Condition.Severity;
        var freeze = freezes.FirstOrDefault(f => f.Slo == s.Name && f.Objective == status.Objective.Index);
        var o = status.Objective.Objective;
        return new SloObjectiveDto(status.Objective.Index, status.Objective.Label, o.DisplayName, o.Target, o.TimeSliceTarget, o.TimeSliceWindow?.ToString(),
            Finite(budget.Sli), budgetDto, [.. burn.BurnRates.Select(r => new SloBurnRateDto(SloAlerts.Duration(r.Window), Finite(r.BurnRate)))],
            workbook ? rules : [], conditions, firing,
            freeze is null ? null : new FreezeReasonDto(freeze.Slo, freeze.Objective, status.Objective.Label, freeze.Since, freeze.RemainingPercent,
                Finite(budget.RemainingPercent), unfreezeAbove));
    }

    private static SloSourceDto Source(SloState s)
    {
        if (s.Prometheus is not { } p || s.Source?.Snapshot() is not { } status)
        {
            return new SloSourceDto("events", null, null, null, null, null, null, null, null, null);
        }
        var part = p.Kind switch
        {
            PrometheusSliKind.GoodTotal => "good",
            PrometheusSliKind.BadTotal => "bad",
            PrometheusSliKind.Threshold => "threshold",
            _ => "raw",
        };
        var queries = new List<SloQueryDto> { new(part, p.Part.Url.ToString(), p.Part.Expression) };
        if (p.Total is { } total)
        {
            queries.Add(new SloQueryDto("total", total.Url.ToString(), total.Expression));
        }
        return new SloSourceDto("prometheus", status.State, status.LastSuccess, status.LastErrorAt, status.LastError, status.Note, status.ReadThrough,
            status.Requests, status.Failures, queries);
    }

    private static SloWindowDto Window(SloState s, SloWindow window) =>
        new(SloAlerts.Duration(s.Evaluator.Period), s.Slo.TimeWindow.IsRolling, window.Start, window.End);

    private static int Integer(HttpContext context, string name, int fallback, int min, int max, List<string> errors, string expected)
    {
        var text = context.Request.Query[name].ToString();
        if (text.Length == 0)
        {
            return fallback;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        errors.Add($"{name} must be {expected}, not \"{text}\".");
        return fallback;
    }

    private static string Unit(BudgetUnit unit) => unit.ToString().ToLowerInvariant();

    private static string Severity(AlertSeverity severity) => severity == AlertSeverity.Page ? "page" : "ticket";

    /// <summary>JSON has no NaN: a ratio over no events (or a percentage of a zero budget) is null.</summary>
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
