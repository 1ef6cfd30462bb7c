using Vigil.Core.OnCall;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Server.Auth;
using Vigil.Server.OnCall;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Api.OnCall;

/// <summary>
/// Shift swaps (docs/oncall.md): a shift owner requests, another user accepts; someone takes a shift outright; a team
/// manager (or admin) makes an accepted swap directly; the requester, a manager or an admin cancels. The caller is
/// the token's bound user; admin tokens may act for anyone with "user".
/// </summary>
public static class SwapEndpoints
{
    internal static void MapSwaps(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/swaps", List).RequireRole(Role.Viewer);
        app.MapPost("/api/v1/swaps", (HttpContext c, ScheduleReader r, AlertPipeline p, TimeProvider t) => Create(c, r, p, t, SwapKind.Request)).RequireRole(Role.Responder);
        app.MapPost("/api/v1/swaps/take", (HttpContext c, ScheduleReader r, AlertPipeline p, TimeProvider t) => Create(c, r, p, t, SwapKind.Take)).RequireRole(Role.Responder);
        app.MapPost("/api/v1/swaps/manager", (HttpContext c, ScheduleReader r, AlertPipeline p, TimeProvider t) => Create(c, r, p, t, SwapKind.Manager)).RequireRole(Role.Responder);
        app.MapPost("/api/v1/swaps/{id}/accept", Accept).RequireRole(Role.Responder);
        app.MapPost("/api/v1/swaps/{id}/cancel", Cancel).RequireRole(Role.Responder);
    }

    private static async Task<IResult> List(ScheduleReader reader, IVigilStore store, TimeProvider time, string? schedule, string? status, string? from, string? to, CancellationToken ct)
    {
        if (schedule is not null && OnCallEndpoints.Find(reader.Directory, schedule, out _) is { } missing)
        {
            return missing;
        }
        SwapStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.TryParse<SwapStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                return Problems.BadRequest($"status \"{status}\" is unknown; use requested, accepted or cancelled.");
            }
            wanted = parsed;
        }
        if (OnCallEndpoints.Range(from, to, time.GetUtcNow(), TimeSpan.FromDays(30), out var range) is { } bad)
        {
            return bad;
        }
        var swaps = await store.ListSwapsAsync(schedule, range.From, range.To, ct);
        return Results.Json(swaps.Where(s => wanted is null || s.Status == wanted).Select(Dto).ToList(), OnCallJson.Default.ListSwapDto);
    }

    private static async Task<IResult> Create(HttpContext context, ScheduleReader reader, AlertPipeline pipeline, TimeProvider time, SwapKind kind)
    {
        var body = await RequestBody.ReadJsonAsync(context, OnCallJson.Default.SwapRequest, 64 * 1024);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var request = body.Value!;
        var directory = reader.Directory;
        var actor = context.GetActor()!;
        if (string.IsNullOrEmpty(request.Schedule) || request.Start is null || request.End is null)
        {
            return Problems.BadRequest("schedule, start and end are required.");
        }
        if (OnCallEndpoints.Find(directory, request.Schedule, out var schedule) is { } missing)
        {
            return missing;
        }
        if (OnCallEndpoints.Check(request.Start.Value, request.End.Value, out var range) is { } bad)
        {
            return bad;
        }
        string from, to = "";
        switch (kind)
        {
            case SwapKind.Request:
                if (Caller(actor, request.User ?? request.From, directory, out var owner) is { } e1)
                {
                    return e1;
                }
                from = owner!;
                break;
            case SwapKind.Take:
                if (string.IsNullOrEmpty(request.From))
                {
                    return Problems.BadRequest("from (the user whose shift is taken) is required.");
                }
                if (Caller(actor, request.User, directory, out var taker) is { } e2)
                {
                    return e2;
                }
                (from, to) = (request.From, taker!);
                break;
            default:
                if (string.IsNullOrEmpty(request.From) || string.IsNullOrEmpty(request.To))
                {
                    return Problems.BadRequest("from and to are required for a manager swap.");
                }
                if (!directory.CanManageTeam(actor.User, actor.Role, schedule!.Team))
                {
                    return OverrideEndpoints.Forbidden(actor, $"make swaps on schedule \"{schedule.Name}\"", schedule.Team);
                }
                (from, to) = (request.From, request.To);
                break;
        }
        foreach (var user in new[] { from, to }.Where(u => u.Length > 0))
        {
            if (directory.FindUser(user) is null)
            {
                return Problems.BadRequest($"user \"{user}\" is not defined under \"users\".");
            }
        }
        if (from == to)
        {
            return Problems.BadRequest($"{from} cannot swap a shift with themselves.");
        }
        var shifts = await reader.ShiftsOfAsync(schedule!, from, range.From, range.To, context.RequestAborted);
        if (shifts.Count == 0)
        {
            return Problems.BadRequest($"{from} has no shift on schedule \"{schedule!.Name}\" between {range.From:O} and {range.To:O}.");
        }
        var now = time.GetUtcNow();
        var decided = kind == SwapKind.Request ? (DateTimeOffset?)null : now;
        var swap = new ShiftSwap(OverrideEndpoints.NewId("sw"), schedule!.Name, range.From, range.To, from, to.Length == 0 ? null : to,
            kind == SwapKind.Request ? SwapStatus.Requested : SwapStatus.Accepted, kind, now, actor.User ?? actor.Name, decided,
            decided is null ? null : actor.User ?? actor.Name);
        var action = kind switch { SwapKind.Request => "swap.request", SwapKind.Take => "swap.take", _ => "swap.manager" };
        return await CommitAsync(context, pipeline, swap, action, StatusCodes.Status201Created);
    }

    private static async Task<IResult> Accept(string id, HttpContext context, ScheduleReader reader, AlertPipeline pipeline, TimeProvider time)
    {
        var request = context.Request.ContentLength is > 0 ? await RequestBody.ReadJsonAsync(context, OnCallJson.Default.SwapRequest, 64 * 1024) : null;
        if (request?.Error is not null)
        {
            return request.Error;
        }
        var swap = await pipeline.Store.GetSwapAsync(id, context.RequestAborted);
        if (swap is null)
        {
            return Problems.NotFound($"No swap with id {id}.");
        }
        if (swap.Status != SwapStatus.Requested)
        {
            return Problems.Conflict($"Swap {id} is {swap.Status.ToString().ToLowerInvariant()}; only a requested swap can be accepted.");
        }
        var actor = context.GetActor()!;
        if (Caller(actor, request?.Value?.User, reader.Directory, out var acceptor) is { } e)
        {
            return e;
        }
        if (acceptor == swap.FromUser)
        {
            return Problems.BadRequest($"{acceptor} requested this swap and cannot accept it; another user must.");
        }
        var now = time.GetUtcNow();
        var accepted = swap with { ToUser = acceptor, Status = SwapStatus.Accepted, DecidedAt = now, DecidedBy = acceptor };
        try
        {
            return await DecideAsync(context, pipeline, new SwapTransition(accepted, SwapStatus.Requested), "swap.accept");
        }
        catch (ConflictingWriteException)
        {
            var current = await pipeline.Store.GetSwapAsync(id, context.RequestAborted);
            return Problems.Conflict($"Swap {id} was {Describe(current)} while this request was handled; only a requested swap can be accepted.");
        }
    }

    private static async Task<IResult> Cancel(string id, HttpContext context, ScheduleReader reader, AlertPipeline pipeline, TimeProvider time)
    {
        var swap = await pipeline.Store.GetSwapAsync(id, context.RequestAborted);
        if (swap is null)
        {
            return Problems.NotFound($"No swap with id {id}.");
        }
        var actor = context.GetActor()!;
        var team = reader.Directory.FindSchedule(swap.Schedule)?.Team;
        var involved = actor.User is not null && (actor.User == swap.FromUser || actor.User == swap.ToUser);
        if (!involved && !reader.Directory.CanManageTeam(actor.User, actor.Role, team))
        {
            return OverrideEndpoints.Forbidden(actor, $"cancel swap {id} (only its two users can)", team);
        }
        if (swap.Status == SwapStatus.Cancelled)
        {
            return Results.Json(Dto(swap), OnCallJson.Default.SwapDto);
        }
        var now = time.GetUtcNow();
        var cancelled = swap with { Status = SwapStatus.Cancelled, DecidedAt = now, DecidedBy = actor.User ?? actor.Name };
        try
        {
            // Cancelled only from the status the permission check and the caller saw: a request accepted meanwhile now
            // gives someone a shift, and cancelling that is a new decision.
            return await DecideAsync(context, pipeline, new SwapTransition(cancelled, swap.Status), "swap.cancel");
        }
        catch (ConflictingWriteException)
        {
            var current = await pipeline.Store.GetSwapAsync(id, context.RequestAborted);
            return current?.Status == SwapStatus.Cancelled
                ? Results.Json(Dto(current), OnCallJson.Default.SwapDto) // cancelled by someone else: what was asked for
                : Problems.Conflict($"Swap {id} was {Describe(current)} while this request was handled; nothing was cancelled. Look at it again and cancel it if you still want to.");
        }
    }

    /// <summary>How a swap changed meanwhile, for a 409.</summary>
    private static string Describe(ShiftSwap? swap) => swap switch
    {
        null => "removed",
        { Status: SwapStatus.Accepted } => $"accepted by {swap.DecidedBy} (to {swap.ToUser})",
        _ => $"{swap.Status.ToString().ToLowerInvariant()} by {swap.DecidedBy}",
    };

    private static async Task<IResult> CommitAsync(HttpContext context, AlertPipeline pipeline, ShiftSwap swap, string action, int status)
    {
        var changes = new ChangeSet();
        changes.ShiftSwaps.Add(swap);
        changes.Audit.Add(Audit(context, swap, action));
        await pipeline.CommitAsync(changes, context.RequestAborted);
        return Results.Json(Dto(swap), OnCallJson.Default.SwapDto, statusCode: status);
    }

    /// <summary>
    /// Commits a decision on a stored swap only if its status is still the one it was made on (a conditional write, so
    /// it holds across replicas on one database); throws <see cref="ConflictingWriteException"/> otherwise.
    /// </summary>
    private static async Task<IResult> DecideAsync(HttpContext context, AlertPipeline pipeline, SwapTransition decision, string action)
    {
        var changes = new ChangeSet();
        changes.SwapTransitions.Add(decision);
        changes.Audit.Add(Audit(context, decision.Swap, action));
        await pipeline.CommitAsync(changes, context.RequestAborted);
        return Results.Json(Dto(decision.Swap), OnCallJson.Default.SwapDto);
    }

    private static AuditEntry Audit(HttpContext context, ShiftSwap swap, string action) =>
        new(swap.DecidedAt ?? swap.CreatedAt, context.ActorName(), action, $"schedule/{swap.Schedule}/swap/{swap.Id}",
            $"from={swap.FromUser} to={swap.ToUser ?? "-"} start={swap.Start:O} end={swap.End:O} status={swap.Status.ToString().ToLowerInvariant()}");

    /// <summary>
    /// The user the caller acts as: the token's bound user, or for admins any user named in the request. A token bound
    /// to a user cannot act as someone else.
    /// </summary>
    private static IResult? Caller(Actor actor, string? requested, OnCallDirectory directory, out string? user)
    {
        user = null;
        if (!string.IsNullOrEmpty(requested) && requested != actor.User)
        {
            if (actor.Role < Role.Admin)
            {
                return OverrideEndpoints.Forbidden(actor, $"act as {requested}", null);
            }
            if (directory.FindUser(requested) is null)
            {
                return Problems.BadRequest($"user \"{requested}\" is not defined under \"users\".");
            }
            user = requested;
            return null;
        }
        if (actor.User is null)
        {
            return Problems.BadRequest($"Token '{actor.Name}' is not bound to a user: create one with 'vigil tokens create --user NAME', or (admins) name the user in \"user\".");
        }
        user = actor.User;
        return null;
    }

    internal static SwapDto Dto(ShiftSwap s) => new(s.Id, s.Schedule, s.Start, s.End, s.FromUser, s.ToUser, s.Status.ToString().ToLowerInvariant(),
        s.Kind.ToString().ToLowerInvariant(), s.CreatedAt, s.CreatedBy, s.DecidedAt, s.DecidedBy);
}
