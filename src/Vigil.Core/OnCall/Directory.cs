namespace Vigil.Core.OnCall;

/// <summary>How a user can be reached. Escalation picks the methods it knows how to send to.</summary>
public enum ContactKind
{
    Email,
    Webhook,
    Chat,
}

public sealed record ContactMethod(ContactKind Kind, string Value);

/// <summary>A person who can be on call. <see cref="Name"/> is the stable handle used everywhere else.</summary>
public sealed record OnCallUser(string Name, string FullName, TimeZoneInfo TimeZone, IReadOnlyList<ContactMethod> Contacts);

/// <summary>Team-scoped role: managers may edit the team's schedules (overrides) and make swaps for its members.</summary>
public enum TeamRole
{
    Member,
    Manager,
}

public sealed record TeamMember(string User, TeamRole Role);

public sealed record Team(string Name, IReadOnlyList<TeamMember> Members);

/// <summary>Which team owns a service; the escalation policy name is kept for the escalation engine (not used yet).</summary>
public sealed record ServiceOwnership(string Service, string Team, string? EscalationPolicy);

/// <summary>
/// People, teams, service ownership and schedules from the config (<c>users:</c>, <c>teams:</c>, <c>services:</c>,
/// <c>schedules:</c>). Immutable; a config reload swaps the whole directory. The escalation engine consumes it through
/// <see cref="MembersOf"/>, <see cref="FindUser"/> and <see cref="FinalSchedule.OnCallAt"/>.
/// </summary>
public sealed class OnCallDirectory
{
    public static readonly OnCallDirectory Empty = new([], [], [], []);

    public OnCallDirectory(IReadOnlyList<OnCallUser> users, IReadOnlyList<Team> teams, IReadOnlyList<ServiceOwnership> services, IReadOnlyList<Schedule> schedules)
    {
        Users = users;
        Teams = teams;
        Services = services;
        Schedules = schedules;
        _users = users.ToDictionary(u => u.Name, StringComparer.Ordinal);
        _teams = teams.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _schedules = schedules.ToDictionary(s => s.Name, StringComparer.Ordinal);
    }

    private readonly Dictionary<string, OnCallUser> _users;
    private readonly Dictionary<string, Team> _teams;
    private readonly Dictionary<string, Schedule> _schedules;

    public IReadOnlyList<OnCallUser> Users { get; }

    public IReadOnlyList<Team> Teams { get; }

    public IReadOnlyList<ServiceOwnership> Services { get; }

    public IReadOnlyList<Schedule> Schedules { get; }

    public OnCallUser? FindUser(string name) => _users.GetValueOrDefault(name);

    public Team? FindTeam(string name) => _teams.GetValueOrDefault(name);

    public Schedule? FindSchedule(string name) => _schedules.GetValueOrDefault(name);

    /// <summary>The members of a team in config order; empty for an unknown team.</summary>
    public IReadOnlyList<TeamMember> MembersOf(string team) => _teams.TryGetValue(team, out var t) ? t.Members : [];

    public ServiceOwnership? OwnerOf(string service) => Services.FirstOrDefault(s => s.Service == service);

    public bool IsMember(string? user, string team) => user is not null && MembersOf(team).Any(m => m.User == user);

    public bool IsManager(string? user, string team) => user is not null && MembersOf(team).Any(m => m.User == user && m.Role == TeamRole.Manager);
}
