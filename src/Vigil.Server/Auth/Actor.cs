using Vigil.Core.Security;

namespace Vigil.Server.Auth;

/// <summary>
/// Who is making a request: the name of the API token (or "demo"), its role and, when the token is bound to one, the
/// on-call user it acts as (team-scoped checks need it).
/// </summary>
public sealed record Actor(string Name, Role Role, string? TokenId, string? User = null)
{
    public static readonly Actor Demo = new("demo", Role.Admin, null);

    public bool Can(Role required) => Role >= required;
}

public static class ActorHttpContextExtensions
{
    private const string Key = "vigil.actor";

    public static Actor? GetActor(this HttpContext context) =>
        context.Items.TryGetValue(Key, out var value) ? value as Actor : null;

    internal static void SetActor(this HttpContext context, Actor actor) => context.Items[Key] = actor;

    /// <summary>The actor's name for audit and timeline entries; endpoints behind RequireRole always have one.</summary>
    public static string ActorName(this HttpContext context) => context.GetActor()?.Name ?? "anonymous";
}
