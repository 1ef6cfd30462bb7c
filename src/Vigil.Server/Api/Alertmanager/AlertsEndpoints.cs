using Vigil.Core.Alerts;
using Vigil.Core.Matching;
using Vigil.Core.Security;
using Vigil.Server.Auth;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Api.Alertmanager;

/// <summary>POST/GET /api/v2/alerts and GET /api/v2/alerts/groups.</summary>
public static class AlertsEndpoints
{
    public static void MapAlertmanagerAlerts(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v2/alerts", PostAlerts).RequireRole(Role.Responder);
        app.MapGet("/api/v2/alerts", GetAlerts).RequireRole(Role.Viewer);
        app.MapGet("/api/v2/alerts/groups", GetGroups).RequireRole(Role.Viewer);
    }

    private static async Task<IResult> PostAlerts(HttpContext context, AlertPipeline pipeline, AlertValidation validation, ServerSettings settings, TimeProvider time)
    {
        var body = await RequestBody.ReadJsonAsync(context, AlertmanagerJson.Default.ListPostableAlert, settings.MaxBodyBytes);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var (alerts, errors) = validation.Validate(body.Value!, time.GetUtcNow());
        // As Alertmanager: the valid alerts of a batch are stored even when others are refused. Prometheus does not
        // retry a 400 and sends the bad alert again next time, so refusing the whole batch silenced every alert that
        // shared it for as long as the bad one fired.
        if (alerts.Count > 0)
        {
            await pipeline.IngestAsync(alerts, context.RequestAborted);
        }
        return errors.Count > 0 ? Problems.Invalid(errors) : Results.Ok();
    }

    private static IResult GetAlerts(
        HttpContext context, AlertPipeline pipeline, TimeProvider time,
        bool? active, bool? silenced, bool? inhibited, bool? unprocessed, string? receiver)
    {
        if (!TryParseFilters(context, out var matchers, out var error) || !TryReceiverRegex(receiver, out var receiverMatcher, out error))
        {
            return error!;
        }
        var now = time.GetUtcNow();
        var view = pipeline.Snapshot(now);
        var result = new List<GettableAlert>();
        foreach (var alert in view.Alerts)
        {
            if (alert.IsResolvedAt(now) || !matchers.MatchesAll(alert.Labels))
            {
                continue;
            }
            var described = view.Describe(alert);
            if (receiverMatcher is not null && !described.Receivers.Any(r => receiverMatcher.Matches(r.Name)))
            {
                continue;
            }
            var state = described.Status.State;
            if ((active == false && state == "active")
                || (unprocessed == false && state == "unprocessed")
                || (silenced == false && described.Status.SilencedBy.Count > 0)
                || (inhibited == false && described.Status.InhibitedBy.Count > 0))
            {
                continue;
            }
            result.Add(described);
        }
        result.Sort(static (a, b) => string.CompareOrdinal(a.Fingerprint, b.Fingerprint));
        return Results.Json(result, AlertmanagerJson.Default.ListGettableAlert);
    }

    private static IResult GetGroups(HttpContext context, AlertPipeline pipeline, TimeProvider time,
        bool? active, bool? silenced, bool? inhibited, string? receiver)
    {
        if (!TryParseFilters(context, out var matchers, out var error) || !TryReceiverRegex(receiver, out var receiverMatcher, out error))
        {
            return error!;
        }
        var now = time.GetUtcNow();
        var view = pipeline.Snapshot(now);
        var groups = new Dictionary<string, (LabelSet Labels, string Receiver, List<GettableAlert> Alerts)>(StringComparer.Ordinal);
        foreach (var alert in view.Alerts)
        {
            if (alert.IsResolvedAt(now) || !matchers.MatchesAll(alert.Labels))
            {
                continue;
            }
            var described = view.Describe(alert);
            var muted = described.Status.SilencedBy.Count > 0 || described.Status.InhibitedBy.Count > 0;
            if ((active == false && !muted) || (silenced == false && described.Status.SilencedBy.Count > 0)
                || (inhibited == false && described.Status.InhibitedBy.Count > 0))
            {
                continue;
            }
            foreach (var group in view.GroupsOf(alert.Labels))
            {
                if (receiverMatcher is not null && !receiverMatcher.Matches(group.Receiver))
                {
                    continue;
                }
                if (!groups.TryGetValue(group.Key, out var entry))
                {
                    entry = (group.Labels, group.Receiver, []);
                    groups[group.Key] = entry;
                }
                entry.Alerts.Add(described);
            }
        }
        var result = groups.OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new AlertGroupDto(g.Value.Labels.ToDictionary(), new ReceiverName(g.Value.Receiver), g.Value.Alerts))
            .ToList();
        return Results.Json(result, AlertmanagerJson.Default.ListAlertGroupDto);
    }

    /// <summary>Parses the repeated <c>filter</c> query parameter (one matcher each, as amtool sends them).</summary>
    internal static bool TryParseFilters(HttpContext context, out List<Matcher> matchers, out IResult? error)
    {
        matchers = [];
        error = null;
        foreach (var filter in context.Request.Query["filter"])
        {
            if (string.IsNullOrWhiteSpace(filter))
            {
                continue;
            }
            try
            {
                matchers.AddRange(MatcherParser.ParseList(filter));
            }
            catch (MatcherException ex)
            {
                error = Problems.BadRequest($"Invalid filter \"{filter}\": {ex.Message}");
                return false;
            }
        }
        return true;
    }

    private static bool TryReceiverRegex(string? receiver, out Matcher? matcher, out IResult? error)
    {
        matcher = null;
        error = null;
        if (string.IsNullOrEmpty(receiver))
        {
            return true;
        }
        try
        {
            matcher = Matcher.Create("receiver", Core.Matching.MatchType.Regex, receiver);
            return true;
        }
        catch (MatcherException ex)
        {
            error = Problems.BadRequest($"Invalid receiver regex: {ex.Message}");
            return false;
        }
    }
}
