namespace Vigil.Server.Hosting;

/// <summary>
/// When a periodic job is next due, on a fixed grid of due times rather than an interval after its last run.
/// </summary>
/// <remarks>
/// A timer tick is read a few milliseconds late, by a different few each time. Judged by "an interval since the last
/// run's clock reading", a tick read a hair earlier than the one before came out just under the interval and was
/// skipped: measured on a server, metric checkpoints ran every 30 or 60 s at random instead of every 30 s, so a series
/// could wait up to ten minutes for its checkpoint (and the journal a crash must replay doubled). A tick is never
/// early for the grid, so every tick on it finds the job due.
/// </remarks>
public sealed class Cadence
{
    private DateTimeOffset _next;

    /// <summary>A job first due <paramref name="interval"/> after <paramref name="start"/> (read before the timer starts).</summary>
    public Cadence(DateTimeOffset start, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _next = start + interval;
    }

    public DateTimeOffset NextDue => _next;

    public bool IsDue(DateTimeOffset now) => now >= _next;

    /// <summary>The job ran at <paramref name="now"/>: it is next due at the first grid time after that, every
    /// <paramref name="interval"/> from the last due time (a run that overran skips the times it missed; a changed
    /// interval starts its grid at the last due time).</summary>
    public void Ran(DateTimeOffset now, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        if (_next <= now)
        {
            _next += interval * (Math.Floor((now - _next) / interval) + 1);
        }
    }
}
