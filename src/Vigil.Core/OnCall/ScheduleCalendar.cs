namespace Vigil.Core.OnCall;

/// <summary>
/// The years schedules are computed for. A computation walks turns from a layer's start and looks weeks to months
/// around an instant; near the ends of <see cref="DateTime"/>'s calendar (a local time in year 1 east of UTC, or in
/// year 9999 west of it) those instants do not exist. The config (layer starts) and the API (instants and ranges) keep
/// to these years, so every schedule anyone can set up or ask about stays well inside the calendar.
/// </summary>
public static class ScheduleCalendar
{
    public const int FirstYear = 1900;

    public const int LastYear = 8999;

    /// <summary>How the range reads in error messages.</summary>
    public const string Years = "1900-8999";

    /// <summary>The first instant inside the range.</summary>
    public static DateTimeOffset Earliest { get; } = new(FirstYear, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first instant after the range.</summary>
    public static DateTimeOffset End { get; } = new(LastYear + 1, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static bool Contains(DateTimeOffset instant) => instant >= Earliest && instant < End;

    /// <summary>Whether a local wall-clock time (any zone) falls in the years of the range.</summary>
    public static bool Contains(DateTime local) => local.Year is >= FirstYear and <= LastYear;
}
