namespace Vigil.Core.TimeIntervals;

/// <summary>Minutes of the day in [<see cref="StartMinute"/>, <see cref="EndMinute"/>); 24:00 is minute 1440.</summary>
public readonly record struct TimeOfDayRange(int StartMinute, int EndMinute)
{
    public bool Contains(int minuteOfDay) => minuteOfDay >= StartMinute && minuteOfDay < EndMinute;
}

/// <summary>An inclusive range of weekdays (0 = Sunday), days of the month, months (1 = January) or years.</summary>
public readonly record struct InclusiveRange(int Begin, int End)
{
    public bool Contains(int value) => value >= Begin && value <= End;
}

/// <summary>
/// One entry of a named time interval, with Alertmanager's semantics: an instant is inside when it matches every field
/// that is set, a field matching when any of its ranges contains the instant's local value in <see cref="Location"/>.
/// A field left out (null) matches everything; a field given as an empty list matches nothing, as in Alertmanager.
/// </summary>
public sealed record TimeInterval
{
    public IReadOnlyList<TimeOfDayRange>? Times { get; init; }

    public IReadOnlyList<InclusiveRange>? Weekdays { get; init; }

    /// <summary>1..31, or negative counting back from the month's last day (-1).</summary>
    public IReadOnlyList<InclusiveRange>? DaysOfMonth { get; init; }

    public IReadOnlyList<InclusiveRange>? Months { get; init; }

    public IReadOnlyList<InclusiveRange>? Years { get; init; }

    /// <summary>The zone whose wall clock the fields are read in (Alertmanager's default: UTC).</summary>
    public TimeZoneInfo Location { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Everything: an entry with no field set (Alertmanager's <c>- {}</c>).</summary>
    public static TimeInterval Always { get; } = new();

    public bool Contains(DateTimeOffset instant)
    {
        // The wall clock of the zone, so "09:00" means 09:00 local on both sides of a DST change.
        var local = TimeZoneInfo.ConvertTime(instant, Location).DateTime;
        if (Times is not null && !AnyContains(Times, local.Hour * 60 + local.Minute))
        {
            return false;
        }
        if (DaysOfMonth is not null && !AnyDayContains(DaysOfMonth, local))
        {
            return false;
        }
        if (Months is not null && !AnyContains(Months, local.Month))
        {
            return false;
        }
        if (Weekdays is not null && !AnyContains(Weekdays, (int)local.DayOfWeek))
        {
            return false;
        }
        return Years is null || AnyContains(Years, local.Year);
    }

    private static bool AnyContains(IReadOnlyList<TimeOfDayRange> ranges, int minute)
    {
        foreach (var range in ranges)
        {
            if (range.Contains(minute))
            {
                return true;
            }
        }
        return false;
    }

    private static bool AnyContains(IReadOnlyList<InclusiveRange> ranges, int value)
    {
        foreach (var range in ranges)
        {
            if (range.Contains(value))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Negative days count back from the month's end (-1 is its last day). As in Alertmanager, a range starting after
    /// the month's last day matches nothing that month, and an end beyond it stops at the last day. The month's length
    /// is its calendar length (Alertmanager derives it from elapsed hours, which makes a month with a DST change one
    /// hour short of its last day in some zones; Vigil does not copy that).
    /// </summary>
    private static bool AnyDayContains(IReadOnlyList<InclusiveRange> ranges, DateTime local)
    {
        var days = DateTime.DaysInMonth(local.Year, local.Month);
        foreach (var range in ranges)
        {
            var begin = range.Begin < 0 ? days + range.Begin + 1 : range.Begin;
            var end = range.End < 0 ? days + range.End + 1 : range.End;
            if (begin > days)
            {
                continue;
            }
            if (local.Day >= begin && local.Day <= Math.Min(end, days))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>A named entry of <c>time_intervals</c>: inside when any of its <see cref="Intervals"/> is.</summary>
public sealed record NamedTimeInterval(string Name, IReadOnlyList<TimeInterval> Intervals)
{
    public bool Contains(DateTimeOffset instant)
    {
        foreach (var interval in Intervals)
        {
            if (interval.Contains(instant))
            {
                return true;
            }
        }
        return false;
    }
}
