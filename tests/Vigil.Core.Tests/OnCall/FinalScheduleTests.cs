using Vigil.Core.OnCall;
using static Vigil.Core.Tests.OnCall.S;

namespace Vigil.Core.Tests.OnCall;

public class FinalScheduleTests
{
    private static IReadOnlyList<FinalEntry> Compute(Schedule schedule, DateTimeOffset from, DateTimeOffset to,
        IEnumerable<ScheduleOverride>? overrides = null, IEnumerable<ShiftSwap>? swaps = null) =>
        FinalSchedule.Compute(schedule, overrides ?? [], swaps ?? [], from, to);

    [Fact]
    public void Daily_turns_rotate_through_participants_in_order()
    {
        var schedule = Schedule("UTC", Layer("primary", "2025-01-01 09:00", Days(1), "alice", "bob", "carol"));

        var entries = Compute(schedule, Utc("2025-01-01T09:00"), Utc("2025-01-05T09:00"));

        Assert.Equal(["alice", "bob", "carol", "alice"], entries.Select(e => e.User));
        Assert.All(entries, e => Assert.Equal(TimeSpan.FromDays(1), e.End - e.Start));
        Assert.All(entries, e => Assert.Equal("primary", e.Layer));
    }

    [Fact]
    public void Nobody_is_on_call_before_the_layer_starts()
    {
        var schedule = Schedule("UTC", Layer("primary", "2025-01-02 00:00", Days(1), "alice"));

        var entries = Compute(schedule, Utc("2025-01-01T00:00"), Utc("2025-01-03T00:00"));
        var gaps = FinalSchedule.Gaps(entries, Utc("2025-01-01T00:00"), Utc("2025-01-03T00:00"));

        Assert.Equal(Utc("2025-01-02T00:00"), Assert.Single(entries).Start);
        Assert.Equal(new ScheduleGap(Utc("2025-01-01T00:00"), Utc("2025-01-02T00:00")), Assert.Single(gaps));
    }

    [Fact]
    public void One_day_turn_across_spring_forward_in_Berlin_lasts_23_hours_and_hands_off_at_local_9()
    {
        var schedule = Schedule("Europe/Berlin", Layer("primary", "2025-03-28 09:00", Days(1), "alice", "bob"));

        var entries = Compute(schedule, Utc("2025-03-28T00:00"), Utc("2025-04-01T00:00"));

        // 2025-03-30 02:00 CET → 03:00 CEST. Bob's turn 29th 09:00 CET (08:00Z) → 30th 09:00 CEST (07:00Z).
        var bob = entries.Single(e => e.User == "bob" && e.Start == Utc("2025-03-29T08:00"));
        Assert.Equal(Utc("2025-03-30T07:00"), bob.End);
        Assert.Equal(TimeSpan.FromHours(23), bob.End - bob.Start);
        Assert.All(entries.Skip(1), e => Assert.Equal(9, TimeZoneInfo.ConvertTime(e.Start, Zone("Europe/Berlin")).Hour));
    }

    [Fact]
    public void One_day_turn_across_fall_back_in_New_York_lasts_25_hours()
    {
        var schedule = Schedule("America/New_York", Layer("primary", "2025-10-31 09:00", Days(1), "alice", "bob"));

        var entries = Compute(schedule, Utc("2025-11-01T00:00"), Utc("2025-11-04T00:00"));

        // 2025-11-02 02:00 EDT → 01:00 EST. Bob: 1st 09:00 EDT (13:00Z) → 2nd 09:00 EST (14:00Z).
        var bob = entries.Single(e => e.User == "bob" && e.Start == Utc("2025-11-01T13:00"));
        Assert.Equal(TimeSpan.FromHours(25), bob.End - bob.Start);
    }

    [Fact]
    public void Hour_turns_are_elapsed_time_across_DST()
    {
        var schedule = Schedule("Europe/Berlin", Layer("primary", "2025-03-30 00:00", Hours(12), "alice", "bob"));

        var entries = Compute(schedule, Utc("2025-03-29T23:00"), Utc("2025-03-31T11:00"));

        Assert.All(entries, e => Assert.Equal(TimeSpan.FromHours(12), e.End - e.Start));
        Assert.Equal(["alice", "bob", "alice"], entries.Select(e => e.User));
    }

    [Fact]
    public void Handoff_in_the_spring_forward_gap_moves_forward_and_an_ambiguous_one_takes_the_first_occurrence()
    {
        var berlin = Schedule("Europe/Berlin", Layer("p", "2025-03-29 02:30", Days(1), "alice", "bob"));
        var bob = Compute(berlin, Utc("2025-03-29T00:00"), Utc("2025-04-01T00:00")).Single(e => e.User == "bob");
        // 02:30 does not exist on the 30th: the handoff happens at 03:30 CEST = 01:30Z.
        Assert.Equal(Utc("2025-03-30T01:30"), bob.Start);

        var newYork = Schedule("America/New_York", Layer("p", "2025-11-01 01:30", Days(1), "alice", "bob"));
        var bobNy = Compute(newYork, Utc("2025-11-01T00:00"), Utc("2025-11-03T12:00")).Single(e => e.User == "bob");
        // 01:30 happens twice on the 2nd: the first (EDT, 05:30Z) is the handoff.
        Assert.Equal(Utc("2025-11-02T05:30"), bobNy.Start);
    }

    [Fact]
    public void Leap_day_is_a_day_of_its_own_in_a_daily_rotation_and_a_valid_weekly_start()
    {
        var daily = Schedule("UTC", Layer("p", "2024-02-27 00:00", Days(1), "alice", "bob", "carol"));
        var feb29 = Compute(daily, Utc("2024-02-29T00:00"), Utc("2024-03-01T00:00"));
        Assert.Equal("carol", Assert.Single(feb29).User);

        var weekly = Schedule("UTC", Layer("p", "2024-02-29 12:00", Weeks(1), "alice", "bob"));
        var entries = Compute(weekly, Utc("2024-02-29T12:00"), Utc("2024-03-14T12:00"));
        Assert.Equal([Utc("2024-02-29T12:00"), Utc("2024-03-07T12:00")], entries.Select(e => e.Start));
    }

    [Fact]
    public void Later_layers_take_precedence_only_where_they_have_someone()
    {
        var schedule = Schedule("UTC",
            Layer("base", "2025-01-06 00:00", Weeks(1), "alice"),
            new ScheduleLayer("business", ["bob"], Days(1), Local("2025-01-06 00:00"), [Restriction.Daily(new(9, 0), new(17, 0))]));

        var entries = Compute(schedule, Utc("2025-01-06T00:00"), Utc("2025-01-07T00:00"));

        Assert.Equal(
            [("alice", "00:00", "09:00"), ("bob", "09:00", "17:00"), ("alice", "17:00", "00:00")],
            entries.Select(e => (e.User, e.Start.ToString("HH:mm"), e.End.ToString("HH:mm"))));
    }

    [Fact]
    public void Daily_restriction_spanning_midnight_covers_the_night_only()
    {
        var schedule = Schedule("Europe/Berlin",
            new ScheduleLayer("night", ["alice"], Days(1), Local("2025-01-01 00:00"), [Restriction.Daily(new(22, 0), new(6, 0))]));

        var entries = Compute(schedule, Utc("2025-01-02T00:00"), Utc("2025-01-04T00:00"));

        // Berlin is UTC+1 in January: 22:00–06:00 local is 21:00Z–05:00Z.
        Assert.Equal(
            [(Utc("2025-01-02T00:00"), Utc("2025-01-02T05:00")), (Utc("2025-01-02T21:00"), Utc("2025-01-03T05:00")), (Utc("2025-01-03T21:00"), Utc("2025-01-04T00:00"))],
            entries.Select(e => (e.Start, e.End)));
    }

    [Fact]
    public void Weekly_restriction_Mon_to_Fri_leaves_the_weekend_as_a_gap()
    {
        var schedule = Schedule("UTC",
            new ScheduleLayer("weekdays", ["alice"], Weeks(1), Local("2025-01-06 00:00"),
                [Restriction.Week(DayOfWeek.Monday, new(9, 0), DayOfWeek.Friday, new(17, 0))]));
        var (from, to) = (Utc("2025-01-06T00:00"), Utc("2025-01-13T00:00"));

        var entries = Compute(schedule, from, to);
        var gaps = FinalSchedule.Gaps(entries, from, to);

        var entry = Assert.Single(entries);
        Assert.Equal((Utc("2025-01-06T09:00"), Utc("2025-01-10T17:00")), (entry.Start, entry.End));
        Assert.Equal([new ScheduleGap(from, Utc("2025-01-06T09:00")), new ScheduleGap(Utc("2025-01-10T17:00"), to)], gaps);
    }

    [Fact]
    public void Weekly_restriction_spanning_the_week_end_wraps_into_the_next_week()
    {
        var schedule = Schedule("UTC",
            new ScheduleLayer("weekend", ["alice"], Weeks(1), Local("2025-01-06 00:00"),
                [Restriction.Week(DayOfWeek.Friday, new(18, 0), DayOfWeek.Monday, new(8, 0))]));

        var entry = Assert.Single(Compute(schedule, Utc("2025-01-08T00:00"), Utc("2025-01-14T00:00")));

        Assert.Equal((Utc("2025-01-10T18:00"), Utc("2025-01-13T08:00")), (entry.Start, entry.End));
    }

    [Fact]
    public void Empty_schedule_and_a_layer_without_participants_are_all_gap()
    {
        var (from, to) = (Utc("2025-01-01T00:00"), Utc("2025-01-02T00:00"));
        Assert.Empty(Compute(Schedule("UTC"), from, to));
        var empty = Compute(Schedule("UTC", Layer("nobody", "2025-01-01 00:00", Days(1))), from, to);
        Assert.Empty(empty);
        Assert.Equal(new ScheduleGap(from, to), Assert.Single(FinalSchedule.Gaps(empty, from, to)));
    }

    [Fact]
    public void Overlapping_overrides_the_latest_created_wins_and_overrides_cover_gaps()
    {
        var schedule = Schedule("UTC", Layer("p", "2025-01-01 00:00", Days(1), "alice"));
        var older = Override("o1", "bob", Utc("2025-01-01T10:00"), Utc("2025-01-01T14:00"), Utc("2024-12-01T00:00"));
        var newer = Override("o2", "carol", Utc("2025-01-01T12:00"), Utc("2025-01-01T16:00"), Utc("2024-12-02T00:00"));

        var entries = Compute(schedule, Utc("2025-01-01T00:00"), Utc("2025-01-02T00:00"), [newer, older]);

        Assert.Equal(
            [("alice", 0, 10, EntrySource.Layer), ("bob", 10, 12, EntrySource.Override), ("carol", 12, 16, EntrySource.Override), ("alice", 16, 0, EntrySource.Layer)],
            entries.Select(e => (e.User, e.Start.Hour, e.End.Hour, e.Source)));

        var gapFill = Compute(Schedule("UTC"), Utc("2025-01-01T00:00"), Utc("2025-01-02T00:00"), [older]);
        Assert.Equal(("bob", EntrySource.Override, (string?)null), (Assert.Single(gapFill).User, gapFill[0].Source, gapFill[0].Layer));
    }

    [Fact]
    public void Deleted_overrides_and_unaccepted_swaps_have_no_effect()
    {
        var schedule = Schedule("UTC", Layer("p", "2025-01-01 00:00", Days(1), "alice"));
        var (from, to) = (Utc("2025-01-01T00:00"), Utc("2025-01-02T00:00"));
        var deleted = Override("o1", "bob", from, to, from) with { DeletedAt = from };
        var requested = Swap("w1", "alice", "carol", from, to, from) with { Status = SwapStatus.Requested };

        Assert.Equal("alice", Assert.Single(Compute(schedule, from, to, [deleted], [requested])).User);
    }

    [Fact]
    public void Swap_hands_the_from_users_shifts_in_its_range_to_the_other_user()
    {
        var schedule = Schedule("UTC", Layer("p", "2025-01-01 00:00", Days(1), "alice", "bob"));
        var swap = Swap("w1", "alice", "carol", Utc("2025-01-01T00:00"), Utc("2025-01-05T00:00"), Utc("2024-12-31T00:00"));

        var entries = Compute(schedule, Utc("2025-01-01T00:00"), Utc("2025-01-07T00:00"), swaps: [swap]);

        Assert.Equal(["carol", "bob", "carol", "bob", "alice", "bob"], entries.Select(e => e.User));
        Assert.Equal(EntrySource.Swap, entries[0].Source);
        Assert.Equal("w1", entries[0].ReferenceId);
        Assert.Equal("p", entries[0].Layer);
    }

    [Fact]
    public void Swap_follows_an_edit_of_the_rotation_and_applies_to_nothing_when_the_shift_is_gone()
    {
        var range = (Utc("2025-01-01T00:00"), Utc("2025-01-03T00:00"));
        var swap = Swap("w1", "alice", "carol", range.Item1, range.Item2, Utc("2024-12-31T00:00"));

        // Before the edit alice has the 1st; after reordering she has the 2nd: the swap moves with her shift.
        var before = Compute(Schedule("UTC", Layer("p", "2025-01-01 00:00", Days(1), "alice", "bob")), range.Item1, range.Item2, swaps: [swap]);
        var after = Compute(Schedule("UTC", Layer("p", "2025-01-01 00:00", Days(1), "bob", "alice")), range.Item1, range.Item2, swaps: [swap]);
        var removed = Compute(Schedule("UTC", Layer("p", "2025-01-01 00:00", Days(1), "bob", "dave")), range.Item1, range.Item2, swaps: [swap]);

        Assert.Equal(["carol", "bob"], before.Select(e => e.User));
        Assert.Equal(["bob", "carol"], after.Select(e => e.User));
        Assert.Equal(["bob", "dave"], removed.Select(e => e.User));
    }

    [Fact]
    public void Override_wins_over_a_swap()
    {
        var schedule = Schedule("UTC", Layer("p", "2025-01-01 00:00", Days(1), "alice"));
        var (from, to) = (Utc("2025-01-01T00:00"), Utc("2025-01-02T00:00"));

        var entries = Compute(schedule, from, to, [Override("o", "dave", from, to, from)], [Swap("w", "alice", "carol", from, to, to)]);

        Assert.Equal(("dave", EntrySource.Override), (Assert.Single(entries).User, entries[0].Source));
    }

    [Fact]
    public void OnCallAt_answers_who_is_on_call_at_an_instant()
    {
        var schedule = Schedule("UTC", Layer("p", "2025-01-01 00:00", Days(1), "alice", "bob"));

        Assert.Equal("bob", FinalSchedule.OnCallAt(schedule, [], [], Utc("2025-01-02T13:00"))?.User);
        Assert.Null(FinalSchedule.OnCallAt(schedule, [], [], Utc("2024-12-31T13:00")));
    }
}
