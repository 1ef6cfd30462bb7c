using Vigil.Core.Security;

namespace Vigil.Server.Auth;

/// <summary>
/// Attaches an <see cref="Actor"/> to requests that carry a valid bearer token (or, on reads only, <c>?access_token=</c>,
/// which the browser's EventSource and calendar apps need). Whether an endpoint needs one is decided by <see cref="RoleFilter"/>.
/// In open demo mode, requests without a token from this machine act as the demo admin.
/// </summary>
public sealed class AuthenticationMiddleware(RequestDelegate next, TokenAuthenticator authenticator, ServerSettings settings)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var secret = ReadSecret(context.Request);
        if (secret is null && HasQueryToken(context.Request))
        {
            // A token in a write's URL is refused, not ignored: URLs end up in proxy and browser logs, so a write must
            // carry its token in the Authorization header (reads that need the query form — the event stream, the
            // calendar feed — are GETs). Never the demo actor either: the caller meant to be someone.
            context.Items[QueryTokenOnWriteKey] = true;
        }
        else if (secret is not null)
        {
            var token = await authenticator.AuthenticateAsync(secret, context.RequestAborted);
            if (token is not null)
            {
                // A token named like Vigil's own actor (made before the name was reserved) must not act as it: the
                // dispatcher reopens incidents Vigil resolved, not ones a person did.
                var name = token.Name == Vigil.Core.Incidents.IncidentLifecycle.SystemActor ? token.Name + " (token)" : token.Name;
                context.SetActor(new Actor(name, token.Role, token.Id, token.User));
            }
            else
            {
                context.Items["vigil.invalid-token"] = true;
            }
        }
        else if (settings.OpenAccess && FromThisMachine(context.Connection))
        {
            context.SetActor(Actor.Demo);
        }
        await next(context);
    }

    /// <summary>
    /// Open demo access is decided from the addresses the server was told to listen on, but Kestrel can be bound
    /// elsewhere by configuration (<c>Kestrel__Endpoints__…__Url=http://0.0.0.0:…</c> overrides them), which made an
    /// open admin API reachable from the network. So each tokenless request must also come from this machine: a
    /// loopback peer, or none (a Unix socket, or the in-process test host).
    /// </summary>
    private static bool FromThisMachine(ConnectionInfo connection) =>
        connection.RemoteIpAddress is not { } peer || System.Net.IPAddress.IsLoopback(peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer);

    internal const string QueryTokenOnWriteKey = "vigil.query-token-on-write";

    /// <summary>The bearer secret a request carries (header, or <c>?access_token=</c> on a read), if any.</summary>
    internal static string? ReadSecret(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var value = header["Bearer ".Length..].Trim();
            return value.Length > 0 ? value : null;
        }
        if (!IsRead(request))
        {
            return null;
        }
        var query = request.Query["access_token"].ToString();
        return query.Length > 0 ? query : null;
    }

    private static bool HasQueryToken(HttpRequest request) => !IsRead(request) && request.Query["access_token"].ToString().Length > 0;

    private static bool IsRead(HttpRequest request) => HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
}

/// <summary>Endpoint filter: 401 without a valid token, 403 when the token's role is too low.</summary>
public sealed class RoleFilter(Role required) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var actor = http.GetActor();
        if (actor is null)
        {
            var detail = http.Items.ContainsKey("vigil.invalid-token") ? "The API token is unknown or revoked."
                : http.Items.ContainsKey(AuthenticationMiddleware.QueryTokenOnWriteKey)
                    ? "A token in the URL (?access_token=) is accepted on reads only: send 'Authorization: Bearer <token>'."
                : "This endpoint needs an API token: send 'Authorization: Bearer <token>'.";
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);
        }
        if (!actor.Can(required))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: $"Token '{actor.Name}' has role {actor.Role.ToString().ToLowerInvariant()}; this needs {required.ToString().ToLowerInvariant()}.");
        }
        return await next(context);
    }
}

public static class RoleEndpointExtensions
{
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, Role role)
        where TBuilder : IEndpointConventionBuilder => builder.AddEndpointFilter(new RoleFilter(role));
}
