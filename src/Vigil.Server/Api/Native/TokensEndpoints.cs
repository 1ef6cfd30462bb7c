using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Server.Auth;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Api.Native;

/// <summary>API tokens (admin only), the audit log, and who-am-i.</summary>
public static class TokensEndpoints
{
    public static void MapTokens(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/tokens", async (IVigilStore store, CancellationToken ct) =>
            Results.Json((await store.ListTokensAsync(ct)).Select(ToInfo).ToList(), NativeJson.Default.ListTokenInfo))
            .RequireRole(Role.Admin);
        app.MapPost("/api/v1/tokens", CreateToken).RequireRole(Role.Admin);
        app.MapDelete("/api/v1/tokens/{id}", RevokeToken).RequireRole(Role.Admin);
        app.MapGet("/api/v1/audit", async (IVigilStore store, int? limit, long? before, CancellationToken ct) =>
        {
            if (limit is < 1 or > 1000)
            {
                return Problems.BadRequest("limit must be between 1 and 1000.");
            }
            var entries = await store.ListAuditAsync(limit ?? 100, before, ct);
            return Results.Json(entries.Select(e => new AuditDto(e.Sequence, e.At, e.Actor, e.Action, e.Target, e.Details)).ToList(), NativeJson.Default.ListAuditDto);
        }).RequireRole(Role.Admin);
        app.MapGet("/api/v1/whoami", (HttpContext context, ServerSettings settings) =>
        {
            var actor = context.GetActor()!;
            return Results.Json(new WhoAmI(actor.Name, actor.Role.ToString().ToLowerInvariant(), settings.OpenAccess, actor.User), NativeJson.Default.WhoAmI);
        }).RequireRole(Role.Viewer);
    }

    private static async Task<IResult> CreateToken(HttpContext context, AlertPipeline pipeline, TokenAuthenticator authenticator, ServerSettings settings, TimeProvider time)
    {
        var body = await RequestBody.ReadJsonAsync(context, NativeJson.Default.TokenRequest, 64 * 1024);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var request = body.Value!;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
        {
            errors.Add("name is required (1–100 characters)");
        }
        else if (string.Equals(request.Name.Trim(), Core.Incidents.IncidentLifecycle.SystemActor, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"name \"{request.Name}\" is reserved: timelines and audit entries use it for what Vigil itself does");
        }
        if (!Enum.TryParse<Role>(request.Role, ignoreCase: true, out var role) || !Enum.IsDefined(role) || int.TryParse(request.Role, out _))
        {
            errors.Add($"role \"{request.Role}\" is unknown; use viewer, responder or admin");
        }
        var user = string.IsNullOrWhiteSpace(request.User) ? null : request.User.Trim();
        if (user is not null && pipeline.Config.Current.OnCall.FindUser(user) is null)
        {
            errors.Add($"user \"{user}\" is not defined under \"users\" in the config");
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        var secret = TokenSecrets.Generate();
        var now = time.GetUtcNow();
        var token = new ApiToken(TokenSecrets.NewId(), request.Name!.Trim(), role, TokenSecrets.Hash(secret), now, context.ActorName(), User: user);
        var changes = new ChangeSet();
        changes.Tokens.Add(token);
        changes.Audit.Add(new AuditEntry(now, context.ActorName(), "token.create", $"token/{token.Id}", $"name={token.Name} role={RoleName(role)}" + (user is null ? "" : $" user={user}")));
        await pipeline.CommitAsync(changes, context.RequestAborted);
        authenticator.Invalidate();
        return Results.Json(new TokenCreated(token.Id, token.Name, RoleName(role), secret, user), NativeJson.Default.TokenCreated, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RevokeToken(string id, HttpContext context, AlertPipeline pipeline, TokenAuthenticator authenticator, TimeProvider time)
    {
        // Read, check and write in one turn: the same token revoked by several requests at once is revoked once.
        using (await pipeline.BeginRecordWriteAsync(context.RequestAborted))
        {
            var token = (await pipeline.Store.ListTokensAsync(context.RequestAborted)).FirstOrDefault(t => t.Id == id);
            if (token is null)
            {
                return Problems.NotFound($"No token with id {id}.");
            }
            if (token.RevokedAt is null)
            {
                var now = time.GetUtcNow();
                var changes = new ChangeSet();
                changes.Tokens.Add(token with { RevokedAt = now });
                changes.Audit.Add(new AuditEntry(now, context.ActorName(), "token.revoke", $"token/{token.Id}", $"name={token.Name}"));
                try
                {
                    await pipeline.CommitAsync(changes, context.RequestAborted);
                }
                finally
                {
                    // Also when the request was cancelled after the commit: the revoked token must stop working now.
                    authenticator.Invalidate();
                }
            }
        }
        return Results.NoContent();
    }

    private static string RoleName(Role role) => role.ToString().ToLowerInvariant();

    private static TokenInfo ToInfo(ApiToken t) => new(t.Id, t.Name, RoleName(t.Role), t.CreatedAt, t.CreatedBy, t.RevokedAt, t.User);
}

public sealed class TokenRequest
{
    public string? Name { get; set; }
    public string? Role { get; set; }

    /// <summary>Optional: the on-call user the token acts as.</summary>
    public string? User { get; set; }
}

public sealed record TokenCreated(string Id, string Name, string Role, string Token, string? User = null);

public sealed record TokenInfo(string Id, string Name, string Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, string? User = null);

public sealed record AuditDto(long Sequence, DateTimeOffset At, string Actor, string Action, string Target, string Details);

public sealed record WhoAmI(string Name, string Role, bool DevMode, string? User = null);
