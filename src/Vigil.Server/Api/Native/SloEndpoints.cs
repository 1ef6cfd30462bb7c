using Vigil.Core.Security;
using Vigil.Core.Slo.Alerting;
using Vigil.Server.Auth;
using Vigil.Server.Slo;

namespace Vigil.Server.Api.Native;

/// <summary>POST /api/v1/sli-events (native good/total events) and the SLO read side: SLI, error budget, burn rates, firing rule.</summary>
public static class SloEndpoints
{
    public static void MapSlos(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/sli-events", PostEvents).RequireRole(Role.Responder);
        app.MapGet("/api/v1/slos", ListSlos).RequireRole(Role.Viewer);
        app.MapGet("/api/v1/slos/{name}", GetSlo).RequireRole(Role.Viewer);
    }

    private static async Task<IResult> PostEvents(HttpContext context, SloTracker tracker, ServerSettings settings, TimeProvider time)
    {
        var kind = (context.Request.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (kind != "application/json")
        {
            return Problems.UnsupportedMediaType($"Content-Type \"{context.Request.ContentType}\" is not supported; send application/json "
                + "({\"events\":[{\"slo\":\"name\",\"good\":99,\"total\":100}]}).");
        }
        var body = await LogsEndpoints.ReadAsync(context, settings);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var now = time.GetUtcNow();
        var slos = await tracker.CurrentAsync(context.RequestAborted);
        var (events, errors) = SliEventParser.Parse(body.Value, now, name => slos.GetValueOrDefault(name)?.Oldest(now));
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        try
        {
            var minutes = await tracker.IngestAsync(events, context.RequestAborted);
            return Results.Json(new SliEventsAccepted(events.Count, minutes), SloJson.Default.SliEventsAccepted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SloEndpoints)).LogError(ex, "Storing SLI events failed");
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "SLI events unavailable",
                detail: "The events could not be stored; nothing was counted. Retry later.");
        }
    }

    private static async Task<IResult> ListSlos(SloTracker tracker, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var slos = await tracker.CurrentAsync(ct);
        return Results.Json(new SloListDto([.. slos.Values.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => Dto(s, now))]), SloJson.Default.SloListDto);
    }

    private static async Task<IResult> GetSlo(string name, SloTracker tracker, TimeProvider time, CancellationToken ct)
    {
        var slos = await tracker.CurrentAsync(ct);
        return slos.TryGetValue(name, out var state)
            ? Results.Json(Dto(state, time.GetUtcNow()), SloJson.Default.SloDto)
            : Problems.NotFound($"No SLO \"{name}\"; GET /api/v1/slos lists them.");
    }

    private static SloDto Dto(SloState s, DateTimeOffset now)
    {
        var (burn, budget, window) = s.Evaluate(now);
        var budgetDto = new SloBudgetDto(budget.Unit.ToString().ToLowerInvariant(), Finite(budget.Total), Finite(budget.Consumed), Finite(budget.Remaining),
            Finite(budget.ConsumedPercent), Finite(budget.RemainingPercent), budget.IsExhausted);
        var rules = s.Evaluator.Alerts.Select(a => new SloAlertRuleDto(Severity(a.Severity), SloAlerts.Duration(a.Long), SloAlerts.Duration(a.Short),
            a.Factor, burn.Firing.Contains(a))).ToList();
        return new SloDto(s.Name, s.Slo.Service, s.Slo.Description, s.Objective.Target, s.Slo.BudgetingMethod.ToString(),
            new SloWindowDto(SloAlerts.Duration(s.Period), s.Slo.TimeWindow.IsRolling, window.Start, window.End),
            Finite(budget.Sli), budgetDto,
            [.. burn.BurnRates.Select(r => new SloBurnRateDto(SloAlerts.Duration(r.Window), Finite(r.BurnRate)))],
            rules, burn.Severity is { } severity ? Severity(severity) : null);
    }

    private static string Severity(AlertSeverity severity) => severity == AlertSeverity.Page ? "page" : "ticket";

    /// <summary>JSON has no NaN: a ratio over no events (or a percentage of a zero budget) is null.</summary>
    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
