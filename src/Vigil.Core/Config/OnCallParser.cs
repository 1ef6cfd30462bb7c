using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;
using Vigil.Core.OnCall;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// Parses <c>users:</c>, <c>teams:</c>, <c>services:</c> and <c>schedules:</c> into an <see cref="OnCallDirectory"/>,
/// checking cross references (a team member or layer participant must be a user, a service's team must exist).
/// Every problem is reported at its own line; see docs/oncall.md for the format.
/// </summary>
internal sealed partial class OnCallParser(YamlReader reader)
{
    private static readonly string[] UserKeys = ["name", "full_name", "time_zone", "contacts"];
    private static readonly string[] TeamKeys = ["name", "members"];
    private static readonly string[] MemberKeys = ["user", "role"];
    private static readonly string[] ServiceKeys = ["name", "team", "escalation_policy"];
    private static readonly string[] ScheduleKeys = ["name", "team", "time_zone", "layers"];
    private static readonly string[] LayerKeys = ["name", "users", "rotation", "start", "restrictions"];

    /// <summary>Every escalation policy a service names, with the node to blame if it is undefined (checked once the
    /// policies are parsed).</summary>
    public List<(string Service, string Policy, YamlNode Node)> EscalationPolicyReferences { get; } = [];

    public OnCallDirectory Parse(YamlNode? users, YamlNode? teams, YamlNode? services, YamlNode? schedules)
    {
        var userList = ParseList(users, "users", UserKeys, ParseUser);
        var userNames = userList.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
        var teamList = ParseList(teams, "teams", TeamKeys, (keys, node) => ParseTeam(keys, node, userNames));
        var teamNames = teamList.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var serviceList = ParseList(services, "services", ServiceKeys, (keys, node) => ParseService(keys, node, teamNames));
        var scheduleList = ParseList(schedules, "schedules", ScheduleKeys, (keys, node) => ParseSchedule(keys, node, userNames, teamNames));
        return userList.Count + teamList.Count + serviceList.Count + scheduleList.Count == 0
            ? OnCallDirectory.Empty
            : new OnCallDirectory(userList, teamList, serviceList, scheduleList);
    }

    /// <summary>A list of mappings, each with a unique <c>name</c>; items that fail to parse are skipped (their errors recorded).</summary>
    private List<T> ParseList<T>(YamlNode? node, string section, string[] keys, Func<Dictionary<string, YamlNode>, YamlNode, T?> parse)
        where T : class
    {
        var result = new List<T>();
        if (node is null || YamlReader.IsNull(node) || reader.Sequence(node, section) is not { } items)
        {
            return result;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (reader.Mapping(item, $"an entry of \"{section}\"") is not { } map)
            {
                continue;
            }
            var fields = reader.Keys(map, $"an entry of \"{section}\"", keys);
            var name = Name(fields, item, section);
            if (name is not null && !seen.Add(name))
            {
                reader.Error(fields["name"], $"duplicate name \"{name}\" in \"{section}\"");
                continue;
            }
            if (name is not null && parse(fields, item) is { } value)
            {
                result.Add(value);
            }
        }
        return result;
    }

    private string? Name(Dictionary<string, YamlNode> fields, YamlNode item, string section)
    {
        if (!fields.TryGetValue("name", out var node))
        {
            reader.Error(item, $"an entry of \"{section}\" needs a \"name\"");
            return null;
        }
        var name = reader.String(node, "name");
        if (name is not null && !NamePattern().IsMatch(name))
        {
            reader.Error(node, $"invalid name \"{name}\" in \"{section}\": use letters, digits, '.', '_' or '-' (at most 100)");
            return null;
        }
        return name;
    }

    private OnCallUser? ParseUser(Dictionary<string, YamlNode> fields, YamlNode item)
    {
        var name = reader.String(fields["name"], "name")!;
        var fullName = fields.TryGetValue("full_name", out var fn) ? reader.String(fn, "full_name") ?? name : name;
        var zone = fields.TryGetValue("time_zone", out var tz) ? Zone(tz) : TimeZoneInfo.Utc;
        var contacts = new List<ContactMethod>();
        if (fields.TryGetValue("contacts", out var contactsNode) && !YamlReader.IsNull(contactsNode) && reader.Sequence(contactsNode, "contacts") is { } list)
        {
            foreach (var c in list)
            {
                if (Contact(c) is { } contact)
                {
                    contacts.Add(contact);
                }
            }
        }
        return zone is null ? null : new OnCallUser(name, fullName, zone, contacts);
    }

    private ContactMethod? Contact(YamlNode node)
    {
        if (node is not YamlMappingNode { Children.Count: 1 } map || map.Children.First() is not (YamlScalarNode { Value: { } kind }, var valueNode))
        {
            reader.Error(node, "a contact is one of: {email: a@example.com}, {webhook: https://...}, {chat: \"@handle\"}");
            return null;
        }
        var value = reader.String(valueNode, kind);
        if (value is null)
        {
            return null;
        }
        switch (kind)
        {
            case "email":
                if (!IsEmail(value))
                {
                    reader.Error(valueNode, $"invalid email address \"{value}\"");
                    return null;
                }
                return new ContactMethod(ContactKind.Email, value);
            case "webhook":
                if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    // The URL is a secret (a hook's token is in its path, as for receivers' URLs): the message names
                    // the field, not the value, since it reaches stderr, the reload answer and the log.
                    reader.Error(valueNode, "invalid webhook URL: a webhook contact must be an absolute http or https URL");
                    return null;
                }
                return new ContactMethod(ContactKind.Webhook, value);
            case "chat":
                if (value.Trim().Length == 0)
                {
                    reader.Error(valueNode, "a chat handle cannot be empty");
                    return null;
                }
                return new ContactMethod(ContactKind.Chat, value);
            default:
                reader.Error(map, $"unknown contact type \"{kind}\"; expected one of: email, webhook, chat");
                return null;
        }
    }

    private static bool IsEmail(string value) =>
        MailAddress.TryCreate(value, out var address) && address.Address == value && address.Host.Contains('.', StringComparison.Ordinal);

    private TimeZoneInfo? Zone(YamlNode node)
    {
        var id = reader.String(node, "time_zone");
        if (id is null)
        {
            return null;
        }
        // IANA ids only (what the docs promise); .NET on Linux reads them from the system tz database.
        if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && (id == "UTC" || id.Contains('/', StringComparison.Ordinal)))
        {
            return zone;
        }
        reader.Error(node, $"unknown time zone \"{id}\"; use an IANA name such as Europe/Berlin or America/New_York");
        return null;
    }

    private Team? ParseTeam(Dictionary<string, YamlNode> fields, YamlNode item, HashSet<string> users)
    {
        var name = reader.String(fields["name"], "name")!;
        var members = new List<TeamMember>();
        if (!fields.TryGetValue("members", out var membersNode) || YamlReader.IsNull(membersNode) || reader.Sequence(membersNode, "members") is not { } list)
        {
            return new Team(name, members);
        }
        foreach (var m in list)
        {
            // "- alice" is a member; "- {user: alice, role: manager}" sets the role.
            string? user;
            var role = TeamRole.Member;
            YamlNode at = m;
            if (m is YamlScalarNode)
            {
                user = reader.String(m, "members");
            }
            else if (reader.Mapping(m, "a team member") is { } map)
            {
                var keys = reader.Keys(map, "a team member", MemberKeys);
                if (!keys.TryGetValue("user", out var userNode))
                {
                    reader.Error(m, "a team member needs a \"user\"");
                    continue;
                }
                at = userNode;
                user = reader.String(userNode, "user");
                if (keys.TryGetValue("role", out var roleNode) && reader.String(roleNode, "role") is { } roleText)
                {
                    switch (roleText)
                    {
                        case "member":
                            break;
                        case "manager":
                            role = TeamRole.Manager;
                            break;
                        default:
                            reader.Error(roleNode, $"unknown team role \"{roleText}\"; expected member or manager");
                            break;
                    }
                }
            }
            else
            {
                continue;
            }
            if (user is null)
            {
                continue;
            }
            if (!users.Contains(user))
            {
                reader.Error(at, $"team \"{name}\" lists unknown user \"{user}\"; define it under \"users\"");
            }
            else if (members.Any(x => x.User == user))
            {
                reader.Error(at, $"user \"{user}\" is listed twice in team \"{name}\"");
            }
            else
            {
                members.Add(new TeamMember(user, role));
            }
        }
        return new Team(name, members);
    }

    private ServiceOwnership? ParseService(Dictionary<string, YamlNode> fields, YamlNode item, HashSet<string> teams)
    {
        var name = reader.String(fields["name"], "name")!;
        if (!fields.TryGetValue("team", out var teamNode))
        {
            reader.Error(item, $"service \"{name}\" needs an owning \"team\"");
            return null;
        }
        var team = reader.String(teamNode, "team");
        if (team is null)
        {
            return null;
        }
        if (!teams.Contains(team))
        {
            reader.Error(teamNode, $"service \"{name}\" is owned by unknown team \"{team}\"; define it under \"teams\"");
            return null;
        }
        var policy = fields.TryGetValue("escalation_policy", out var p) ? reader.String(p, "escalation_policy") : null;
        if (string.IsNullOrEmpty(policy))
        {
            return new ServiceOwnership(name, team, null);
        }
        EscalationPolicyReferences.Add((name, policy, p!));
        return new ServiceOwnership(name, team, policy);
    }

    private Schedule? ParseSchedule(Dictionary<string, YamlNode> fields, YamlNode item, HashSet<string> users, HashSet<string> teams)
    {
        var name = reader.String(fields["name"], "name")!;
        string? team = null;
        if (fields.TryGetValue("team", out var teamNode) && reader.String(teamNode, "team") is { } t)
        {
            if (!teams.Contains(t))
            {
                reader.Error(teamNode, $"schedule \"{name}\" belongs to unknown team \"{t}\"; define it under \"teams\"");
            }
            team = t;
        }
        if (!fields.TryGetValue("time_zone", out var tzNode))
        {
            reader.Error(item, $"schedule \"{name}\" needs a \"time_zone\" (an IANA name such as Europe/Berlin)");
            return null;
        }
        var zone = Zone(tzNode);
        var layers = new List<ScheduleLayer>();
        if (fields.TryGetValue("layers", out var layersNode) && !YamlReader.IsNull(layersNode) && reader.Sequence(layersNode, "layers") is { } list)
        {
            var index = 0;
            foreach (var l in list)
            {
                index++;
                if (reader.Mapping(l, "a schedule layer") is { } map && ParseLayer(reader.Keys(map, "a schedule layer", LayerKeys), l, index, name, users) is { } layer)
                {
                    if (layers.Any(x => x.Name == layer.Name))
                    {
                        reader.Error(l, $"schedule \"{name}\" has two layers named \"{layer.Name}\"");
                        continue;
                    }
                    layers.Add(layer);
                }
            }
        }
        return zone is null ? null : new Schedule(name, team, zone, layers);
    }

    private ScheduleLayer? ParseLayer(Dictionary<string, YamlNode> fields, YamlNode item, int index, string schedule, HashSet<string> users)
    {
        var name = fields.TryGetValue("name", out var n) ? reader.String(n, "name") ?? $"layer-{index}" : $"layer-{index}";
        var participants = new List<string>();
        if (fields.TryGetValue("users", out var usersNode) && !YamlReader.IsNull(usersNode) && reader.Sequence(usersNode, "users") is { } list)
        {
            foreach (var u in list)
            {
                if (reader.String(u, "users") is not { } user)
                {
                    continue;
                }
                if (!users.Contains(user))
                {
                    reader.Error(u, $"layer \"{name}\" of schedule \"{schedule}\" lists unknown user \"{user}\"; define it under \"users\"");
                    continue;
                }
                // The same user may appear twice (e.g. a 2-of-3 pattern), so duplicates are allowed.
                participants.Add(user);
            }
        }
        if (!fields.TryGetValue("rotation", out var rotationNode))
        {
            reader.Error(item, $"layer \"{name}\" needs a \"rotation\" (turn length such as 12h, 1d or 1w)");
            return null;
        }
        var turn = Turn(rotationNode);
        if (!fields.TryGetValue("start", out var startNode))
        {
            reader.Error(item, $"layer \"{name}\" needs a \"start\": the local date and time of the first handoff, e.g. 2025-01-06 09:00");
            return null;
        }
        var start = LocalDateTime(startNode);
        var restrictions = new List<Restriction>();
        if (fields.TryGetValue("restrictions", out var rNode) && !YamlReader.IsNull(rNode) && reader.Sequence(rNode, "restrictions") is { } rs)
        {
            foreach (var r in rs)
            {
                if (ParseRestriction(r) is { } restriction)
                {
                    restrictions.Add(restriction);
                }
            }
        }
        return turn is { } t && start is { } s ? new ScheduleLayer(name, participants, t, s, restrictions) : null;
    }

    private TurnLength? Turn(YamlNode node)
    {
        var text = reader.String(node, "rotation");
        if (text is null)
        {
            return null;
        }
        var match = TurnPattern().Match(text);
        if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is > 0 and <= 10000)
        {
            var unit = match.Groups[2].Value switch { "h" => TurnUnit.Hours, "d" => TurnUnit.Days, _ => TurnUnit.Weeks };
            return new TurnLength(count, unit);
        }
        reader.Error(node, $"invalid rotation \"{text}\": use a whole number of hours, days or weeks such as 12h, 1d, 2w");
        return null;
    }

    private static readonly string[] LocalFormats = ["yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd"];

    private DateTime? LocalDateTime(YamlNode node)
    {
        var text = reader.String(node, "start");
        if (text is null || !DateTime.TryParseExact(text, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            reader.Error(node, $"invalid start \"{text}\": use a local date and time in the schedule's zone, e.g. 2025-01-06 09:00 (no offset)");
            return null;
        }
        // A start at either end of the calendar (year 1 east of UTC, year 9999 west of it) has no instant, and made every
        // read of who is on call, escalation paging included, fail.
        if (!ScheduleCalendar.Contains(value))
        {
            reader.Error(node, $"start \"{text}\" is outside the years {ScheduleCalendar.Years} that schedules are computed for");
            return null;
        }
        return DateTime.SpecifyKind(value, DateTimeKind.Unspecified);
    }

    private Restriction? ParseRestriction(YamlNode node)
    {
        if (node is not YamlMappingNode { Children.Count: 1 } map || map.Children.First() is not (YamlScalarNode { Value: { } kind }, var valueNode)
            || kind is not ("daily" or "weekly"))
        {
            reader.Error(node, "a restriction is {daily: \"09:00-17:00\"} or {weekly: \"Mon 09:00-Fri 17:00\"}");
            return null;
        }
        var text = reader.String(valueNode, kind);
        if (text is null)
        {
            return null;
        }
        if (kind == "daily")
        {
            var m = DailyPattern().Match(text);
            if (m.Success && Time(m.Groups[1].Value) is { } s && Time(m.Groups[2].Value) is { } e)
            {
                return Restriction.Daily(s, e);
            }
            reader.Error(valueNode, $"invalid daily restriction \"{text}\": use HH:MM-HH:MM, e.g. 09:00-17:00 (22:00-06:00 spans midnight)");
            return null;
        }
        var w = WeeklyPattern().Match(text);
        if (w.Success && Day(w.Groups[1].Value) is { } sd && Time(w.Groups[2].Value) is { } st && Day(w.Groups[3].Value) is { } ed && Time(w.Groups[4].Value) is { } et)
        {
            return Restriction.Week(sd, st, ed, et);
        }
        reader.Error(valueNode, $"invalid weekly restriction \"{text}\": use \"Day HH:MM-Day HH:MM\", e.g. Mon 09:00-Fri 17:00");
        return null;
    }

    private static TimeOnly? Time(string text) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t
        : text == "24:00" ? TimeOnly.MinValue : null;

    private static DayOfWeek? Day(string text) => text.ToLowerInvariant() switch
    {
        "mon" or "monday" => DayOfWeek.Monday,
        "tue" or "tuesday" => DayOfWeek.Tuesday,
        "wed" or "wednesday" => DayOfWeek.Wednesday,
        "thu" or "thursday" => DayOfWeek.Thursday,
        "fri" or "friday" => DayOfWeek.Friday,
        "sat" or "saturday" => DayOfWeek.Saturday,
        "sun" or "sunday" => DayOfWeek.Sunday,
        _ => null,
    };

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^\s*(\d+)\s*([hdw])\s*$")]
    private static partial Regex TurnPattern();

    [GeneratedRegex(@"^\s*(\d\d:\d\d)\s*-\s*(\d\d:\d\d)\s*$")]
    private static partial Regex DailyPattern();

    [GeneratedRegex(@"^\s*([A-Za-z]+)\s+(\d\d:\d\d)\s*-\s*([A-Za-z]+)\s+(\d\d:\d\d)\s*$")]
    private static partial Regex WeeklyPattern();
}
