using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Core.Escalation;
using Vigil.Core.Security;
using Vigil.Server.Api.Alertmanager;
using Vigil.Server.Auth;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Api.Native;

/// <summary>Escalation policies and the escalation of each incident: see it, escalate now, reassign.</summary>
public static class EscalationEndpoints
{
    public const int MaxUserNameLength = 255;

    public static void MapEscalation(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/escalation-policies", (AlertPipeline pipeline) =>
            Results.Json(pipeline.Config.Current.EscalationPolicies.Select(ToDto).ToList(), EscalationJson.Default.ListEscalationPolicyDto))
            .RequireRole(Role.Viewer);
        app.MapGet("/api/v1/incidents/{id:long}/escalation", GetEscalation).RequireRole(Role.Viewer);
        app.MapPost("/api/v1/incidents/{id:long}/escalate", EscalateNow).RequireRole(Role.Responder);
        app.MapPost("/api/v1/incidents/{id:long}/reassign", Reassign).RequireRole(Role.Responder);
    }

    /// <summary>The escalation; 204 when the incident exists but follows no policy (or its escalation ended), 404 when it does not exist.</summary>
    private static async Task<IResult> GetEscalation(long id, AlertPipeline pipeline, CancellationToken ct)
    {
        if (pipeline.GetEscalation(id) is { } escalation)
        {
            return Results.Json(ToDto(escalation.State, escalation.Policy), EscalationJson.Default.EscalationDto);
        }
        return pipeline.TryGetTrackedIncident(id, out _) || await pipeline.Store.GetIncidentAsync(id, ct) is not null
            ? Results.NoContent()
            : Problems.NotFound($"No incident {id}.");
    }

    private static async Task<IResult> EscalateNow(long id, HttpContext context, AlertPipeline pipeline) =>
        await IncidentTeamGate.CheckAsync(id, context, pipeline, "escalate") is { } forbidden
            ? forbidden
            : await Answer(id, pipeline, await pipeline.EscalateNowAsync(id, context.ActorName(), context.RequestAborted), context.RequestAborted);

    private static async Task<IResult> Reassign(long id, HttpContext context, AlertPipeline pipeline)
    {
        if (await IncidentTeamGate.CheckAsync(id, context, pipeline, "reassign") is { } forbidden)
        {
            return forbidden;
        }
        var body = await RequestBody.ReadJsonAsync(context, EscalationJson.Default.ReassignRequest, 64 * 1024);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var user = body.Value!.User?.Trim();
        if (string.IsNullOrEmpty(user))
        {
            return Problems.BadRequest("\"user\" is required: the name of the user to reassign the incident to.");
        }
        if (user.Length > MaxUserNameLength)
        {
            return Problems.BadRequest($"\"user\" is longer than {MaxUserNameLength} characters.");
        }
        if (pipeline.Config.Current.OnCall.FindUser(user) is null)
        {
            return Problems.BadRequest($"Unknown user \"{user}\": reassign to one of the users in the config's \"users:\" section.");
        }
        if (pipeline.WhyCannotBePaged(user) is { } why)
        {
            // Accepted, the reassignment paged nobody and the next level was paged at once: the incident looked handed
            // over to someone who never heard of it.
            return Problems.BadRequest($"User \"{user}\" cannot be paged: {why}. Reassign to a user with a webhook contact, "
                + "or an e-mail contact while global.smtp_smarthost and global.smtp_from are set.");
        }
        return await Answer(id, pipeline, await pipeline.ReassignAsync(id, user, context.ActorName(), context.RequestAborted), context.RequestAborted);
    }

    private static async Task<IResult> Answer(long id, AlertPipeline pipeline, EscalationChange change, CancellationToken ct) => change switch
    {
        EscalationChange.NoIncident => Problems.NotFound($"No incident {id}."),
        EscalationChange.Resolved => Problems.Conflict($"Incident {id} is resolved; there is nobody left to page."),
        EscalationChange.NoEscalation => Problems.Conflict($"Incident {id} follows no escalation policy (or its policy is no longer configured)."),
        _ => await GetEscalation(id, pipeline, ct),
    };

    private static EscalationDto ToDto(EscalationState state, EscalationPolicy? policy) => new(
        state.IncidentId,
        state.Policy,
        JsonNamingPolicy.SnakeCaseLower.ConvertName(state.Status.ToString()),
        state.NextLevel + 1,
        state.Cycle,
        state.NextDueAt,
        state.Steps,
        state.StartedAt,
        policy is null ? null : ToDto(policy));

    private static EscalationPolicyDto ToDto(EscalationPolicy policy) => new(
        policy.Name,
        policy.Repeat,
        policy.AcknowledgeTimeout is { } timeout ? (long)timeout.TotalSeconds : null,
        policy.Zone.Id,
        policy.Levels.Select(l => new EscalationLevelDto(
            (long)l.Delay.TotalSeconds,
            l.Targets.Select(t => t.ToString()).ToList(),
            l.Condition?.ToString())).ToList());
}

/// <param name="NextLevel">1-based number of the level paged next.</param>
public sealed record EscalationDto(
    long IncidentId,
    string Policy,
    string Status,
    int NextLevel,
    int Cycle,
    DateTimeOffset? NextDueAt,
    int Steps,
    DateTimeOffset StartedAt,
    EscalationPolicyDto? PolicyDetail);

public sealed record EscalationPolicyDto(string Name, int Repeat, long? AcknowledgeTimeoutSeconds, string TimeZone, IReadOnlyList<EscalationLevelDto> Levels);

public sealed record EscalationLevelDto(long DelaySeconds, IReadOnlyList<string> Targets, string? Condition);

public sealed class ReassignRequest
{
    public string? User { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(RfcTimeConverter), typeof(NullableRfcTimeConverter)])]
[JsonSerializable(typeof(EscalationDto))]
[JsonSerializable(typeof(List<EscalationPolicyDto>))]
[JsonSerializable(typeof(ReassignRequest))]
public sealed partial class EscalationJson : JsonSerializerContext;
