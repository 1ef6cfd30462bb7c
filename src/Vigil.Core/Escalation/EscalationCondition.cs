namespace Vigil.Core.Escalation;

/// <summary>A condition that gates one escalation level; a level whose condition is false is skipped.</summary>
public abstract record EscalationCondition
{
    private EscalationCondition()
    {
    }

    /// <summary>What a condition needs to know about the moment it is checked.</summary>
    public abstract bool Holds(DateTimeOffset now, TimeZoneInfo zone, Func<TimeSpan, int> alertsWithin);

    /// <summary>Only while the local time of day is in [From, To); a window with To ≤ From spans midnight.</summary>
    public sealed record TimeOfDay(TimeOnly From, TimeOnly To) : EscalationCondition
    {
        public override bool Holds(DateTimeOffset now, TimeZoneInfo zone, Func<TimeSpan, int> alertsWithin)
        {
            var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
            return From < To ? local >= From && local < To : local >= From || local < To;
        }

        public override string ToString() => $"only between {From:HH\\:mm} and {To:HH\\:mm}";
    }

    /// <summary>Only if the incident received more than <see cref="Count"/> alerts in the last <see cref="Window"/>.</summary>
    public sealed record AlertRate(int Count, TimeSpan Window) : EscalationCondition
    {
        public override bool Holds(DateTimeOffset now, TimeZoneInfo zone, Func<TimeSpan, int> alertsWithin) =>
            alertsWithin(Window) > Count;

        public override string ToString() => $"only if more than {Count} alerts in {Window.TotalMinutes:0.#} minutes";
    }
}
