using System.Globalization;
using Vigil.Core.OnCall;
using Vigil.Core.Security;
using Vigil.Server.Api.Alertmanager;
using Vigil.Server.Auth;
using Vigil.Server.OnCall;

namespace Vigil.Server.Api.OnCall;

/// <summary>The read side: who is on call, schedules and their final schedule, teams, users and the iCalendar feed.</summary>
public static class OnCallEndpoints
{
    public static void MapOnCall(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/oncall", GetOnCall).RequireRole(Role.Viewer);
        app.MapGet("/api/v1/schedules", ListSchedules).RequireRole(Role.Viewer);
        app.MapGet("/api/v1/schedules/{name}/final", GetFinal).RequireRole(Role.Viewer);
        app.MapGet("/api/v1/schedules/{name}/ical", GetICal).RequireRole(Role.Viewer);
        app.MapGet("/api/v1/teams", ListTeams).RequireRole(Role.Viewer);
        app.MapGet("/api/v1/users", ListUsers).RequireRole(Role.Viewer);
        app.MapOverrides();
        app.MapSwaps();
    }

    private static async Task<IResult> GetOnCall(ScheduleReader reader, TimeProvider time, string? schedule, string? at, string? from, string? to, CancellationToken ct)
    {
        var directory = reader.Directory;
        if (at is not null && (from is not null || to is not null))
        {
            return Problems.BadRequest("Use either at=T or from=A&to=B, not both.");
        }
        if (from is not null || to is not null)
        {
            if (schedule is null)
            {
                return Problems.BadRequest("from/to need a schedule=NAME.");
            }
            if (Find(directory, schedule, out var s) is { } missing)
            {
                return missing;
            }
            if (Range(from, to, time.GetUtcNow(), TimeSpan.FromDays(1), out var range) is { } bad)
            {
                return bad;
            }
            var view = await reader.FinalAsync(s!, range.From, range.To, ct);
            return Results.Json(new OnCallRangeDto(s!.Name, range.From, range.To, Entries(view, directory)), OnCallJson.Default.OnCallRangeDto);
        }
        var instant = time.GetUtcNow();
        if (at is not null && !RfcTime.TryParse(at, out instant))
        {
            return Problems.BadRequest($"at=\"{at}\" is not an RFC 3339 time (e.g. 2025-01-06T09:00:00Z).");
        }
        if (OutsideCalendar(instant, "at") is { } outside)
        {
            return outside;
        }
        List<Schedule> schedules;
        if (schedule is not null)
        {
            if (Find(directory, schedule, out var s) is { } missing)
            {
                return missing;
            }
            schedules = [s!];
        }
        else
        {
            schedules = [.. directory.Schedules];
        }
        var result = new List<OnCallDto>();
        foreach (var s in schedules)
        {
            result.Add(await NowAsync(reader, s, instant, ct));
        }
        return Results.Json(new OnCallNowDto(instant, result), OnCallJson.Default.OnCallNowDto);
    }

    private static async Task<OnCallDto> NowAsync(ScheduleReader reader, Schedule schedule, DateTimeOffset at, CancellationToken ct)
    {
        // The whole shift, handoff to handoff: it was looked for only a month either side, so a 12-week turn was
        // reported as starting 31 days before `at`.
        if (await reader.ShiftAtAsync(schedule, at, ct) is not { } e)
        {
            return new OnCallDto(schedule.Name, null, null, null, null, null, null);
        }
        return new OnCallDto(schedule.Name, e.User, reader.Directory.FindUser(e.User)?.FullName ?? e.User, Source(e.Source), e.Layer, e.Start, e.End);
    }

    private static async Task<IResult> ListSchedules(ScheduleReader reader, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var result = new List<ScheduleDto>();
        foreach (var s in reader.Directory.Schedules)
        {
            var layers = s.Layers.Select(l => new LayerDto(l.Name, [.. l.Users], l.Turn.ToString(),
                l.Start.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), [.. l.Restrictions.Select(Describe)])).ToList();
            result.Add(new ScheduleDto(s.Name, s.Team, s.TimeZone.Id, layers, await NowAsync(reader, s, now, ct)));
        }
        return Results.Json(result, OnCallJson.Default.ListScheduleDto);
    }

    private static async Task<IResult> GetFinal(string name, ScheduleReader reader, TimeProvider time, string? from, string? to, CancellationToken ct)
    {
        var directory = reader.Directory;
        if (Find(directory, name, out var schedule) is { } missing)
        {
            return missing;
        }
        if (Range(from, to, time.GetUtcNow(), TimeSpan.FromDays(14), out var range) is { } bad)
        {
            return bad;
        }
        var view = await reader.FinalAsync(schedule!, range.From, range.To, ct);
        return Results.Json(new FinalScheduleDto(schedule!.Name, schedule.TimeZone.Id, range.From, range.To, Entries(view, directory),
            [.. view.Gaps.Select(g => new GapDto(g.Start, g.End))], [.. view.Overrides.Select(OverrideEndpoints.Dto)],
            [.. view.Swaps.Select(SwapEndpoints.Dto)]), OnCallJson.Default.FinalScheduleDto);
    }

    private static async Task<IResult> GetICal(string name, ScheduleReader reader, TimeProvider time, CancellationToken ct)
    {
        var directory = reader.Directory;
        if (Find(directory, name, out var schedule) is { } missing)
        {
            return missing;
        }
        // A calendar subscription shows the recent past and the coming two months.
        var now = time.GetUtcNow();
        var view = await reader.FinalAsync(schedule!, now.AddDays(-7), now.AddDays(60), ct);
        return Results.Text(ICalendarFeed.Write(view, directory, now), "text/calendar; charset=utf-8");
    }

    private static IResult ListTeams(ScheduleReader reader)
    {
        var d = reader.Directory;
        return Results.Json(d.Teams.Select(t => new TeamDto(t.Name,
            [.. t.Members.Select(m => new MemberDto(m.User, m.Role == TeamRole.Manager ? "manager" : "member"))],
            [.. d.Services.Where(s => s.Team == t.Name).Select(s => s.Service)],
            [.. d.Schedules.Where(s => s.Team == t.Name).Select(s => s.Name)])).ToList(), OnCallJson.Default.ListTeamDto);
    }

    private static IResult ListUsers(ScheduleReader reader)
    {
        var d = reader.Directory;
        return Results.Json(d.Users.Select(u => new UserDto(u.Name, u.FullName, u.TimeZone.Id,
            [.. u.Contacts.Select(c => new ContactDto(c.Kind.ToString().ToLowerInvariant(), ShownContact(c)))],
            [.. d.Teams.Where(t => t.Members.Any(m => m.User == u.Name)).Select(t => t.Name)])).ToList(), OnCallJson.Default.ListUserDto);
    }

    /// <summary>A webhook contact is a URL whose path or query usually is its key: viewers see where it goes, not the
    /// key (the config file has it).</summary>
    private static string ShownContact(ContactMethod contact) =>
        contact.Kind is not ContactKind.Webhook ? contact.Value
        : Uri.TryCreate(contact.Value, UriKind.Absolute, out var url) ? $"{url.Scheme}://{url.Host}{(url.IsDefaultPort ? "" : ":" + url.Port)}/<secret>"
        : "<secret>";

    internal static List<EntryDto> Entries(FinalView view, OnCallDirectory directory) =>
        [.. view.Entries.Select(e => new EntryDto(e.User, directory.FindUser(e.User)?.FullName ?? e.User, e.Start, e.End, Source(e.Source), e.Layer, e.ReferenceId))];

    private static string Source(EntrySource source) => source.ToString().ToLowerInvariant();

    internal static IResult? Find(OnCallDirectory directory, string name, out Schedule? schedule)
    {
        schedule = directory.FindSchedule(name);
        return schedule is null ? Problems.NotFound($"No schedule \"{name}\"; GET /api/v1/schedules lists them.") : null;
    }

    /// <summary>Parses from/to (defaults: now and now + <paramref name="length"/>) and checks order and length.</summary>
    internal static IResult? Range(string? from, string? to, DateTimeOffset now, TimeSpan length, out (DateTimeOffset From, DateTimeOffset To) range)
    {
        range = default;
        var start = now;
        if (from is not null && !RfcTime.TryParse(from, out start))
        {
            return Problems.BadRequest($"from=\"{from}\" is not an RFC 3339 time (e.g. 2025-01-06T09:00:00Z).");
        }
        if (OutsideCalendar(start, "from") is { } outside)
        {
            return outside;
        }
        var end = start + length;
        if (to is not null && !RfcTime.TryParse(to, out end))
        {
            return Problems.BadRequest($"to=\"{to}\" is not an RFC 3339 time (e.g. 2025-01-20T09:00:00Z).");
        }
        return Check(start, end, out range);
    }

    internal static IResult? Check(DateTimeOffset start, DateTimeOffset end, out (DateTimeOffset From, DateTimeOffset To) range)
    {
        range = default;
        if ((OutsideCalendar(start, "start") ?? OutsideCalendar(end, "end")) is { } outside)
        {
            return outside;
        }
        range = (start.ToUniversalTime(), end.ToUniversalTime());
        if (end <= start)
        {
            return Problems.BadRequest("The range is empty or reversed: the start must be before the end.");
        }
        if (end - start > ScheduleReader.MaxRange)
        {
            return Problems.BadRequest($"The range is longer than {ScheduleReader.MaxRange.TotalDays:0} days; ask for a shorter one.");
        }
        return null;
    }

    // Schedules are computed months either side of an instant and walked from each layer's start: times near the ends of
    // the calendar (year 1 or 9999) overflowed that arithmetic (a 500, found by a bad-input sweep). The config keeps
    // layer starts to the same years.
    private static IResult? OutsideCalendar(DateTimeOffset time, string name) => !ScheduleCalendar.Contains(time)
        ? Problems.BadRequest($"{name} {time:O} is outside the years {ScheduleCalendar.Years} that schedules are computed for.")
        : null;

    private static string Describe(Restriction r) => r.Weekly
        ? $"weekly {r.StartDay.ToString()[..3]} {r.StartTime:HH\\:mm}-{r.EndDay.ToString()[..3]} {r.EndTime:HH\\:mm}"
        : $"daily {r.StartTime:HH\\:mm}-{r.EndTime:HH\\:mm}";
}
