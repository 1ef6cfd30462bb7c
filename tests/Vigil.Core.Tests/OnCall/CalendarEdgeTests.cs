using Vigil.Core.OnCall;
using static Vigil.Core.Tests.OnCall.S;

namespace Vigil.Core.Tests.OnCall;

/// <summary>
/// Schedules at the ends of the calendar. The config and the API keep to the years 1900-8999, but the computation
/// itself must not throw there: a layer starting in year 1 east of UTC (whose first instant is in year 0) made every
/// read of who is on call fail, escalation paging included.
/// </summary>
public class CalendarEdgeTests
{
    private static readonly string[] Zones = ["UTC", "Asia/Tokyo", "Pacific/Kiritimati", "America/New_York", "Pacific/Pago_Pago"];

    [Fact]
    public void A_local_time_whose_instant_is_outside_the_calendar_is_the_calendars_first_or_last_instant()
    {
        Assert.Equal(DateTimeOffset.MinValue, ZonedTime.ToInstant(Local("0001-01-01 00:00"), Zone("Asia/Tokyo")));
        Assert.Equal(DateTimeOffset.MaxValue, ZonedTime.ToInstant(DateTime.MaxValue, Zone("America/New_York")));
        Assert.Equal(Utc("2025-01-06T00:00"), ZonedTime.ToInstant(Local("2025-01-06 09:00"), Zone("Asia/Tokyo")));
    }

    [Fact]
    public void Hourly_turns_of_a_layer_starting_in_year_one_east_of_utc_keep_their_exact_handoffs()
    {
        // 0001-01-01 00:00 in Tokyo (local mean time, +09:18) is before the calendar's first instant; handoffs keep that offset.
        var schedule = Schedule("Asia/Tokyo", Layer("l", "0001-01-01 00:00", Hours(12), "alice", "bob"));
        var offset = Zone("Asia/Tokyo").GetUtcOffset(DateTime.MinValue);
        var twelve = TimeSpan.FromHours(12).Ticks;
        var firstHandoffOfDay = ((-offset.Ticks % twelve) + twelve) % twelve;

        var entries = FinalSchedule.Compute(schedule, [], [], Utc("2025-03-01T00:00"), Utc("2025-03-02T00:00"));

        Assert.All(entries.Skip(1), e => Assert.Equal(firstHandoffOfDay, e.Start.UtcTicks % twelve));
        Assert.All(entries, e => Assert.Contains(e.User, new[] { "alice", "bob" }));
    }

    public static TheoryData<string> EveryZone() => [.. Zones];

    [Theory]
    [MemberData(nameof(EveryZone))]
    public void Layers_starting_or_asked_about_at_either_end_of_the_calendar_compute_without_throwing(string zone)
    {
        var daily = Restriction.Daily(new TimeOnly(9, 0), new TimeOnly(17, 0));
        var weekly = Restriction.Week(DayOfWeek.Friday, new TimeOnly(18, 0), DayOfWeek.Monday, new TimeOnly(8, 0));
        var schedule = new Schedule("s", null, Zone(zone),
        [
            Layer("hours-from-year-1", "0001-01-01 00:00", Hours(12), "alice", "bob"),
            Layer("days-from-year-1", "0001-01-01 00:00", Days(1), "carol") with { Restrictions = [daily] },
            Layer("weeks-near-9999", "9999-12-20 00:00", Weeks(1), "dave", "erin") with { Restrictions = [weekly] },
            Layer("long-turns-near-9999", "9999-01-01 00:00", Weeks(10000), "frank"),
        ]);
        var ranges = new[]
        {
            (DateTimeOffset.MinValue, DateTimeOffset.MinValue.AddDays(60)),
            (Utc("2025-03-01T00:00"), Utc("2025-04-01T00:00")),
            (DateTimeOffset.MaxValue.AddDays(-60), DateTimeOffset.MaxValue),
        };

        foreach (var (from, to) in ranges)
        {
            var entries = FinalSchedule.Compute(schedule, [], [], from, to);

            Assert.NotEmpty(entries);
            Assert.All(entries, e => Assert.True(from <= e.Start && e.Start < e.End && e.End <= to, $"{e} inside [{from:O}, {to:O})"));
            Assert.Equal(entries.OrderBy(e => e.Start), entries);
        }
    }
}
