namespace Vigil.Core.OnCall;

/// <summary>
/// Local wall-clock time to an instant, the way people expect a handoff to behave across DST changes (NodaTime's
/// "lenient" rule): a time that falls in the spring-forward gap moves forward by the gap (02:30 → 03:30), and a time
/// that occurs twice in the fall-back hour means its first occurrence (the daylight one).
/// </summary>
public static class ZonedTime
{
    /// <summary>The instant (in UTC) of a local wall-clock time.</summary>
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // The offset in force just before the gap: reading the skipped time with it lands after the gap.
            var before = zone.GetUtcOffset(local.AddHours(-6));
            return new DateTimeOffset(local, before).ToUniversalTime();
        }
        if (zone.IsAmbiguousTime(local))
        {
            return new DateTimeOffset(local, zone.GetAmbiguousTimeOffsets(local).Max()).ToUniversalTime();
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The local wall-clock time of an instant in a zone.</summary>
    public static DateTime ToLocal(DateTimeOffset instant, TimeZoneInfo zone) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTime(instant, zone).DateTime, DateTimeKind.Unspecified);
}
