using Vigil.Server.Hosting;

namespace Vigil.Server.Tests.Hosting;

public sealed class CadenceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [Fact]
    public void Every_tick_of_the_grid_finds_the_job_due_however_late_each_is_read()
    {
        // Readings a few milliseconds past each grid time, each later or earlier than the one before (as a timer's are);
        // "30 s since the last run's reading" was under 30 s at 60.001, 120.000 and 150.002 and skipped them.
        int[] lateMs = [12, 1, 9, 0, 2, 7, 3, 3, 15, 0];
        var cadence = new Cadence(Start, Interval);
        var ran = 0;
        for (var k = 0; k < lateMs.Length; k++)
        {
            var now = Start + (Interval * (k + 1)) + TimeSpan.FromMilliseconds(lateMs[k]);
            Assert.True(cadence.IsDue(now), $"tick {k + 1} read {lateMs[k]} ms late was not due");
            cadence.Ran(now, Interval);
            ran++;
            Assert.False(cadence.IsDue(now + TimeSpan.FromSeconds(26))); // the next is 30 s on, 3 s of slack
        }
        Assert.Equal(10, ran);
    }

    [Fact]
    public void A_tick_read_a_little_before_its_grid_time_is_on_time_and_the_next_is_a_full_interval_on()
    {
        // The timer counts on the monotonic clock, the job reads the wall clock: a tick can come out a little early.
        var cadence = new Cadence(Start, Interval);
        var early = Start + Interval - TimeSpan.FromMilliseconds(1);
        Assert.True(cadence.IsDue(early));
        cadence.Ran(early, Interval);
        Assert.Equal(Start + (2 * Interval), cadence.NextDue);
        Assert.False(cadence.IsDue(Start + Interval + TimeSpan.FromSeconds(26))); // more than the slack (3 s) before the next
    }

    [Fact]
    public void Not_due_before_its_first_interval()
    {
        var cadence = new Cadence(Start, Interval);
        Assert.False(cadence.IsDue(Start + Interval - cadence.Slack - TimeSpan.FromTicks(1)));
        Assert.True(cadence.IsDue(Start + Interval - cadence.Slack));
    }

    [Fact]
    public void A_run_that_overran_skips_the_due_times_it_missed_without_drifting()
    {
        var cadence = new Cadence(Start, Interval);
        cadence.Ran(Start + TimeSpan.FromSeconds(95), Interval); // due at 30, read at 95 (a slow save before it)
        Assert.Equal(Start + TimeSpan.FromSeconds(120), cadence.NextDue);
        cadence.Ran(Start + TimeSpan.FromSeconds(120), Interval); // exactly on the grid: the next one is a full interval on
        Assert.Equal(Start + TimeSpan.FromSeconds(150), cadence.NextDue);
    }

    [Fact]
    public void A_failed_run_that_is_not_recorded_stays_due_for_the_next_tick()
    {
        var cadence = new Cadence(Start, Interval);
        Assert.True(cadence.IsDue(Start + Interval)); // the job failed: Ran is not called
        Assert.True(cadence.IsDue(Start + (2 * Interval)));
    }

    [Fact]
    public void A_changed_interval_counts_from_the_last_due_time()
    {
        var cadence = new Cadence(Start, Interval);
        cadence.Ran(Start + TimeSpan.FromSeconds(30.004), TimeSpan.FromMinutes(5));
        Assert.Equal(Start + TimeSpan.FromSeconds(330), cadence.NextDue);
    }

    [Fact]
    public void An_interval_that_is_not_positive_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Cadence(Start, TimeSpan.Zero));
        var cadence = new Cadence(Start, Interval);
        Assert.Throws<ArgumentOutOfRangeException>(() => cadence.Ran(Start + Interval, TimeSpan.FromSeconds(-1)));
    }
}
