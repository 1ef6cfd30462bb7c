namespace Vigil.Core.Escalation;

/// <summary>
/// Who is paged, in which order, until someone acknowledges: ordered levels, each notified in turn after the previous
/// level's delay; the whole list runs <see cref="Repeat"/> more times when nobody answers.
/// </summary>
/// <param name="Repeat">How many more times the levels are walked after the last one (0 = once).</param>
/// <param name="AcknowledgeTimeout">An acknowledgement older than this re-triggers the incident and restarts escalation.</param>
public sealed record EscalationPolicy(
    string Name,
    IReadOnlyList<EscalationLevel> Levels,
    int Repeat = 0,
    TimeSpan? AcknowledgeTimeout = null,
    TimeZoneInfo? TimeZone = null)
{
    public const int MaxRepeat = 10;

    /// <summary>The zone in which time-of-day conditions are read (UTC when the policy names none).</summary>
    public TimeZoneInfo Zone => TimeZone ?? TimeZoneInfo.Utc;
}

/// <param name="Delay">How long this level has to acknowledge before the next level is notified.</param>
/// <param name="Condition">When present and false at the time the level is reached, the level is skipped.</param>
public sealed record EscalationLevel(IReadOnlyList<EscalationTarget> Targets, TimeSpan Delay, EscalationCondition? Condition = null);

/// <summary>Whom a level notifies.</summary>
public abstract record EscalationTarget
{
    private EscalationTarget()
    {
    }

    public sealed record User(string Name) : EscalationTarget
    {
        public override string ToString() => $"user {Name}";
    }

    /// <summary>Whoever is on call on the schedule at the moment the level fires.</summary>
    public sealed record Schedule(string Name) : EscalationTarget
    {
        public override string ToString() => $"schedule {Name}";
    }

    /// <summary>Every member of the team.</summary>
    public sealed record Team(string Name) : EscalationTarget
    {
        public override string ToString() => $"team {Name}";
    }

    /// <summary>One user of the list per incident, taking turns across incidents (the cursor is durable).</summary>
    public sealed record RoundRobin(IReadOnlyList<string> Users) : EscalationTarget
    {
        public override string ToString() => $"round robin of {string.Join(", ", Users)}";
    }
}
