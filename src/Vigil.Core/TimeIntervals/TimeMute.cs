namespace Vigil.Core.TimeIntervals;

/// <summary>
/// Why a route's notifications are muted at an instant: inside one of its <c>mute_time_intervals</c>, or outside all of
/// its <c>active_time_intervals</c> (Alertmanager's TimeMuteStage and TimeActiveStage).
/// </summary>
/// <param name="Intervals">The mute interval the instant is in, or the active intervals it is outside of.</param>
public sealed record TimeMute(bool OutsideActive, IReadOnlyList<string> Intervals)
{
    /// <summary>
    /// The mute at <paramref name="now"/>, or null when notifications may go out. An empty <paramref name="active"/>
    /// list means always active, as in Alertmanager.
    /// </summary>
    public static TimeMute? At(IReadOnlyList<NamedTimeInterval> mute, IReadOnlyList<NamedTimeInterval> active, DateTimeOffset now)
    {
        foreach (var interval in mute)
        {
            if (interval.Contains(now))
            {
                return new TimeMute(false, [interval.Name]);
            }
        }
        if (active.Count == 0)
        {
            return null;
        }
        var names = new string[active.Count];
        for (var i = 0; i < active.Count; i++)
        {
            if (active[i].Contains(now))
            {
                return null;
            }
            names[i] = active[i].Name;
        }
        return new TimeMute(true, names);
    }

    /// <summary>E.g. <c>inside mute time interval "night"</c> or <c>outside active time intervals "business-hours"</c>.</summary>
    public override string ToString() =>
        OutsideActive
            ? $"outside active time interval{(Intervals.Count == 1 ? "" : "s")} {string.Join(", ", Intervals.Select(n => $"\"{n}\""))}"
            : $"inside mute time interval \"{Intervals[0]}\"";
}
