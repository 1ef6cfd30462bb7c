using Vigil.Core.OnCall;

namespace Vigil.Core.Tests.OnCall;

/// <summary>Small builders so tests read as the schedule they describe.</summary>
internal static class S
{
    public static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    public static DateTime Local(string text) => DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Unspecified);

    public static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text + "Z", System.Globalization.CultureInfo.InvariantCulture);

    public static ScheduleLayer Layer(string name, string start, TurnLength turn, params string[] users) =>
        new(name, users, turn, Local(start), []);

    public static Schedule Schedule(string zone, params ScheduleLayer[] layers) => new("s", "team", Zone(zone), layers);

    public static TurnLength Days(int n) => new(n, TurnUnit.Days);

    public static TurnLength Weeks(int n) => new(n, TurnUnit.Weeks);

    public static TurnLength Hours(int n) => new(n, TurnUnit.Hours);

    public static ScheduleOverride Override(string id, string user, DateTimeOffset start, DateTimeOffset end, DateTimeOffset created) =>
        new(id, "s", start, end, user, created, "test");

    public static ShiftSwap Swap(string id, string from, string to, DateTimeOffset start, DateTimeOffset end, DateTimeOffset accepted) =>
        new(id, "s", start, end, from, to, SwapStatus.Accepted, SwapKind.Request, accepted, from, accepted, to);
}
