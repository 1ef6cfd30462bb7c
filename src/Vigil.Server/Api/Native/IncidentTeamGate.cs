using Vigil.Core.OnCall;
using Vigil.Core.Security;
using Vigil.Server.Auth;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Api.Native;

/// <summary>
/// Team-scoped permission on incidents: a token bound to a user (a person) may act on an incident of a service owned by
/// a team only when that user is a member of the team, unless the token is an admin's. Tokens not bound to a user
/// (integrations, automation) keep just their global role, so existing setups work unchanged.
/// </summary>
internal static class IncidentTeamGate
{
    /// <summary>Null when the caller may act, else the 403 answer.</summary>
    public static async Task<IResult?> CheckAsync(long id, HttpContext context, AlertPipeline pipeline, string what)
    {
        if (context.GetActor() is not { User: { } user } actor || actor.Role >= Role.Admin)
        {
            return null;
        }
        var incident = pipeline.TryGetTrackedIncident(id, out var tracked) ? tracked : await pipeline.Store.GetIncidentAsync(id, context.RequestAborted);
        var directory = pipeline.Config.Current.OnCall;
        if (incident?.Service is not { } service || directory.OwnerOf(service) is not { } owner
            || directory.CanActForTeam(user, actor.Role, owner.Team))
        {
            return null;
        }
        return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
            detail: $"Token '{actor.Name}' acts as {user}, who is not a member of team \"{owner.Team}\" (owner of service \"{service}\"),"
                + $" so it may not {what} incident {id}: that needs a member of the team or an admin token.");
    }
}
