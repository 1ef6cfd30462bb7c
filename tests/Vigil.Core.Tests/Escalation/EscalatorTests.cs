using Vigil.Core.Escalation;

namespace Vigil.Core.Tests.Escalation;

public class EscalatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static readonly EscalationPolicy TwoLevels = new(
        "checkout",
        [
            new EscalationLevel([new EscalationTarget.Schedule("primary")], TimeSpan.FromMinutes(5)),
            new EscalationLevel([new EscalationTarget.User("manager")], TimeSpan.FromMinutes(10)),
        ]);

    private static EscalationContext Context(
        Dictionary<string, string[]>? onCall = null,
        Dictionary<string, string[]>? teams = null,
        int alerts = 1,
        Dictionary<string, int>? cursors = null,
        Dictionary<string, string>? unreachable = null) =>
        new(
            (schedule, _) => onCall?.GetValueOrDefault(schedule) ?? (schedule == "primary" ? ["alice"] : []),
            team => teams?.GetValueOrDefault(team) ?? [],
            _ => alerts,
            key => cursors?.GetValueOrDefault(key) ?? 0,
            user => unreachable?.GetValueOrDefault(user));

    [Fact]
    public void Level_one_is_paged_at_once_and_level_two_after_its_delay()
    {
        var state = Escalator.Start(7, TwoLevels, T0);

        var first = Escalator.Fire(state, TwoLevels, Context(), T0);
        var notice = Assert.Single(first.Notices);
        Assert.Equal(("alice", 0, 1), (notice.User, notice.Level, notice.Step));
        Assert.Contains("on call on primary", notice.Reason);
        Assert.Equal(T0.AddMinutes(5), first.State.NextDueAt);

        var early = Escalator.Fire(first.State, TwoLevels, Context(), T0.AddMinutes(4));
        Assert.Empty(early.Notices);
        Assert.Same(first.State, early.State);

        var second = Escalator.Fire(first.State, TwoLevels, Context(), T0.AddMinutes(5));
        Assert.Equal("manager", Assert.Single(second.Notices).User);
        Assert.Equal(EscalationStatus.Exhausted, second.State.Status);
        Assert.Null(second.State.NextDueAt);
        Assert.Contains(second.Log, line => line.Contains("exhausted", StringComparison.Ordinal));
    }

    [Fact]
    public void Acknowledging_stops_paging()
    {
        var fired = Escalator.Fire(Escalator.Start(7, TwoLevels, T0), TwoLevels, Context(), T0);
        var acked = Escalator.Acknowledge(fired.State, TwoLevels, T0.AddMinutes(2));

        Assert.Equal(EscalationStatus.Acknowledged, acked.Status);
        Assert.Null(acked.NextDueAt);
        Assert.Empty(Escalator.Fire(acked, TwoLevels, Context(), T0.AddHours(5)).Notices);
    }

    [Fact]
    public void An_acknowledgement_that_times_out_retriggers_from_level_one()
    {
        var policy = TwoLevels with { AcknowledgeTimeout = TimeSpan.FromMinutes(30) };
        var fired = Escalator.Fire(Escalator.Start(7, policy, T0), policy, Context(), T0);
        var acked = Escalator.Acknowledge(fired.State, policy, T0.AddMinutes(2));
        Assert.Equal(T0.AddMinutes(32), acked.NextDueAt);

        var timedOut = Escalator.Fire(acked, policy, Context(), T0.AddMinutes(32));

        Assert.True(timedOut.Retriggered);
        Assert.Equal(EscalationStatus.Escalating, timedOut.State.Status);
        var notice = Assert.Single(timedOut.Notices);
        Assert.Equal(("alice", 0, 2), (notice.User, notice.Level, notice.Step));
        Assert.StartsWith("Acknowledgement timed out", timedOut.Log[0]);
    }

    [Fact]
    public void Repeat_walks_the_levels_again_then_exhausts()
    {
        var policy = TwoLevels with { Repeat = 1 };
        var state = Escalator.Start(7, policy, T0);
        var paged = new List<string>();
        var now = T0;
        while (state.NextDueAt is { } due)
        {
            now = due;
            var outcome = Escalator.Fire(state, policy, Context(), now);
            paged.AddRange(outcome.Notices.Select(n => n.User));
            state = outcome.State;
        }

        Assert.Equal(["alice", "manager", "alice", "manager"], paged);
        Assert.Equal(T0.AddMinutes(5 + 10 + 5), now);
        Assert.Equal(4, state.Steps);
        Assert.Equal(EscalationStatus.Exhausted, state.Status);
    }

    [Fact]
    public void A_gap_in_the_schedule_moves_to_the_next_level_at_once()
    {
        var outcome = Escalator.Fire(
            Escalator.Start(7, TwoLevels, T0), TwoLevels, Context(onCall: new() { ["primary"] = [] }), T0);

        Assert.Equal("manager", Assert.Single(outcome.Notices).User);
        Assert.Contains(outcome.Log, line => line.Contains("nobody is on call on schedule primary", StringComparison.Ordinal));
        Assert.Contains(outcome.Log, line => line.Contains("Level 1: nobody to notify", StringComparison.Ordinal));
    }

    [Fact]
    public void A_level_whose_users_no_page_reaches_moves_to_the_next_level_at_once()
    {
        var outcome = Escalator.Fire(Escalator.Start(7, TwoLevels, T0), TwoLevels,
            Context(unreachable: new() { ["alice"] = "a chat handle only" }), T0);

        Assert.Equal(("manager", 1), (Assert.Single(outcome.Notices).User, outcome.Notices[0].Level));
        Assert.Contains("Level 1: nobody could be paged (alice: a chat handle only), moving on", outcome.Log);
        Assert.Equal(1, outcome.State.Steps);
    }

    [Fact]
    public void A_level_with_one_user_a_page_reaches_waits_its_delay()
    {
        var policy = TwoLevels with
        {
            Levels = [new EscalationLevel([new EscalationTarget.User("carol"), new EscalationTarget.User("alice")], TimeSpan.FromMinutes(5)), TwoLevels.Levels[1]],
        };
        var outcome = Escalator.Fire(Escalator.Start(7, policy, T0), policy, Context(unreachable: new() { ["carol"] = "no contact methods" }), T0);

        // carol is still named: the page to her records in the timeline that nothing could be sent.
        Assert.Equal(["carol", "alice"], outcome.Notices.Select(n => n.User));
        Assert.Equal(T0.AddMinutes(5), outcome.State.NextDueAt);
    }

    [Fact]
    public void Nobody_anywhere_exhausts_without_looping_forever()
    {
        var policy = TwoLevels with
        {
            Repeat = EscalationPolicy.MaxRepeat,
            Levels = [new EscalationLevel([new EscalationTarget.Team("ghosts")], TimeSpan.FromMinutes(5))],
        };
        var outcome = Escalator.Fire(Escalator.Start(7, policy, T0), policy, Context(), T0);

        Assert.Empty(outcome.Notices);
        Assert.Equal(EscalationStatus.Exhausted, outcome.State.Status);
        Assert.Equal(EscalationPolicy.MaxRepeat + 1 + 1, outcome.Log.Count);
    }

    [Fact]
    public void Time_of_day_condition_skips_a_level_outside_its_window_in_the_policy_zone()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var policy = new EscalationPolicy(
            "daytime-manager",
            [
                new EscalationLevel([new EscalationTarget.User("manager")], TimeSpan.FromMinutes(5),
                    new EscalationCondition.TimeOfDay(new TimeOnly(8, 0), new TimeOnly(20, 0))),
                new EscalationLevel([new EscalationTarget.User("night-owl")], TimeSpan.FromMinutes(5)),
            ],
            TimeZone: berlin);
        // 19:30 UTC is 20:30 in Berlin (winter time): outside 08:00–20:00.
        var evening = new DateTimeOffset(2026, 1, 15, 19, 30, 0, TimeSpan.Zero);
        var skipped = Escalator.Fire(Escalator.Start(1, policy, evening), policy, Context(), evening);
        Assert.Equal("night-owl", Assert.Single(skipped.Notices).User);
        Assert.Contains("Level 1 skipped: only between 08:00 and 20:00", skipped.Log);

        var morning = new DateTimeOffset(2026, 1, 15, 7, 30, 0, TimeSpan.Zero);
        Assert.Equal("manager", Assert.Single(Escalator.Fire(Escalator.Start(1, policy, morning), policy, Context(), morning).Notices).User);
    }

    [Theory]
    [InlineData(22, 6, 23, true)]
    [InlineData(22, 6, 3, true)]
    [InlineData(22, 6, 12, false)]
    [InlineData(8, 20, 20, false)]
    [InlineData(8, 20, 8, true)]
    public void Time_of_day_windows_may_span_midnight(int from, int to, int hour, bool holds)
    {
        var condition = new EscalationCondition.TimeOfDay(new TimeOnly(from, 0), new TimeOnly(to, 0));
        var at = new DateTimeOffset(2026, 6, 1, hour, 0, 0, TimeSpan.Zero);
        Assert.Equal(holds, condition.Holds(at, TimeZoneInfo.Utc, _ => 0));
    }

    [Fact]
    public void Alert_rate_condition_pages_only_a_busy_incident()
    {
        var policy = new EscalationPolicy(
            "storm",
            [
                new EscalationLevel([new EscalationTarget.User("lead")], TimeSpan.FromMinutes(5),
                    new EscalationCondition.AlertRate(5, TimeSpan.FromMinutes(10))),
            ]);
        Assert.Empty(Escalator.Fire(Escalator.Start(1, policy, T0), policy, Context(alerts: 5), T0).Notices);
        Assert.Equal("lead", Assert.Single(Escalator.Fire(Escalator.Start(1, policy, T0), policy, Context(alerts: 6), T0).Notices).User);
    }

    [Fact]
    public void Round_robin_takes_turns_across_incidents_through_the_cursor()
    {
        var policy = new EscalationPolicy(
            "rr", [new EscalationLevel([new EscalationTarget.RoundRobin(["ann", "ben", "cat"])], TimeSpan.FromMinutes(5))]);
        var cursors = new Dictionary<string, int>();
        var paged = new List<string>();
        for (var incident = 1; incident <= 4; incident++)
        {
            var outcome = Escalator.Fire(Escalator.Start(incident, policy, T0), policy, Context(cursors: cursors), T0);
            paged.Add(Assert.Single(outcome.Notices).User);
            foreach (var (key, value) in outcome.RoundRobinCursors)
            {
                cursors[key] = value;
            }
        }
        Assert.Equal(["ann", "ben", "cat", "ann"], paged);
    }

    [Fact]
    public void A_user_named_twice_in_a_level_is_paged_once()
    {
        var policy = new EscalationPolicy(
            "dup",
            [
                new EscalationLevel(
                    [new EscalationTarget.Schedule("primary"), new EscalationTarget.User("alice"), new EscalationTarget.Team("shop")],
                    TimeSpan.FromMinutes(5)),
            ]);
        var outcome = Escalator.Fire(
            Escalator.Start(1, policy, T0), policy, Context(teams: new() { ["shop"] = ["alice", "bob"] }), T0);
        Assert.Equal(["alice", "bob"], outcome.Notices.Select(n => n.User));
    }

    [Fact]
    public void Escalate_now_pages_the_next_level_immediately_even_when_acknowledged()
    {
        var fired = Escalator.Fire(Escalator.Start(7, TwoLevels, T0), TwoLevels, Context(), T0);
        var acked = Escalator.Acknowledge(fired.State, TwoLevels, T0.AddMinutes(1));
        var now = Escalator.EscalateNow(acked, TwoLevels, T0.AddMinutes(2));

        var outcome = Escalator.Fire(now, TwoLevels, Context(), T0.AddMinutes(2));
        Assert.Equal("manager", Assert.Single(outcome.Notices).User);
    }

    [Fact]
    public void Reassign_pages_the_new_user_and_keeps_the_policy_running()
    {
        var fired = Escalator.Fire(Escalator.Start(7, TwoLevels, T0), TwoLevels, Context(), T0);
        var reassigned = Escalator.Reassign(fired.State, TwoLevels, "bob", "alice", T0.AddMinutes(1));

        var notice = Assert.Single(reassigned.Notices);
        Assert.Equal(("bob", 2), (notice.User, notice.Step));
        Assert.Equal(T0.AddMinutes(6), reassigned.State.NextDueAt);
        Assert.Equal("manager", Assert.Single(Escalator.Fire(reassigned.State, TwoLevels, Context(), T0.AddMinutes(6)).Notices).User);
    }

    [Fact]
    public void Ended_escalation_never_fires_again()
    {
        var ended = Escalator.End(Escalator.Start(7, TwoLevels, T0));
        Assert.Empty(Escalator.Fire(ended, TwoLevels, Context(), T0.AddDays(1)).Notices);
        Assert.Same(ended, Escalator.EscalateNow(ended, TwoLevels, T0));
        Assert.Same(ended, Escalator.Acknowledge(ended, TwoLevels, T0));
    }
}
