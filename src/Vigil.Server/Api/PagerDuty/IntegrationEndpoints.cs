using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Server.Api.Alertmanager;
using Vigil.Server.Auth;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Api.PagerDuty;

/// <summary>
/// Integration keys: Vigil issues a routing key per service for PagerDuty Events API v2 senders (admin only). The key
/// is shown once; only its SHA-256 is stored. Keys declared in the config's <c>integrations:</c> are listed too.
/// </summary>
public static class IntegrationEndpoints
{
    public const int MaxNameLength = 100;

    public static void MapIntegrations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/integrations", List).RequireRole(Role.Admin);
        app.MapPost("/api/v1/integrations", Create).RequireRole(Role.Admin);
        app.MapDelete("/api/v1/integrations/{id}", Revoke).RequireRole(Role.Admin);
    }

    private static async Task<IResult> List(AlertPipeline pipeline, IssuedIntegrationKeys keys, CancellationToken ct)
    {
        var configured = pipeline.Config.Current.Integrations.Select(i => new IntegrationInfo(null, i.Name, i.Service, "config", null, null, null));
        var issued = (await keys.AllAsync(ct)).Select(k => new IntegrationInfo(k.Id, k.Name, k.Service, "issued", k.CreatedAt, k.CreatedBy, k.RevokedAt));
        return Results.Json(configured.Concat(issued).ToList(), IntegrationJson.Default.ListIntegrationInfo);
    }

    private static async Task<IResult> Create(HttpContext context, AlertPipeline pipeline, IssuedIntegrationKeys keys, TimeProvider time)
    {
        var body = await RequestBody.ReadJsonAsync(context, IntegrationJson.Default.IntegrationRequest, 64 * 1024);
        if (body.Error is not null)
        {
            return body.Error;
        }
        var name = body.Value!.Name?.Trim() ?? "";
        var service = body.Value.Service?.Trim() ?? "";
        var errors = new List<string>();
        if (name.Length is 0 or > MaxNameLength)
        {
            errors.Add($"\"name\" is required (1–{MaxNameLength} characters), e.g. the sending tool: \"alertmanager-eu\"");
        }
        if (service.Length is 0 or > MaxNameLength)
        {
            errors.Add($"\"service\" is required (1–{MaxNameLength} characters): the service whose alerts the events become");
        }
        var ct = context.RequestAborted;
        // Check and write in one turn: two creates of one name at once could both find the name free.
        using var turn = await pipeline.BeginRecordWriteAsync(ct);
        if (name.Length > 0 && (await keys.AllAsync(ct)).Any(k => k.Name == name && k.RevokedAt is null))
        {
            errors.Add($"an active integration named \"{name}\" already exists; revoke it first or pick another name");
        }
        else if (pipeline.Config.Current.Integrations.Any(i => i.Name == name))
        {
            // The name is the alerts' pd_integration label: sharing it, this key's sender could acknowledge or resolve
            // the configured integration's alerts by their dedup keys.
            errors.Add($"the config declares an integration named \"{name}\"; pick another name");
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        // 32 hex characters, like PagerDuty's integration keys, so senders that check the format accept it.
        var routingKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var now = time.GetUtcNow();
        var key = new IntegrationKey(TokenSecrets.NewId(), name, service, TokenSecrets.Hash(routingKey), now, context.ActorName());
        var changes = new ChangeSet();
        changes.IntegrationKeys.Add(key);
        changes.Audit.Add(new AuditEntry(now, context.ActorName(), "integration.create", $"integration/{key.Id}", $"name={name} service={service}"));
        await CommitAsync(changes, pipeline, keys, ct);
        return Results.Json(new IntegrationCreated(key.Id, name, service, routingKey), IntegrationJson.Default.IntegrationCreated,
            statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> Revoke(string id, HttpContext context, AlertPipeline pipeline, IssuedIntegrationKeys keys, TimeProvider time)
    {
        var ct = context.RequestAborted;
        // Read, check and write in one turn: a key revoked by several requests at once is revoked (and audited) once.
        using var turn = await pipeline.BeginRecordWriteAsync(ct);
        var key = (await keys.AllAsync(ct)).FirstOrDefault(k => k.Id == id);
        if (key is null)
        {
            return Problems.NotFound($"No issued integration key {id} (keys from the config's integrations: are removed by editing the config).");
        }
        if (key.RevokedAt is not null)
        {
            return Results.NoContent();
        }
        var now = time.GetUtcNow();
        var revoked = key with { RevokedAt = now };
        var changes = new ChangeSet();
        changes.IntegrationKeys.Add(revoked);
        changes.Audit.Add(new AuditEntry(now, context.ActorName(), "integration.revoke", $"integration/{id}", $"name={key.Name} service={key.Service}"));
        await CommitAsync(changes, pipeline, keys, ct);
        return Results.NoContent();
    }

    /// <summary>Commits a key change and refreshes the keys' cache — also when the request was cancelled after the commit,
    /// or the next create or revoke would read the old keys.</summary>
    private static async Task CommitAsync(ChangeSet changes, AlertPipeline pipeline, IssuedIntegrationKeys keys, CancellationToken ct)
    {
        try
        {
            await pipeline.CommitAsync(changes, ct);
        }
        finally
        {
            keys.Invalidate();
        }
    }
}

public sealed class IntegrationRequest
{
    public string? Name { get; set; }

    public string? Service { get; set; }
}

/// <param name="Source"><c>issued</c> (by this API; revocable) or <c>config</c> (declared under <c>integrations:</c>).</param>
public sealed record IntegrationInfo(string? Id, string Name, string Service, string Source, DateTimeOffset? CreatedAt, string? CreatedBy, DateTimeOffset? RevokedAt);

/// <param name="RoutingKey">The key senders put in <c>routing_key</c>; shown only in this answer.</param>
public sealed record IntegrationCreated(string Id, string Name, string Service, string RoutingKey);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(RfcTimeConverter), typeof(NullableRfcTimeConverter)])]
[JsonSerializable(typeof(IntegrationRequest))]
[JsonSerializable(typeof(IntegrationCreated))]
[JsonSerializable(typeof(List<IntegrationInfo>))]
public sealed partial class IntegrationJson : JsonSerializerContext;
