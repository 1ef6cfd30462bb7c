using Vigil.Server.Api.Alertmanager;

namespace Vigil.Server.Api;

/// <summary>
/// The rule for the time a sender stamps on an event (PagerDuty's <c>payload.timestamp</c>, a native event's
/// <c>timestamp</c>), which becomes the alert's start. One from the future made an alert that started after it ended
/// (a trigger at 9999-12-31 firing until now + 24 h, still starting in 9999 after its resolve), so it is refused; a
/// few minutes ahead are clock skew between sender and server, taken as now.
/// </summary>
public static class EventTimestamps
{
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Why <paramref name="timestamp"/> is refused, or null.</summary>
    public static string? TooFarAhead(string field, DateTimeOffset timestamp, DateTimeOffset now) =>
        timestamp > now + MaxClockSkew
            ? $"{field} ({RfcTime.Format(timestamp)}) is more than {MaxClockSkew.TotalMinutes:0} minutes ahead of the server's clock "
                + $"({RfcTime.Format(now)}); send the time the event happened, or none"
            : null;

    /// <summary>The alert's start: the sender's time, or now if that is ahead (within the skew) or not given.</summary>
    public static DateTimeOffset StartOf(DateTimeOffset? timestamp, DateTimeOffset now) => timestamp is { } t && t < now ? t : now;
}
