using Vigil.Core.Incidents;
using Vigil.Core.Notifications;
using Vigil.Core.Store;
using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Dispatch;

/// <summary>
/// A route's mute_time_intervals / active_time_intervals stop its receiver's notifications, not its incidents (found by
/// a review: both keys were accepted and ignored, so a business-hours route paged at 3 am). T0 is Thursday 12:00 UTC.
/// </summary>
public class DispatcherTimeIntervalTests
{
    private const string Yaml = """
        time_intervals:
          - name: lunch
            time_intervals:
              - times: [{start_time: "12:00", end_time: "13:00"}]
          - name: business-hours
            time_intervals:
              - weekdays: ['monday:friday']
                times: [{start_time: "09:00", end_time: "17:00"}]
                location: Europe/Berlin
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 4h
          routes:
            - matchers: ['team="lunch"']
              receiver: pager
              mute_time_intervals: [lunch]
            - matchers: ['team="office"']
              receiver: pager
              active_time_intervals: [business-hours]
            - matchers: ['severity="critical"']
              receiver: chat
              active_time_intervals: [business-hours]
              continue: true
            - matchers: ['severity="critical"']
              receiver: pager
              mute_time_intervals: [business-hours]
        receivers:
          - name: default
          - name: chat
            webhook_configs: [{url: "http://chat.test/hook"}]
          - name: pager
            webhook_configs: [{url: "http://pager.test/hook"}]
        """;

    private static List<OutboxMessage> Pages(DispatchHarness h) => h.Changes.SelectMany(c => c.Outbox).ToList();

    private static List<TimelineEntry> Muted(DispatchHarness h) => h.Timeline.Where(e => e.Kind == TimelineKind.NotificationMuted).ToList();

    [Fact]
    public void A_muted_route_opens_and_updates_its_incident_but_queues_no_page()
    {
        var h = new DispatchHarness(Yaml);
        h.Fire(("alertname", "DiskFull"), ("team", "lunch"), ("instance", "a"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Fire(("alertname", "DiskFull"), ("team", "lunch"), ("instance", "b"));
        h.Advance(TimeSpan.FromMinutes(5));

        var incident = h.Single();
        Assert.Equal((IncidentStatus.Triggered, 2, "pager"), (incident.Status, incident.Alerts.Count, incident.Receiver));
        Assert.Empty(Pages(h));
        Assert.Equal(2, Muted(h).Count); // the opening and the second alert joining
        Assert.Equal(
            "Notification to receiver \"pager\" muted: its route is inside mute time interval \"lunch\"; its current state is sent at the first flush after the mute ends if the incident still fires unacknowledged",
            Muted(h)[0].Message);
    }

    [Fact]
    public void An_active_time_intervals_route_pages_only_inside_its_hours()
    {
        var night = new DispatchHarness(Yaml);
        night.Clock.SetUtcNow(new DateTimeOffset(2026, 1, 3, 2, 0, 0, TimeSpan.Zero)); // Saturday 03:00 in Berlin
        night.Fire(("alertname", "QueueSlow"), ("team", "office"));
        night.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(IncidentStatus.Triggered, night.Single().Status);
        Assert.Empty(Pages(night));
        Assert.Contains("outside active time interval \"business-hours\"", Assert.Single(Muted(night)).Message, StringComparison.Ordinal);

        var office = new DispatchHarness(Yaml);
        office.Clock.SetUtcNow(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero)); // Monday 10:00 in Berlin
        office.Fire(("alertname", "QueueSlow"), ("team", "office"));
        office.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal("receiver:pager/webhook/0", Assert.Single(Pages(office)).Channel);
        Assert.Empty(Muted(office));
    }

    [Theory]
    [InlineData(2026, 1, 1, 12, "chat")]   // Thursday 13:00 in Berlin: the chat route is active, the pager muted
    [InlineData(2026, 1, 1, 22, "pager")]  // Thursday 23:00 in Berlin
    [InlineData(2026, 1, 3, 12, "pager")]  // Saturday
    public void An_active_route_that_continues_and_its_muted_sibling_page_exactly_one_receiver(int year, int month, int day, int hour, string receiver)
    {
        var h = new DispatchHarness(Yaml);
        h.Clock.SetUtcNow(new DateTimeOffset(year, month, day, hour, 0, 0, TimeSpan.Zero));
        h.Fire(("alertname", "CheckoutDown"), ("severity", "critical"));
        h.Advance(TimeSpan.FromMinutes(1));

        // One group, so one incident, per route; only one of them tells its receiver.
        Assert.Equal(["chat", "pager"], h.Incidents.Values.Select(i => i.Receiver).Order());
        Assert.All(h.Incidents.Values, i => Assert.Equal(IncidentStatus.Triggered, i.Status));
        Assert.Equal($"receiver:{receiver}/webhook/0", Assert.Single(Pages(h)).Channel);
        Assert.Single(Muted(h));
    }

    [Fact]
    public void A_page_held_back_by_a_mute_is_sent_once_at_the_first_flush_after_it_ends_also_after_a_restart()
    {
        var h = new DispatchHarness(Yaml);
        h.Fire(("alertname", "DiskFull"), ("team", "lunch"));
        h.Advance(TimeSpan.FromMinutes(30)); // opened at 12:00:30, then flushes every 5 minutes
        h.Restart();
        h.Advance(TimeSpan.FromMinutes(30)); // 13:00:00: the 12:55:30 flush was still inside the mute
        Assert.Empty(Pages(h));

        h.Advance(TimeSpan.FromMinutes(1)); // the 13:00:30 flush
        var page = Assert.Single(Pages(h));
        Assert.Equal(("receiver:pager/webhook/0", "firing", 1L), (page.Channel, page.Message.Status, page.IncidentId));
        Assert.Equal("held back until now (inside mute time interval \"lunch\")", page.Message.Reason);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 13, 0, 30, TimeSpan.Zero), page.CreatedAt);
        Assert.Equal("Mute over (its route was inside mute time interval \"lunch\"): sending the held-back state to receiver \"pager\"",
            Muted(h)[^1].Message);

        h.Advance(TimeSpan.FromHours(1)); // nothing changed: no second page (the next is the repeat_interval reminder)
        Assert.Single(Pages(h));
    }

    [Fact]
    public void An_incident_resolved_or_acknowledged_during_the_mute_is_not_paged_afterwards()
    {
        var h = new DispatchHarness(Yaml);
        var disk = h.Fire(("alertname", "DiskFull"), ("team", "lunch"));
        h.Fire(("alertname", "CpuHot"), ("team", "lunch"));
        h.Advance(TimeSpan.FromMinutes(10));
        h.Resolve(disk);
        var cpu = h.Incidents.Values.Single(i => i.Title.StartsWith("CpuHot", StringComparison.Ordinal));
        h.Act(cpu.Id, i => IncidentLifecycle.Acknowledge(i, "alice", h.Now));
        h.Advance(TimeSpan.FromMinutes(80));

        Assert.Equal(IncidentStatus.Resolved, h.Incidents.Values.Single(i => i.Title.StartsWith("DiskFull", StringComparison.Ordinal)).Status);
        Assert.Empty(Pages(h));
        Assert.Contains(Muted(h), e => e.Message.EndsWith("the resolution is not sent later", StringComparison.Ordinal));
    }

    [Fact]
    public void A_resolve_by_hand_during_the_mute_is_not_announced()
    {
        var h = new DispatchHarness(Yaml);
        var disk = h.Fire(("alertname", "DiskFull"), ("team", "lunch"));
        h.Advance(TimeSpan.FromMinutes(1));
        var resolved = h.Act(1, i => IncidentLifecycle.Resolve(i, "alice", h.Now));

        var changes = new ChangeSet();
        h.Dispatcher.QueueResolvedByHand(resolved, [disk], "alice", h.Now, changes);

        Assert.Empty(changes.Outbox);
        Assert.EndsWith("its route is inside mute time interval \"lunch\"; the resolution by hand is not sent later", Assert.Single(changes.Timeline).Message,
            StringComparison.Ordinal);
    }
}
