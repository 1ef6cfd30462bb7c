using Vigil.Core.Incidents;
using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Dispatch;

public class DispatcherTimingTests
{
    private static readonly (string, string)[] Latency = [("alertname", "HighLatency"), ("service", "checkout")];

    [Fact]
    public void First_flush_waits_for_group_wait()
    {
        var h = new DispatchHarness();
        h.Fire([.. Latency, ("instance", "a")]);

        Assert.Equal(T0.AddSeconds(30), h.Dispatcher.NextDue);
        h.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.True(h.Flush().IsEmpty);
        Assert.Empty(h.Incidents);

        h.Clock.Advance(TimeSpan.FromSeconds(1));
        var changes = h.Flush();

        Assert.Single(changes.Incidents);
        Assert.Equal(T0.AddSeconds(30), h.Single().CreatedAt);
    }

    [Fact]
    public void Alerts_arriving_during_group_wait_join_the_first_flush()
    {
        var h = new DispatchHarness();
        h.Fire([.. Latency, ("instance", "a")]);
        h.Clock.Advance(TimeSpan.FromSeconds(20));
        h.Fire([.. Latency, ("instance", "b")]);
        h.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(2, h.Single().Alerts.Count);
        Assert.Equal([TimelineKind.Created, TimelineKind.AlertAdded, TimelineKind.AlertAdded], h.Kinds(1));
    }

    [Fact]
    public void Changes_after_the_first_flush_wait_for_the_next_group_interval()
    {
        var h = new DispatchHarness();
        h.Fire([.. Latency, ("instance", "a")]);
        h.Advance(TimeSpan.FromMinutes(1)); // first flush at 0:30
        h.Fire([.. Latency, ("instance", "b")]);

        Assert.Equal(T0.AddSeconds(30).AddMinutes(5), h.Dispatcher.NextDue);
        h.Clock.SetUtcNow(T0.AddMinutes(5).AddSeconds(29));
        Assert.True(h.Flush().IsEmpty);

        h.Advance(TimeSpan.FromSeconds(1));

        var added = h.Timeline.Last();
        Assert.Equal(TimelineKind.AlertAdded, added.Kind);
        Assert.Equal(T0.AddMinutes(5).AddSeconds(30), added.At);
    }

    [Fact]
    public void Group_interval_ticks_without_change_write_nothing()
    {
        var h = new DispatchHarness();
        h.Fire(Latency);
        h.Advance(TimeSpan.FromMinutes(1));
        var before = h.Changes.Count(c => !c.IsEmpty);

        h.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(before, h.Changes.Count(c => !c.IsEmpty));
    }

    [Fact]
    public void Repeat_interval_without_change_adds_a_reminder()
    {
        var h = new DispatchHarness();
        h.Fire(Latency);
        h.Advance(TimeSpan.FromMinutes(1));

        h.Advance(TimeSpan.FromHours(4) - TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(TimelineKind.Reminder, h.Kinds(1));

        h.Advance(TimeSpan.FromMinutes(1)); // 4h after the flush at 0:30, on the group_interval grid
        var reminder = Assert.Single(h.Timeline, e => e.Kind == TimelineKind.Reminder);
        Assert.Equal(T0.AddSeconds(30).AddHours(4), reminder.At);
        Assert.Equal(IncidentLifecycle.SystemActor, reminder.Actor);

        h.Advance(TimeSpan.FromHours(4));
        Assert.Equal(2, h.Kinds(1).Count(k => k == TimelineKind.Reminder));
    }

    [Fact]
    public void Acknowledged_incidents_get_no_reminders()
    {
        var h = new DispatchHarness();
        h.Fire(Latency);
        h.Advance(TimeSpan.FromMinutes(1));
        h.Act(1, i => IncidentLifecycle.Acknowledge(i, "alice", h.Now));

        h.Advance(TimeSpan.FromHours(9));

        Assert.DoesNotContain(TimelineKind.Reminder, h.Kinds(1));
    }

    [Fact]
    public void Groups_have_independent_timers()
    {
        var h = new DispatchHarness();
        h.Fire(Latency);
        h.Clock.Advance(TimeSpan.FromSeconds(10));
        h.Fire(("alertname", "DiskFull"), ("service", "search"));

        h.Advance(TimeSpan.FromSeconds(20));
        Assert.Single(h.Incidents);
        Assert.Equal(T0.AddSeconds(40), h.Dispatcher.NextDue);

        h.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, h.Incidents.Count);
    }

    [Fact]
    public void Late_flush_stays_on_the_group_interval_grid()
    {
        var h = new DispatchHarness();
        h.Fire(Latency);
        h.Clock.SetUtcNow(T0.AddMinutes(12)); // flushing 11.5 minutes late
        h.Flush();

        Assert.Equal(T0.AddSeconds(30).AddMinutes(15), h.Dispatcher.NextDue);
    }

    [Fact]
    public void Flushed_group_state_is_persisted_with_its_due_time()
    {
        var h = new DispatchHarness();
        h.Fire(Latency);
        h.Advance(TimeSpan.FromMinutes(1));

        var record = Assert.Single(h.Groups.Values);
        Assert.Equal("{}:{alertname=\"HighLatency\", service=\"checkout\"}", record.Key);
        Assert.Equal(T0.AddSeconds(30).AddMinutes(5), record.DueAt);
        Assert.Contains("\"incidentId\":1", record.StateJson);
    }
}
