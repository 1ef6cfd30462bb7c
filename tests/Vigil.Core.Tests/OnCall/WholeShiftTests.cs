using Vigil.Core.OnCall;
using static Vigil.Core.Tests.OnCall.S;

namespace Vigil.Core.Tests.OnCall;

/// <summary>
/// The whole shift around an instant, as "who is on call" reports it: a review found a 12-week turn reported as
/// starting 31 days before the instant asked about.
/// </summary>
public class WholeShiftTests
{
    private static FinalEntry? At(Schedule schedule, DateTimeOffset at, IReadOnlyCollection<ScheduleOverride>? overrides = null) =>
        WholeShift.At(schedule, overrides ?? [], [], at);

    [Fact]
    public void A_twelve_week_turn_is_reported_from_handoff_to_handoff()
    {
        var schedule = Schedule("UTC", Layer("l", "2025-01-06 00:00", Weeks(12), "alice", "bob"));

        var shift = At(schedule, Utc("2025-03-01T00:00"));

        Assert.Equal(("alice", Utc("2025-01-06T00:00"), Utc("2025-03-31T00:00")), (shift!.User, shift.Start, shift.End));
    }

    [Fact]
    public void A_half_year_turn_in_a_zone_with_dst_ends_at_its_local_handoff()
    {
        var schedule = Schedule("Europe/Berlin", Layer("l", "2025-01-06 09:00", Weeks(26), "alice", "bob"));

        var shift = At(schedule, Utc("2025-09-01T00:00"));

        // Bob from 2025-07-07 09:00 CEST (07:00Z) to 2026-01-05 09:00 CET (08:00Z).
        Assert.Equal(("bob", Utc("2025-07-07T07:00"), Utc("2026-01-05T08:00")), (shift!.User, shift.Start, shift.End));
    }

    [Fact]
    public void Restrictions_and_overrides_cut_the_shift_reported()
    {
        var restricted = Layer("l", "2025-01-06 00:00", Weeks(12), "alice") with { Restrictions = [Restriction.Daily(new TimeOnly(9, 0), new TimeOnly(17, 0))] };
        var schedule = Schedule("UTC", restricted);
        var cover = Override("o1", "carol", Utc("2025-03-03T12:00"), Utc("2025-03-03T14:00"), Utc("2025-03-01T00:00"));

        Assert.Equal((Utc("2025-03-01T09:00"), Utc("2025-03-01T17:00")), Span(At(schedule, Utc("2025-03-01T10:00"))));
        Assert.Equal(("carol", Utc("2025-03-03T12:00"), Utc("2025-03-03T14:00")),
            At(schedule, Utc("2025-03-03T13:00"), [cover]) is { } o ? (o.User, o.Start, o.End) : default);
        Assert.Equal((Utc("2025-03-03T09:00"), Utc("2025-03-03T12:00")), Span(At(schedule, Utc("2025-03-03T10:00"), [cover])));
        Assert.Null(At(schedule, Utc("2025-03-01T18:00")));
    }

    [Fact]
    public void A_shift_that_never_hands_off_is_reported_cut_at_the_reach()
    {
        var schedule = Schedule("UTC", Layer("l", "2020-01-06 00:00", Days(1), "alice"));
        var at = Utc("2025-03-01T00:00");

        Assert.Equal((at - WholeShift.Reach, at + WholeShift.Reach), Span(At(schedule, at)));
    }

    private static (DateTimeOffset, DateTimeOffset) Span(FinalEntry? e) => (e!.Start, e.End);
}
