namespace Vigil.Server.Hosting;

/// <summary>
/// When a periodic job is next due, on a fixed grid of due times rather than an interval after its last run.
/// </summary>
/// <remarks>
/// A timer tick is read a few milliseconds off, by a different few each time. Judged by "an interval since the last
/// run's clock reading", a tick read a hair earlier than the one before came out just under the interval and was
/// skipped: measured on a server, metric checkpoints ran every 30 or 60 s at random instead of every 30 s, so a series
/// could wait up to ten minutes for its checkpoint (and the journal a crash must replay doubled). A tick can also be
/// read a little before its grid time — the timer counts on the monotonic clock, the job reads the wall clock — so a
/// tenth of the interval early counts as on time (measured: a grid without that slack still skipped one tick in ten).
/// </remarks>
public sealed class Cadence
{
    private DateTimeOffset _next;

    /// <summary>A job first due <paramref name="interval"/> after <paramref name="start"/> (read before the timer starts).</summary>
    public Cadence(DateTimeOffset start, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _next = start + interval;
        Slack = interval / 10;
    }

    public DateTimeOffset NextDue => _next;

    /// <summary>How early a reading may be and still count as the tick of <see cref="NextDue"/>.</summary>
    public TimeSpan Slack { get; private set; }

    public bool IsDue(DateTimeOffset now) => now >= _next - Slack;

    /// <summary>The job ran for the due time at or before <paramref name="now"/> (<paramref name="now"/> may be up to
    /// <see cref="Slack"/> before it): next due <paramref name="interval"/> later, or at the first grid time after
    /// <paramref name="now"/> if the run overran (the times it missed are skipped; a changed interval continues the
    /// grid from the last due time).</summary>
    public void Ran(DateTimeOffset now, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var overrun = now - _next;
        _next += interval * (overrun < TimeSpan.Zero ? 1 : Math.Floor(overrun / interval) + 1);
        Slack = interval / 10;
    }
}
