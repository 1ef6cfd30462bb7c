using System.Globalization;

namespace Vigil.Core.Slo.OpenSlo;

/// <summary>Units of OpenSLO's <c>duration-shorthand</c>: a case-sensitive single letter.</summary>
public enum DurationUnit
{
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// <summary>
/// An OpenSLO <c>duration-shorthand</c> (<c>5m</c>, <c>12h</c>, <c>28d</c>, <c>4w</c>, <c>1M</c>, <c>1Q</c>, <c>1Y</c>): a
/// positive count and one unit. Months, quarters and years keep their calendar meaning for calendar-aligned
/// windows; where a fixed length is needed (rolling windows, Prometheus ranges) they count as 30, 90 and 365 days.
/// </summary>
public readonly record struct SloDuration(int Count, DurationUnit Unit)
{
    public static bool TryParse(string? text, out SloDuration duration)
    {
        duration = default;
        if (text is null || text.Length < 2)
        {
            return false;
        }
        DurationUnit? unit = text[^1] switch
        {
            'm' => DurationUnit.Minute,
            'h' => DurationUnit.Hour,
            'd' => DurationUnit.Day,
            'w' => DurationUnit.Week,
            'M' => DurationUnit.Month,
            'Q' => DurationUnit.Quarter,
            'Y' => DurationUnit.Year,
            _ => null,
        };
        var digits = text.AsSpan(0, text.Length - 1);
        if (unit is null || digits.ContainsAnyExceptInRange('0', '9')
            || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return false;
        }
        duration = new SloDuration(count, unit.Value);
        return true;
    }

    public static SloDuration Minutes(int count) => new(count, DurationUnit.Minute);

    public static SloDuration Days(int count) => new(count, DurationUnit.Day);

    public bool IsZero => Count == 0;

    /// <summary>True for months, quarters and years, whose length depends on the calendar.</summary>
    public bool IsCalendarUnit => Unit is DurationUnit.Month or DurationUnit.Quarter or DurationUnit.Year;

    /// <summary>The longest duration an SLO may use (a window, a lookback): 366 days, so a year-long window fits.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(366);

    public const string LongestText = "366d (1Y)";

    /// <summary>The length, with a month as 30 days, a quarter 90, a year 365 (documented in docs/slo.md); at most
    /// <see cref="TimeSpan.MaxValue"/>, so any count the parser reads has a length (the parser refuses those above
    /// <see cref="Longest"/>).</summary>
    public TimeSpan ToTimeSpan() => Unit switch
    {
        DurationUnit.Minute => Length(TimeSpan.TicksPerMinute),
        DurationUnit.Hour => Length(TimeSpan.TicksPerHour),
        DurationUnit.Day => Length(TimeSpan.TicksPerDay),
        DurationUnit.Week => Length(7 * TimeSpan.TicksPerDay),
        DurationUnit.Month => Length(30 * TimeSpan.TicksPerDay),
        DurationUnit.Quarter => Length(90 * TimeSpan.TicksPerDay),
        DurationUnit.Year => Length(365 * TimeSpan.TicksPerDay),
        _ => throw new InvalidOperationException($"unknown unit {Unit}"),
    };

    private TimeSpan Length(long ticksPerUnit) =>
        Count > TimeSpan.MaxValue.Ticks / ticksPerUnit ? TimeSpan.MaxValue : TimeSpan.FromTicks(Count * ticksPerUnit);

    /// <summary>Adds <paramref name="times"/> of this duration to a local calendar time (months end-of-month clamped).</summary>
    public DateTime AddTo(DateTime local, int times) => Unit switch
    {
        DurationUnit.Month => local.AddMonths(Count * times),
        DurationUnit.Quarter => local.AddMonths(3 * Count * times),
        DurationUnit.Year => local.AddYears(Count * times),
        _ => local + ToTimeSpan() * times,
    };

    public override string ToString() => Count.ToString(CultureInfo.InvariantCulture) + Unit switch
    {
        DurationUnit.Minute => "m",
        DurationUnit.Hour => "h",
        DurationUnit.Day => "d",
        DurationUnit.Week => "w",
        DurationUnit.Month => "M",
        DurationUnit.Quarter => "Q",
        _ => "Y",
    };
}
