using Vigil.Core.OnCall;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Server.Auth;
using Vigil.Server.OnCall;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Api.OnCall;

/// <summary>Overrides: list, create, delete. Writing needs an admin token or a token bound to a manager of the schedule's team.</summary>
public static class OverrideEndpoints
{
    internal static void MapOverrides(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/overrides", List).RequireRole(Role.Viewer);
        app.MapPost("/api/v1/overrides", Create).RequireRole(Role.Responder);
        app.MapDelete("/api/v1/overrides/{id}", Delete).RequireRole(Role.Responder);
    }

    private static async Task<IResult> List(ScheduleReader reader, IVigilStore store, TimeProvider time, string? schedule, string? from, string? to, CancellationToken ct)
    {
        if (schedule is not null && OnCallEndpoints.Find(reader.Directory, schedule, out _) is { } missing)
        {
            return missing;
        }
        if (OnCallEndpoints.Range(from, to, time.GetUtcNow(), TimeSpan.FromDays(30), out var range) is { } bad)
        {
            return bad;
        }
        var overrides = await store.ListOverridesAsync(schedule, range.From, range.To, ct);
        return Results.Json(overrides.Select(Dto).ToList(), OnCallJson.Default.ListOverrideDto);
    }

    private static async Task<IResult> Create(HttpContext context, ScheduleReader reader, AlertPipeline pipeline, TimeProvider time)
    {
        var body = await RequestBody.ReadJsonAsync(context, OnCallJson.Default.OverrideRequest, 64 * 1024);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var request = body.Value!;
        var directory = reader.Directory;
        var errors = new List<string>();
        if (string.IsNullOrEmpty(request.Schedule))
        {
            errors.Add("schedule is required");
        }
        if (request.Start is null || request.End is null)
        {
            errors.Add("start and end are required (RFC 3339 times)");
        }
        if (string.IsNullOrEmpty(request.User))
        {
            errors.Add("user is required");
        }
        else if (directory.FindUser(request.User) is null)
        {
            errors.Add($"user \"{request.User}\" is not defined under \"users\"");
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        if (OnCallEndpoints.Find(directory, request.Schedule!, out var schedule) is { } missing)
        {
            return missing;
        }
        if (OnCallEndpoints.Check(request.Start!.Value, request.End!.Value, out var range) is { } bad)
        {
            return bad;
        }
        var actor = context.GetActor()!;
        if (!directory.CanManageTeam(actor.User, actor.Role, schedule!.Team))
        {
            return Forbidden(actor, $"override schedule \"{schedule.Name}\"", schedule.Team);
        }
        var now = time.GetUtcNow();
        var created = new ScheduleOverride(NewId("ov"), schedule.Name, range.From, range.To, request.User!, now, actor.User ?? actor.Name);
        var changes = new ChangeSet();
        changes.ScheduleOverrides.Add(created);
        changes.Audit.Add(new AuditEntry(now, context.ActorName(), "override.create", $"schedule/{schedule.Name}/override/{created.Id}",
            $"user={created.User} start={created.Start:O} end={created.End:O}"));
        await pipeline.CommitAsync(changes, context.RequestAborted);
        return Results.Json(Dto(created), OnCallJson.Default.OverrideDto, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> Delete(string id, HttpContext context, ScheduleReader reader, AlertPipeline pipeline, TimeProvider time)
    {
        // Read, check and write in one turn: an override deleted by several requests at once is deleted once.
        using (await pipeline.BeginRecordWriteAsync(context.RequestAborted))
        {
            var existing = await pipeline.Store.GetOverrideAsync(id, context.RequestAborted);
            if (existing is null)
            {
                return Problems.NotFound($"No override with id {id}.");
            }
            var actor = context.GetActor()!;
            var team = reader.Directory.FindSchedule(existing.Schedule)?.Team;
            if (!reader.Directory.CanManageTeam(actor.User, actor.Role, team))
            {
                return Forbidden(actor, $"delete overrides of schedule \"{existing.Schedule}\"", team);
            }
            if (existing.DeletedAt is null)
            {
                var now = time.GetUtcNow();
                var changes = new ChangeSet();
                changes.ScheduleOverrides.Add(existing with { DeletedAt = now });
                changes.Audit.Add(new AuditEntry(now, context.ActorName(), "override.delete", $"schedule/{existing.Schedule}/override/{id}", $"user={existing.User}"));
                await pipeline.CommitAsync(changes, context.RequestAborted);
            }
        }
        return Results.NoContent();
    }

    internal static IResult Forbidden(Actor actor, string what, string? team) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: $"Token '{actor.Name}'" + (actor.User is null ? " is not bound to a user" : $" acts as {actor.User}")
                + $" and may not {what}: that needs an admin token" + (team is null ? "" : $" or a manager of team \"{team}\"") + ".");

    internal static string NewId(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 17)];

    internal static OverrideDto Dto(ScheduleOverride o) => new(o.Id, o.Schedule, o.Start, o.End, o.User, o.CreatedAt, o.CreatedBy, o.DeletedAt);
}
