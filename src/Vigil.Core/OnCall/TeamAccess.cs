using Vigil.Core.Security;

namespace Vigil.Core.OnCall;

/// <summary>
/// Team-scoped permissions on top of a token's global role. A caller is a token role plus, when the token is bound to
/// a user, that user. Admins can act for every team; otherwise the user's membership decides.
/// </summary>
public static class TeamAccess
{
    /// <summary>
    /// May the caller act on the team's incidents (acknowledge, resolve)? Admins, or responders who are members of
    /// the team. The escalation work uses this for acknowledgement.
    /// </summary>
    public static bool CanActForTeam(this OnCallDirectory directory, string? user, Role role, string team) =>
        role >= Role.Admin || (role >= Role.Responder && directory.IsMember(user, team));

    /// <summary>May the caller edit the team's schedules (overrides) and make swaps between its members? Admins and team managers.</summary>
    public static bool CanManageTeam(this OnCallDirectory directory, string? user, Role role, string? team) =>
        role >= Role.Admin || (role >= Role.Responder && team is not null && directory.IsManager(user, team));
}
