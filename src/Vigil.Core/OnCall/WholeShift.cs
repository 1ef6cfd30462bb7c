namespace Vigil.Core.OnCall;

/// <summary>
/// The whole entry of the final schedule that covers an instant, from the handoff before it to the handoff after it:
/// "who is on call, since when and until when". A shift can last far longer than a month (a 12-week rotation) or be
/// cut short by restrictions, overrides and swaps, so it is found by computing a window around the instant and widening
/// it on each side the entry still reaches. The work stays bounded: the window doubles (a handful of computations) and
/// never reaches further than <see cref="Reach"/> either side, so a shift running on past that (a one-person layer never
/// hands off) is reported cut at that distance.
/// </summary>
public static class WholeShift
{
    /// <summary>The first window either side: most shifts are a day or a week, found in one computation.</summary>
    public static readonly TimeSpan FirstLook = TimeSpan.FromDays(31);

    /// <summary>How far either side of the instant a handoff is looked for.</summary>
    public static readonly TimeSpan Reach = TimeSpan.FromDays(366);

    /// <summary>The range whose overrides and swaps <see cref="At"/> may need.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Bounds(DateTimeOffset at) => (Before(at, Reach), After(at, Reach));

    /// <summary>The entry covering <paramref name="at"/>, whole (within <see cref="Reach"/>), or null when nobody is on call.</summary>
    /// <param name="overrides">At least those overlapping <see cref="Bounds"/>.</param>
    /// <param name="swaps">At least those overlapping <see cref="Bounds"/>.</param>
    public static FinalEntry? At(Schedule schedule, IReadOnlyCollection<ScheduleOverride> overrides, IReadOnlyCollection<ShiftSwap> swaps, DateTimeOffset at)
    {
        var (back, ahead) = (FirstLook, FirstLook);
        while (true)
        {
            var (from, to) = (Before(at, back), After(at, ahead));
            var entry = FinalSchedule.Compute(schedule, overrides, swaps, from, to).FirstOrDefault(e => e.Start <= at && at < e.End);
            if (entry is null)
            {
                return null;
            }
            // An entry that starts or ends at the window's edge was cut there: look further on that side.
            var wider = false;
            if (entry.Start == from && back < Reach && from > DateTimeOffset.MinValue)
            {
                back = Widen(back);
                wider = true;
            }
            if (entry.End == to && ahead < Reach && to < DateTimeOffset.MaxValue)
            {
                ahead = Widen(ahead);
                wider = true;
            }
            if (!wider)
            {
                return entry;
            }
        }
    }

    private static TimeSpan Widen(TimeSpan look) => look * 2 < Reach ? look * 2 : Reach;

    private static DateTimeOffset Before(DateTimeOffset at, TimeSpan look) =>
        at.UtcTicks - DateTimeOffset.MinValue.UtcTicks < look.Ticks ? DateTimeOffset.MinValue : at - look;

    private static DateTimeOffset After(DateTimeOffset at, TimeSpan look) =>
        DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks < look.Ticks ? DateTimeOffset.MaxValue : at + look;
}
