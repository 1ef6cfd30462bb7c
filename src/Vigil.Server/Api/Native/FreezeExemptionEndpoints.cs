using Vigil.Core.Config;
using Vigil.Core.OnCall;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Server.Api.OnCall;
using Vigil.Server.Auth;
using Vigil.Server.OnCall;
using Vigil.Server.Pipeline;
using Vigil.Server.Slo;

namespace Vigil.Server.Api.Native;

/// <summary>
/// Freeze exemptions: a person lets a service's changes through its error-budget change freeze for a while, with a
/// reason — the release that fixes the outage that spent the budget is the usual one. Admins, or a manager of the team
/// that owns the service, may grant and revoke them; each is stored and audited. See docs/slo.md.
/// </summary>
public static class FreezeExemptionEndpoints
{
    public const int MaxReasonLength = 1000;

    /// <summary>The longest exemption: a week. A longer one is a change of the policy, which belongs in the SLO.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(7);

    public static readonly TimeSpan MinDuration = TimeSpan.FromMinutes(1);

    internal static void MapFreezeExemptions(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/services/{service}/freeze/exemptions", List).RequireRole(Role.Viewer);
        app.MapPost("/api/v1/services/{service}/freeze/exemptions", Create).RequireRole(Role.Responder);
        app.MapDelete("/api/v1/services/{service}/freeze/exemptions/{id}", Revoke).RequireRole(Role.Responder);
    }

    private static async Task<IResult> List(string service, SloTracker tracker, IVigilStore store, TimeProvider time, CancellationToken ct)
    {
        if (await UnknownServiceAsync(service, tracker, ct) is { } unknown)
        {
            return unknown;
        }
        var exemptions = await store.ListFreezeExemptionsAsync(service, time.GetUtcNow(), ct);
        return Results.Json(exemptions.Select(Dto).ToList(), SloJson.Default.ListFreezeExemptionDto);
    }

    private static async Task<IResult> Create(string service, HttpContext context, SloTracker tracker, ScheduleReader reader, AlertPipeline pipeline, TimeProvider time)
    {
        if (await UnknownServiceAsync(service, tracker, context.RequestAborted) is { } unknown)
        {
            return unknown;
        }
        var body = await RequestBody.ReadJsonAsync(context, SloJson.Default.FreezeExemptionRequest, 64 * 1024);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var request = body.Value!;
        var now = time.GetUtcNow();
        var errors = new List<string>();
        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            errors.Add("reason is required: say which change must go through the freeze and why");
        }
        else if (reason.Length > MaxReasonLength)
        {
            errors.Add($"reason is {reason.Length} characters; at most {MaxReasonLength}");
        }
        var end = End(request, now, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        var actor = context.GetActor()!;
        var team = reader.Directory.OwnerOf(service)?.Team;
        if (!reader.Directory.CanManageTeam(actor.User, actor.Role, team))
        {
            return OverrideEndpoints.Forbidden(actor, $"exempt service \"{service}\" from its change freeze", team);
        }
        var created = new FreezeExemption(OverrideEndpoints.NewId("fx"), service, now, end!.Value, reason!, now, actor.User ?? actor.Name);
        var changes = new ChangeSet();
        changes.FreezeExemptions.Add(created);
        changes.Audit.Add(new AuditEntry(now, context.ActorName(), "slo.freeze_exempt", $"service/{service}/exemption/{created.Id}",
            $"until={created.End:O} reason={created.Reason}"));
        await pipeline.CommitAsync(changes, context.RequestAborted);
        return Results.Json(Dto(created), SloJson.Default.FreezeExemptionDto, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The end the request asks for: <c>for</c> (a duration from now, e.g. "2h") or <c>until</c>, one of them.</summary>
    private static DateTimeOffset? End(FreezeExemptionRequest request, DateTimeOffset now, List<string> errors)
    {
        if ((request.For is null) == (request.Until is null))
        {
            errors.Add("give one of \"for\" (a duration such as \"2h\") or \"until\" (an RFC 3339 time)");
            return null;
        }
        TimeSpan length;
        if (request.For is { } text)
        {
            if (!PromDuration.TryParse(text, out length, out var outOfRange))
            {
                if (!outOfRange)
                {
                    errors.Add($"for \"{text}\" is not a duration; use e.g. 30m, 2h, 1d");
                    return null;
                }
                // A duration past Prometheus's ~292 years: refused below as too long, like any over the maximum.
                length = TimeSpan.MaxValue;
            }
        }
        else
        {
            length = request.Until!.Value - now;
        }
        if (length < MinDuration || length > MaxDuration)
        {
            errors.Add($"an exemption lasts from {PromDuration.Format(MinDuration)} to {PromDuration.Format(MaxDuration)}"
                + (request.Until is null ? "" : " from now (until is in the past or too far ahead)"));
            return null;
        }
        return now + length;
    }

    private static async Task<IResult> Revoke(string service, string id, HttpContext context, ScheduleReader reader, AlertPipeline pipeline, TimeProvider time)
    {
        // Read, check and write in one turn: two revokes at once record one revocation (one audit entry).
        using (await pipeline.BeginRecordWriteAsync(context.RequestAborted))
        {
            var existing = await pipeline.Store.GetFreezeExemptionAsync(id, context.RequestAborted);
            if (existing is null || existing.Service != service)
            {
                return Problems.NotFound($"Service \"{service}\" has no freeze exemption with id {id}.");
            }
            var actor = context.GetActor()!;
            var team = reader.Directory.OwnerOf(service)?.Team;
            if (!reader.Directory.CanManageTeam(actor.User, actor.Role, team))
            {
                return OverrideEndpoints.Forbidden(actor, $"revoke freeze exemptions of service \"{service}\"", team);
            }
            if (existing.RevokedAt is null)
            {
                var now = time.GetUtcNow();
                var changes = new ChangeSet();
                changes.FreezeExemptions.Add(existing with { RevokedAt = now });
                changes.Audit.Add(new AuditEntry(now, context.ActorName(), "slo.freeze_exempt_revoke", $"service/{service}/exemption/{id}", $"until={existing.End:O}"));
                await pipeline.CommitAsync(changes, context.RequestAborted);
            }
        }
        return Results.NoContent();
    }

    private static async Task<IResult?> UnknownServiceAsync(string service, SloTracker tracker, CancellationToken ct) =>
        SloEndpoints.UnknownService(service, await tracker.CurrentAsync(ct), await tracker.FreezesAsync(ct));

    internal static FreezeExemptionDto Dto(FreezeExemption e) => new(e.Id, e.Service, e.Start, e.End, e.Reason, e.CreatedAt, e.CreatedBy, e.RevokedAt);
}
