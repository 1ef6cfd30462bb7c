namespace Vigil.Core.OnCall;

/// <summary>One participant's turn in one layer, already cut to the layer's restrictions.</summary>
public readonly record struct LayerShift(string User, DateTimeOffset Start, DateTimeOffset End);

/// <summary>
/// The turns of one layer inside [from, to). Before the layer's start nobody is on call. Restrictions cut turns but do
/// not move the rotation: a participant whose turn falls outside every window simply has no time on call (PagerDuty's
/// behaviour).
/// </summary>
public static class LayerShifts
{
    public static List<LayerShift> Compute(ScheduleLayer layer, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        var turns = Turns(layer, zone, from, to);
        if (layer.Restrictions.Count == 0 || turns.Count == 0)
        {
            return turns;
        }
        var windows = Windows(layer.Restrictions, zone, from, to);
        var result = new List<LayerShift>();
        var w = 0;
        foreach (var turn in turns)
        {
            while (w < windows.Count && windows[w].End <= turn.Start)
            {
                w++;
            }
            for (var i = w; i < windows.Count && windows[i].Start < turn.End; i++)
            {
                var start = windows[i].Start > turn.Start ? windows[i].Start : turn.Start;
                var end = windows[i].End < turn.End ? windows[i].End : turn.End;
                if (start < end)
                {
                    result.Add(turn with { Start = start, End = end });
                }
            }
        }
        return result;
    }

    private static List<LayerShift> Turns(ScheduleLayer layer, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        var result = new List<LayerShift>();
        var n = layer.Users.Count;
        if (n == 0 || layer.Turn.Count <= 0)
        {
            return result;
        }
        if (layer.Turn.Unit == TurnUnit.Hours)
        {
            // Hours are elapsed time: a 12h rotation is 12 real hours even on a 23-hour day. Counted in UTC ticks, which
            // may start just before the calendar (year 1 east of UTC), so the handoffs stay exact.
            var origin = ZonedTime.UtcTicks(layer.Start, zone);
            var length = TimeSpan.FromHours(layer.Turn.Count).Ticks;
            var k = Math.Max(0L, (from.UtcTicks - origin) / length);
            for (var start = origin + (length * k); start < to.UtcTicks; k++, start += length)
            {
                AddClipped(result, layer.Users[(int)(k % n)], ZonedTime.FromUtcTicks(start), ZonedTime.FromUtcTicks(start + length), from, to);
            }
            return result;
        }
        // Days and weeks are calendar days in the zone: each handoff is at the same wall-clock time.
        var days = layer.Turn.Count * (layer.Turn.Unit == TurnUnit.Weeks ? 7 : 1);
        var localFrom = ZonedTime.ToLocal(from, zone);
        var turn = Math.Max(0L, (long)Math.Floor((localFrom - layer.Start).TotalDays / days) - 1);
        while (true)
        {
            var start = Handoff(layer, turn * days, zone);
            if (start >= to)
            {
                return result;
            }
            var end = Handoff(layer, (turn + 1) * days, zone);
            AddClipped(result, layer.Users[(int)(turn % n)], start, end, from, to);
            turn++;
        }
    }

    /// <summary>The handoff <paramref name="day"/> days after the layer's start; one past the calendar's last day is its end.</summary>
    private static DateTimeOffset Handoff(ScheduleLayer layer, long day, TimeZoneInfo zone) =>
        day * TimeSpan.TicksPerDay > (DateTime.MaxValue - layer.Start).Ticks ? DateTimeOffset.MaxValue : ZonedTime.ToInstant(layer.Start.AddDays(day), zone);

    private static void AddClipped(List<LayerShift> result, string user, DateTimeOffset start, DateTimeOffset end, DateTimeOffset from, DateTimeOffset to)
    {
        var s = start < from ? from : start;
        var e = end > to ? to : end;
        if (s < e)
        {
            result.Add(new LayerShift(user, s, e));
        }
    }

    /// <summary>Every occurrence of the restrictions that touches [from, to), merged into sorted disjoint instants.</summary>
    private static List<(DateTimeOffset Start, DateTimeOffset End)> Windows(IReadOnlyList<Restriction> restrictions, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        var raw = new List<(DateTimeOffset Start, DateTimeOffset End)>();
        // A window may start up to a week before `from` and still reach into the range. Near the ends of the calendar the
        // days are kept inside it (a window may last a week, so none starts in its last eight days).
        var first = ZonedTime.ToLocal(from, zone).Date;
        first = first < DateTime.MinValue.AddDays(8) ? DateTime.MinValue : first.AddDays(-8);
        var last = ZonedTime.ToLocal(to, zone).Date;
        last = last > DateTime.MaxValue.Date.AddDays(-9) ? DateTime.MaxValue.Date.AddDays(-8) : last.AddDays(1);
        foreach (var r in restrictions)
        {
            for (var day = first; day <= last; day = day.AddDays(1))
            {
                if (r.Weekly && day.DayOfWeek != r.StartDay)
                {
                    continue;
                }
                var localStart = day + r.StartTime.ToTimeSpan();
                // The end is a wall-clock time too, so "09:00-17:00" ends at 17:00 local even on a DST day.
                var start = ZonedTime.ToInstant(localStart, zone);
                var end = ZonedTime.ToInstant(localStart + r.Length, zone);
                if (end > from && start < to && start < end)
                {
                    raw.Add((start, end));
                }
            }
        }
        raw.Sort((a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<(DateTimeOffset Start, DateTimeOffset End)>();
        foreach (var w in raw)
        {
            if (merged.Count > 0 && w.Start <= merged[^1].End)
            {
                if (w.End > merged[^1].End)
                {
                    merged[^1] = (merged[^1].Start, w.End);
                }
            }
            else
            {
                merged.Add(w);
            }
        }
        return merged;
    }
}
