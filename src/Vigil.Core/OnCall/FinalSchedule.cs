namespace Vigil.Core.OnCall;

public enum EntrySource
{
    Layer,
    Swap,
    Override,
}

/// <summary>One stretch of the final schedule: who is on call in [Start, End) and why.</summary>
/// <param name="Layer">The layer the shift comes from (null for an override over a gap).</param>
/// <param name="ReferenceId">The override or swap id when <see cref="Source"/> is not <see cref="EntrySource.Layer"/>.</param>
public sealed record FinalEntry(string User, DateTimeOffset Start, DateTimeOffset End, EntrySource Source, string? Layer, string? ReferenceId);

/// <summary>A stretch with nobody on call.</summary>
public sealed record ScheduleGap(DateTimeOffset Start, DateTimeOffset End);

/// <summary>
/// The final schedule: a pure function of (layers, overrides, swaps, range). Precedence, lowest first: layers in
/// order (a later layer wins wherever it has someone), accepted swaps in the order they were accepted, overrides
/// (newest wins). The result is ordered, non-overlapping and inside [from, to).
/// </summary>
public static class FinalSchedule
{
    public static IReadOnlyList<FinalEntry> Compute(
        Schedule schedule, IEnumerable<ScheduleOverride> overrides, IEnumerable<ShiftSwap> swaps, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (to <= from)
        {
            return [];
        }
        var layers = schedule.Layers.Select(l => LayerShifts.Compute(l, schedule.TimeZone, from, to)).ToList();
        var activeOverrides = overrides
            .Where(o => o.DeletedAt is null && o.Schedule == schedule.Name && o.End > from && o.Start < to && o.Start < o.End)
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id, StringComparer.Ordinal)
            .ToList();
        var activeSwaps = swaps
            .Where(s => s.Status == SwapStatus.Accepted && s.ToUser is not null && s.Schedule == schedule.Name && s.End > from && s.Start < to && s.Start < s.End)
            .OrderBy(s => s.DecidedAt ?? s.CreatedAt).ThenBy(s => s.Id, StringComparer.Ordinal)
            .ToList();

        var cuts = new SortedSet<DateTimeOffset> { from, to };
        foreach (var shift in layers.SelectMany(l => l))
        {
            cuts.Add(shift.Start);
            cuts.Add(shift.End);
        }
        foreach (var o in activeOverrides)
        {
            cuts.Add(Clamp(o.Start, from, to));
            cuts.Add(Clamp(o.End, from, to));
        }
        foreach (var s in activeSwaps)
        {
            cuts.Add(Clamp(s.Start, from, to));
            cuts.Add(Clamp(s.End, from, to));
        }

        var result = new List<FinalEntry>();
        var cursors = new int[layers.Count];
        var points = cuts.ToArray();
        for (var i = 0; i + 1 < points.Length; i++)
        {
            var (start, end) = (points[i], points[i + 1]);
            if (Resolve(schedule, layers, cursors, activeSwaps, activeOverrides, start) is not { } entry)
            {
                continue;
            }
            entry = entry with { Start = start, End = end };
            if (result.Count > 0 && result[^1] is var last && last.End == start && last.User == entry.User && last.Source == entry.Source
                && last.Layer == entry.Layer && last.ReferenceId == entry.ReferenceId)
            {
                result[^1] = last with { End = end };
            }
            else
            {
                result.Add(entry);
            }
        }
        return result;
    }

    /// <summary>Who is on call at one instant, or null when nobody is.</summary>
    public static FinalEntry? OnCallAt(Schedule schedule, IEnumerable<ScheduleOverride> overrides, IEnumerable<ShiftSwap> swaps, DateTimeOffset at) =>
        Compute(schedule, overrides, swaps, at, at.AddTicks(1)).FirstOrDefault();

    /// <summary>The stretches of [from, to) that no entry covers.</summary>
    public static IReadOnlyList<ScheduleGap> Gaps(IReadOnlyList<FinalEntry> entries, DateTimeOffset from, DateTimeOffset to)
    {
        var gaps = new List<ScheduleGap>();
        var cursor = from;
        foreach (var e in entries)
        {
            if (e.Start > cursor)
            {
                gaps.Add(new ScheduleGap(cursor, e.Start));
            }
            cursor = e.End > cursor ? e.End : cursor;
        }
        if (cursor < to)
        {
            gaps.Add(new ScheduleGap(cursor, to));
        }
        return gaps;
    }

    private static DateTimeOffset Clamp(DateTimeOffset t, DateTimeOffset from, DateTimeOffset to) => t < from ? from : t > to ? to : t;

    // Segments are visited in time order, so each layer's cursor only moves forward.
    private static FinalEntry? Resolve(Schedule schedule, List<List<LayerShift>> layers, int[] cursors, List<ShiftSwap> swaps,
        List<ScheduleOverride> overrides, DateTimeOffset at)
    {
        FinalEntry? entry = null;
        for (var l = 0; l < layers.Count; l++)
        {
            var shifts = layers[l];
            while (cursors[l] < shifts.Count && shifts[cursors[l]].End <= at)
            {
                cursors[l]++;
            }
            if (cursors[l] < shifts.Count && shifts[cursors[l]].Start <= at)
            {
                entry = new FinalEntry(shifts[cursors[l]].User, at, at, EntrySource.Layer, schedule.Layers[l].Name, null);
            }
        }
        foreach (var swap in swaps)
        {
            if (entry is not null && swap.Start <= at && at < swap.End && entry.User == swap.FromUser)
            {
                entry = entry with { User = swap.ToUser!, Source = EntrySource.Swap, ReferenceId = swap.Id };
            }
        }
        // Sorted newest first: the first covering override wins.
        foreach (var o in overrides)
        {
            if (o.Start <= at && at < o.End)
            {
                return new FinalEntry(o.User, at, at, EntrySource.Override, entry?.Layer, o.Id);
            }
        }
        return entry;
    }
}
