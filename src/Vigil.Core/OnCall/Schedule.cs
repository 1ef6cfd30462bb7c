namespace Vigil.Core.OnCall;

/// <summary>
/// A PagerDuty-style layered schedule. Every wall-clock value (rotation start, restrictions) is read in
/// <see cref="TimeZone"/>. Later layers take precedence over earlier ones wherever they have someone on call.
/// </summary>
/// <param name="Team">The owning team: its managers may create overrides and manager swaps; may be null.</param>
public sealed record Schedule(string Name, string? Team, TimeZoneInfo TimeZone, IReadOnlyList<ScheduleLayer> Layers);

public enum TurnUnit
{
    Hours,
    Days,
    Weeks,
}

/// <summary>
/// How long one participant's turn lasts. Hours are elapsed time; days and weeks are calendar days in the schedule's
/// time zone, so a handoff stays at the same wall-clock time and a 1-day turn across spring-forward lasts 23 hours.
/// </summary>
public readonly record struct TurnLength(int Count, TurnUnit Unit)
{
    public override string ToString() => Count + Unit switch { TurnUnit.Hours => "h", TurnUnit.Days => "d", _ => "w" };
}

/// <summary>One layer: participants take turns in order from <see cref="Start"/> (a local wall-clock time, the first handoff).</summary>
/// <param name="Start">Local time in the schedule's zone (<see cref="DateTimeKind.Unspecified"/>).</param>
/// <param name="Restrictions">When non-empty, the layer only has someone on call inside one of these windows.</param>
public sealed record ScheduleLayer(string Name, IReadOnlyList<string> Users, TurnLength Turn, DateTime Start, IReadOnlyList<Restriction> Restrictions);

/// <summary>
/// A recurring window in the schedule's time zone. Daily windows repeat every day (start day ignored); weekly windows
/// run from <see cref="StartDay"/> <see cref="StartTime"/> to <see cref="EndDay"/> <see cref="EndTime"/>. An end at or
/// before the start wraps: past midnight for daily windows, into the next week for weekly ones.
/// </summary>
public sealed record Restriction(bool Weekly, DayOfWeek StartDay, TimeOnly StartTime, DayOfWeek EndDay, TimeOnly EndTime)
{
    public static Restriction Daily(TimeOnly start, TimeOnly end) => new(false, DayOfWeek.Sunday, start, DayOfWeek.Sunday, end);

    public static Restriction Week(DayOfWeek startDay, TimeOnly start, DayOfWeek endDay, TimeOnly end) => new(true, startDay, start, endDay, end);

    /// <summary>The length of one occurrence; a window whose end equals its start covers a whole day (or week).</summary>
    public TimeSpan Length
    {
        get
        {
            if (!Weekly)
            {
                var d = EndTime.ToTimeSpan() - StartTime.ToTimeSpan();
                return d <= TimeSpan.Zero ? d + TimeSpan.FromDays(1) : d;
            }
            var w = TimeSpan.FromDays(((int)EndDay - (int)StartDay + 7) % 7) + (EndTime.ToTimeSpan() - StartTime.ToTimeSpan());
            return w <= TimeSpan.Zero ? w + TimeSpan.FromDays(7) : w;
        }
    }
}
