using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Slo.Budget;

/// <summary>The interval an SLO's budget covers at a given moment: [<see cref="Start"/>, <see cref="End"/>).</summary>
public readonly record struct SloWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public int Minutes => (int)(End - Start).TotalMinutes;

    /// <summary>
    /// True for a rolling window: its start moves every minute, so its time slices are aligned to the clock (Unix epoch
    /// multiples of the slice length) rather than to the start; a calendar window's slices start at the window start.
    /// </summary>
    public bool IsRolling { get; init; }

    /// <summary>
    /// The minute the first time slice of <paramref name="sliceMinutes"/> starts at: the window start for a calendar
    /// window, the first epoch multiple of the slice length at or after the start for a rolling one (a slice straddling
    /// the start is not complete inside the window, so it is not judged).
    /// </summary>
    public long FirstSliceMinute(int sliceMinutes)
    {
        var start = Start.ToUnixTimeSeconds() / 60;
        if (!IsRolling || sliceMinutes <= 1)
        {
            return start;
        }
        var rest = ((start % sliceMinutes) + sliceMinutes) % sliceMinutes;
        return rest == 0 ? start : start + sliceMinutes - rest;
    }

    /// <summary>
    /// A rolling window is the last duration up to <paramref name="now"/> (whole minutes). A calendar window is the
    /// period containing <paramref name="now"/>, counted in local wall-clock time of its zone from the start time, so
    /// a "1d" period runs midnight to midnight even across a daylight-saving change (23 or 25 hours), and "1M" runs
    /// to the same day of the next month.
    /// </summary>
    public static SloWindow At(TimeWindow window, DateTimeOffset now)
    {
        var minute = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        if (window.IsRolling || window.Calendar is null)
        {
            return new SloWindow(minute - window.Duration.ToTimeSpan(), minute) { IsRolling = true };
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById(window.Calendar.TimeZone);
        var localNow = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var start = window.Calendar.StartTime;
        var duration = window.Duration;
        // Estimate the period index from average lengths (exact for fixed units, a few periods off for months over
        // centuries), then step to the exact one. The parser keeps startTime within 1900-2200, so the index of even a 1m
        // period fits an int; clamping it to ±100,000 made a 1m window started in 1900 step 66 million times per call.
        var index = (long)Math.Floor((localNow - start).TotalDays / duration.ToTimeSpan().TotalDays);
        var k = (int)Math.Clamp(index, int.MinValue / 2, int.MaxValue / 2);
        while (duration.AddTo(start, k) > localNow)
        {
            k--;
        }
        while (duration.AddTo(start, k + 1) <= localNow)
        {
            k++;
        }
        return new SloWindow(ToUtc(duration.AddTo(start, k), zone), ToUtc(duration.AddTo(start, k + 1), zone));
    }

    /// <summary>Local times in a daylight-saving gap do not exist; they move forward by the gap, as clocks do.</summary>
    private static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone), TimeSpan.Zero);
    }
}
