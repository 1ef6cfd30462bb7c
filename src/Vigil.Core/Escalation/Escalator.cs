namespace Vigil.Core.Escalation;

/// <summary>
/// Pure escalation rules (PagerDuty's model): level 1 is paged when the incident triggers; each level has its delay
/// to acknowledge before the next is paged; after the last level the policy repeats <c>Repeat</c> times; a level with
/// nobody to page (a gap in a schedule, an empty team, only users no page can reach) or whose condition is false is
/// passed at once. The caller
/// persists the returned state together with the notifications, and calls again when the state is due.
/// </summary>
public static class Escalator
{
    public static EscalationState Start(long incidentId, EscalationPolicy policy, DateTimeOffset now) =>
        new(incidentId, policy.Name, EscalationStatus.Escalating, NextLevel: 0, Cycle: 0, NextDueAt: now, Steps: 0, StartedAt: now);

    /// <summary>The durable round-robin cursor of one level of one policy.</summary>
    public static string CursorKey(string policy, int level) => $"{policy}#{level}";

    /// <summary>
    /// Runs whatever is due at <paramref name="now"/>: the next level of an escalating incident, or the timeout of an
    /// acknowledgement (which re-triggers and starts again from level 1). A state that is not due comes back unchanged.
    /// </summary>
    public static EscalationOutcome Fire(EscalationState state, EscalationPolicy policy, EscalationContext context, DateTimeOffset now)
    {
        if (!state.IsDue(now))
        {
            return Unchanged(state);
        }
        return state.Status switch
        {
            EscalationStatus.Escalating => Escalate(state, policy, context, now, [], retriggered: false),
            EscalationStatus.Acknowledged => Escalate(
                Start(state.IncidentId, policy, now) with { Steps = state.Steps, StartedAt = state.StartedAt },
                policy,
                context,
                now,
                [$"Acknowledgement timed out after {Describe(policy.AcknowledgeTimeout ?? TimeSpan.Zero)}: escalating again from level 1"],
                retriggered: true),
            _ => Unchanged(state with { NextDueAt = null }),
        };
    }

    /// <summary>Stops paging; with an acknowledgement timeout the state becomes due again when it runs out.</summary>
    public static EscalationState Acknowledge(EscalationState state, EscalationPolicy policy, DateTimeOffset now) =>
        state.Status is EscalationStatus.Ended
            ? state
            : state with { Status = EscalationStatus.Acknowledged, NextDueAt = now + policy.AcknowledgeTimeout };

    /// <summary>An acknowledgement was withdrawn: paging resumes at the level that was next.</summary>
    public static EscalationState Unacknowledge(EscalationState state, DateTimeOffset now) =>
        state.Status is EscalationStatus.Acknowledged
            ? state with { Status = EscalationStatus.Escalating, NextDueAt = now }
            : state;

    public static EscalationState End(EscalationState state) => state with { Status = EscalationStatus.Ended, NextDueAt = null };

    /// <summary>"Escalate now": the next level is paged at once, even if the incident was acknowledged or exhausted.</summary>
    public static EscalationState EscalateNow(EscalationState state, EscalationPolicy policy, DateTimeOffset now)
    {
        if (state.Status is EscalationStatus.Ended)
        {
            return state;
        }
        // An exhausted policy walks its levels once more rather than refusing: a person asked for it explicitly.
        return state.Status is EscalationStatus.Exhausted
            ? state with { Status = EscalationStatus.Escalating, NextLevel = 0, Cycle = policy.Repeat, NextDueAt = now }
            : state with { Status = EscalationStatus.Escalating, NextDueAt = now };
    }

    /// <summary>
    /// Reassigns the incident to one user: they are paged now, and the policy carries on from its next level if they
    /// do not acknowledge within the delay of the level that paged last.
    /// </summary>
    public static EscalationOutcome Reassign(EscalationState state, EscalationPolicy policy, string user, string actor, DateTimeOffset now)
    {
        var lastLevel = Math.Clamp(state.NextLevel - 1, 0, policy.Levels.Count - 1);
        var step = state.Steps + 1;
        var next = state with
        {
            Status = EscalationStatus.Escalating,
            Steps = step,
            NextDueAt = now + policy.Levels[lastLevel].Delay,
            NextLevel = state.Status is EscalationStatus.Exhausted ? 0 : state.NextLevel,
        };
        return new EscalationOutcome(
            next,
            [new EscalationNotice(user, lastLevel, step, $"reassigned by {actor}")],
            [$"Reassigned to {user} by {actor}"],
            new Dictionary<string, int>());
    }

    private static EscalationOutcome Escalate(
        EscalationState state, EscalationPolicy policy, EscalationContext context, DateTimeOffset now, List<string> log, bool retriggered)
    {
        var cursors = new Dictionary<string, int>();
        var notices = new List<EscalationNotice>();
        if (state.NextLevel >= policy.Levels.Count)
        {
            // A reload took levels away since this state was saved: the level it was to page next is gone, so its cycle
            // ends here (reading past the levels threw, and stopped the escalation of every incident due after it).
            log.Add($"Level {state.NextLevel + 1} is no longer in policy {policy.Name}: the cycle ends");
            state = state.Cycle < policy.Repeat
                ? state with { NextLevel = 0, Cycle = state.Cycle + 1 }
                : state with { Status = EscalationStatus.Exhausted, NextDueAt = null };
        }
        // Each pass of the loop handles one level; a level with nobody to page moves on at once, so at most every
        // level of every cycle is visited before the policy is exhausted.
        var maxVisits = policy.Levels.Count * (policy.Repeat + 1);
        for (var visit = 0; visit < maxVisits && state.Status is EscalationStatus.Escalating; visit++)
        {
            var index = state.NextLevel;
            var level = policy.Levels[index];
            var label = $"Level {index + 1}" + (state.Cycle > 0 ? $" (repeat {state.Cycle})" : "");
            if (level.Condition is { } condition && !condition.Holds(now, policy.Zone, context.AlertsWithin))
            {
                log.Add($"{label} skipped: {condition}");
                state = Advance(state, policy, now, delay: null);
                continue;
            }
            var step = state.Steps + 1;
            var users = Resolve(level, index, policy.Name, context, now, cursors, log, label);
            if (users.Count == 0)
            {
                log.Add($"{label}: nobody to notify, moving on");
                state = Advance(state, policy, now, delay: null);
                continue;
            }
            // Waiting the level's delay for an acknowledgement from people who were never paged (a chat handle only, no
            // contacts, e-mail without SMTP, a user gone from the config) only delays the next level.
            var unreachable = users.Select(u => (u.User, Why: context.Unreachable(u.User))).Where(u => u.Why is not null).ToList();
            if (unreachable.Count == users.Count)
            {
                log.Add($"{label}: nobody could be paged ({string.Join("; ", unreachable.Select(u => $"{u.User}: {u.Why}"))}), moving on");
                state = Advance(state, policy, now, delay: null);
                continue;
            }
            foreach (var (user, reason) in users)
            {
                notices.Add(new EscalationNotice(user, index, step, $"{label}, {reason}"));
            }
            log.Add($"{label}: notifying {string.Join(", ", users.Select(u => u.User))}"
                + $"; next level in {Describe(level.Delay)} unless acknowledged");
            state = Advance(state with { Steps = step }, policy, now, level.Delay);
            break;
        }
        if (state.Status is EscalationStatus.Exhausted)
        {
            log.Add("Escalation policy exhausted: nobody acknowledged");
        }
        return new EscalationOutcome(state, notices, log, cursors, retriggered);
    }

    /// <summary>Moves to the next level (or cycle); the next level is due after the delay, or at once when skipped.</summary>
    private static EscalationState Advance(EscalationState state, EscalationPolicy policy, DateTimeOffset now, TimeSpan? delay)
    {
        var due = now + (delay ?? TimeSpan.Zero);
        if (state.NextLevel + 1 < policy.Levels.Count)
        {
            return state with { NextLevel = state.NextLevel + 1, NextDueAt = due };
        }
        if (state.Cycle < policy.Repeat)
        {
            return state with { NextLevel = 0, Cycle = state.Cycle + 1, NextDueAt = due };
        }
        return state with { Status = EscalationStatus.Exhausted, NextDueAt = null };
    }

    private static List<(string User, string Reason)> Resolve(
        EscalationLevel level, int index, string policy, EscalationContext context, DateTimeOffset now,
        Dictionary<string, int> cursors, List<string> log, string label)
    {
        var users = new List<(string User, string Reason)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in level.Targets)
        {
            switch (target)
            {
                case EscalationTarget.User user:
                    Add(user.Name, "directly");
                    break;
                case EscalationTarget.Schedule schedule:
                    var onCall = context.OnCall(schedule.Name, now);
                    if (onCall.Count == 0)
                    {
                        log.Add($"{label}: nobody is on call on schedule {schedule.Name}");
                    }
                    foreach (var name in onCall)
                    {
                        Add(name, $"on call on {schedule.Name}");
                    }
                    break;
                case EscalationTarget.Team team:
                    foreach (var name in context.TeamMembers(team.Name))
                    {
                        Add(name, $"member of team {team.Name}");
                    }
                    break;
                case EscalationTarget.RoundRobin roundRobin when roundRobin.Users.Count > 0:
                    var key = CursorKey(policy, index);
                    var cursor = cursors.TryGetValue(key, out var moved) ? moved : context.RoundRobinCursor(key);
                    var turn = ((cursor % roundRobin.Users.Count) + roundRobin.Users.Count) % roundRobin.Users.Count;
                    cursors[key] = turn + 1;
                    Add(roundRobin.Users[turn], "next in round robin");
                    break;
            }
        }
        return users;

        void Add(string name, string reason)
        {
            if (seen.Add(name))
            {
                users.Add((name, reason));
            }
        }
    }

    private static EscalationOutcome Unchanged(EscalationState state) => new(state, [], [], new Dictionary<string, int>());

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 && span.Minutes == 0 ? $"{span.TotalHours:0.#}h" : $"{span.TotalMinutes:0.#}m";
}
