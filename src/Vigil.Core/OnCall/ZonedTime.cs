namespace Vigil.Core.OnCall;

/// <summary>
/// Local wall-clock time to an instant, the way people expect a handoff to behave across DST changes (NodaTime's
/// "lenient" rule): a time that falls in the spring-forward gap moves forward by the gap (02:30 → 03:30), and a time
/// that occurs twice in the fall-back hour means its first occurrence (the daylight one).
/// </summary>
public static class ZonedTime
{
    /// <summary>
    /// The instant (in UTC) of a local wall-clock time. Within a day of either end of the calendar the instant may not
    /// exist (year 1 in Tokyo is still year 0 in UTC): it is then the first or last instant there is, rather than an
    /// exception that would stop every computation of the schedule.
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone) => FromUtcTicks(UtcTicks(local, zone));

    /// <summary>
    /// The UTC ticks of a local wall-clock time, unclamped: they may lie just outside <see cref="DateTimeOffset"/>'s
    /// range, so arithmetic that starts from them (hourly turns) keeps the exact handoffs.
    /// </summary>
    public static long UtcTicks(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return local.Ticks - Offset(local, zone).Ticks;
    }

    /// <summary>The instant of UTC ticks, clamped to the calendar.</summary>
    public static DateTimeOffset FromUtcTicks(long ticks) =>
        ticks <= DateTimeOffset.MinValue.UtcTicks ? DateTimeOffset.MinValue
        : ticks >= DateTimeOffset.MaxValue.UtcTicks ? DateTimeOffset.MaxValue
        : new DateTimeOffset(ticks, TimeSpan.Zero);

    /// <summary>The local wall-clock time of an instant in a zone (clamped to the calendar, as <see cref="TimeZoneInfo.ConvertTime(DateTimeOffset, TimeZoneInfo)"/> does).</summary>
    public static DateTime ToLocal(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(instant, zone).DateTime, DateTimeKind.Unspecified);

    private static TimeSpan Offset(DateTime local, TimeZoneInfo zone)
    {
        if (zone.IsInvalidTime(local))
        {
            // The offset in force just before the gap: reading the skipped time with it lands after the gap. (A gap
            // needs a DST rule, so it is never within six hours of year 1.)
            return zone.GetUtcOffset(local.AddHours(-6));
        }
        if (zone.IsAmbiguousTime(local))
        {
            return zone.GetAmbiguousTimeOffsets(local).Max();
        }
        return zone.GetUtcOffset(local);
    }
}
