using Vigil.Core.Config;
using Vigil.Core.Dispatch;
using Vigil.Core.Incidents;
using Vigil.Core.Notifications;
using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Dispatch;

/// <summary>
/// When a flush pages, compared with Alertmanager's notification pipeline (a review found each case; every test failed
/// before its fix). The outbox keeps the first row of a dedup key (<c>ON CONFLICT DO NOTHING</c>), so what a receiver
/// hears is <see cref="Stored"/>, not every row queued.
/// </summary>
public class AlertmanagerNotifyParityTests
{
    private const string Yaml = """
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 4h
        receivers:
          - name: ops
            webhook_configs:
              - url: http://hooks.test/a
                send_resolved: true
        incidents:
          reopen_window: 1h
        """;

    [Fact]
    public void An_incident_resolved_again_after_a_reopening_sends_its_second_resolution()
    {
        var h = new DispatchHarness(Yaml);
        var a = h.Fire(("alertname", "Flappy"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Resolve(a);
        h.Advance(TimeSpan.FromMinutes(5));
        h.Refire(a);
        h.Advance(TimeSpan.FromMinutes(5));
        h.Resolve(a);
        h.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(IncidentStatus.Resolved, h.Incidents[1].Status);
        Assert.Equal(["firing", "resolved", "firing", "resolved"], Stored(h).Select(m => m.Message.Status));
    }

    [Fact]
    public void A_member_that_resolves_and_fires_again_is_paged_again()
    {
        var h = new DispatchHarness(Yaml);
        var a = h.Fire(("alertname", "Disk"), ("instance", "a"));
        h.Fire(("alertname", "Disk"), ("instance", "b"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Resolve(a);
        h.Advance(TimeSpan.FromMinutes(5));
        h.Refire(a);
        h.Advance(TimeSpan.FromMinutes(5));

        Assert.Contains(TimelineKind.AlertRefired, h.Kinds(1));
        Assert.Equal(3, Stored(h).Count);
    }

    [Fact]
    public void A_redone_flush_is_not_a_second_page()
    {
        var h = new DispatchHarness(Yaml);
        h.Fire(("alertname", "Disk"));
        var restored = new Dispatcher(h.Config, h.Dispatcher.LastIncidentId, h.Dispatcher.ExportGroups(), h.Dispatcher.TrackedIncidents);
        foreach (var alert in h.Alerts.Values)
        {
            restored.Observe(alert);
        }
        h.Clock.Advance(TimeSpan.FromSeconds(30));

        // The same due flush run twice (a commit that failed, redone after the dispatcher was rebuilt from storage).
        var first = h.Dispatcher.Flush(h.Now, _ => false);
        h.Clock.Advance(TimeSpan.FromSeconds(3));
        var redo = restored.Flush(h.Now, _ => false);

        Assert.Equal(Assert.Single(first.Outbox).DedupKey, Assert.Single(redo.Outbox).DedupKey);
    }

    [Fact]
    public void A_partial_resolution_does_not_page_an_integration_without_send_resolved()
    {
        var h = new DispatchHarness(Yaml.Replace("send_resolved: true", "send_resolved: false", StringComparison.Ordinal));
        var a = h.Fire(("alertname", "Disk"), ("instance", "a"));
        h.Fire(("alertname", "Disk"), ("instance", "b"));
        h.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(Outbox(h));
        h.Resolve(a);
        h.Advance(TimeSpan.FromMinutes(5));

        Assert.Single(Outbox(h));
    }

    [Fact]
    public void A_page_to_an_integration_without_send_resolved_lists_only_firing_alerts()
    {
        var h = new DispatchHarness(Yaml.Replace("send_resolved: true", "send_resolved: false", StringComparison.Ordinal));
        var a = h.Fire(("alertname", "Disk"), ("instance", "a"));
        h.Fire(("alertname", "Disk"), ("instance", "b"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Resolve(a);
        h.Fire(("alertname", "Disk"), ("instance", "c"));
        h.Advance(TimeSpan.FromMinutes(5));

        var page = Outbox(h)[^1].Message;
        Assert.Equal(["firing", "firing"], page.Alerts.Select(x => x.Status));
        Assert.DoesNotContain(page.Alerts, x => x.Labels["instance"] == "a");
    }

    [Fact]
    public void After_the_routes_receiver_is_renamed_an_open_incident_pages_the_new_one()
    {
        var h = new DispatchHarness(Yaml);
        h.Fire(("alertname", "Disk"), ("instance", "a"));
        h.Advance(TimeSpan.FromMinutes(1));
        Reload(h, ParseConfig(Yaml.Replace("ops", "ops-pager", StringComparison.Ordinal)));
        h.Fire(("alertname", "Disk"), ("instance", "b"));
        h.Advance(TimeSpan.FromMinutes(5));

        Assert.Contains(Outbox(h), m => m.Channel.StartsWith("receiver:ops-pager/", StringComparison.Ordinal));
        Assert.Equal("ops-pager", h.Incidents[1].Receiver);
        Assert.Contains(h.Timeline, e => e.Kind == TimelineKind.Note && e.Message.StartsWith("Receiver is now ops-pager (was ops)", StringComparison.Ordinal));
    }

    [Fact]
    public void An_alert_older_than_group_wait_flushes_a_new_group_at_once()
    {
        var h = new DispatchHarness(Yaml.Replace("group_wait: 30s", "group_wait: 5m", StringComparison.Ordinal));
        h.Ingest(Firing(h.Now, ("alertname", "Disk")) with { StartsAt = h.Now.AddHours(-1) });
        Assert.Equal(h.Now, h.Dispatcher.NextDue);

        h.Fire(("alertname", "Fresh"));
        Assert.Equal(h.Now, h.Dispatcher.NextDue);
        h.Flush();
        Assert.Equal(h.Now.AddMinutes(5), h.Dispatcher.NextDue);
    }

    [Fact]
    public void An_alert_starting_at_the_end_of_the_calendar_waits_its_group_wait()
    {
        var h = new DispatchHarness(Yaml.Replace("group_wait: 30s", "group_wait: 5m", StringComparison.Ordinal));
        h.Ingest(Firing(h.Now, ("alertname", "Far")) with { StartsAt = DateTimeOffset.MaxValue.AddMinutes(-1), EndsAt = DateTimeOffset.MaxValue });

        Assert.Equal(h.Now.AddMinutes(5), h.Dispatcher.NextDue);
    }

    [Fact]
    public void A_fresh_group_waiting_is_brought_forward_by_an_old_alert_joining_it()
    {
        var h = new DispatchHarness(Yaml.Replace("group_wait: 30s", "group_wait: 5m", StringComparison.Ordinal));
        h.Fire(("alertname", "Disk"), ("instance", "a"));
        Assert.Equal(h.Now.AddMinutes(5), h.Dispatcher.NextDue);
        h.Clock.Advance(TimeSpan.FromMinutes(1));

        h.Ingest(Firing(h.Now, ("alertname", "Disk"), ("instance", "b")) with { StartsAt = h.Now.AddHours(-1) });

        Assert.Equal(h.Now, h.Dispatcher.NextDue);
    }

    [Fact]
    public void A_member_unmuted_after_a_page_that_left_it_out_is_paged()
    {
        var h = new DispatchHarness(Yaml);
        var a = h.Fire(("alertname", "Disk"), ("instance", "a"));
        var b = h.Fire(("alertname", "Disk"), ("instance", "b"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Muted.Add(a.Fingerprint);
        h.Resolve(b);
        h.Advance(TimeSpan.FromMinutes(5)); // pages b resolved; a is left out (muted)
        Assert.Equal(2, Outbox(h).Count);

        h.Muted.Remove(a.Fingerprint);
        h.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(3, Stored(h).Count);
        Assert.Contains(h.Timeline, e => e.Message.EndsWith("is firing and no longer silenced or inhibited", StringComparison.Ordinal));
    }

    [Fact]
    public void A_member_muted_while_nothing_was_sent_is_not_paged_again_when_unmuted()
    {
        // The last page still lists it firing: nothing new for the receiver (Alertmanager's notification log agrees).
        var h = new DispatchHarness(Yaml);
        var a = h.Fire(("alertname", "Disk"), ("instance", "a"));
        h.Fire(("alertname", "Disk"), ("instance", "b"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Muted.Add(a.Fingerprint);
        h.Advance(TimeSpan.FromMinutes(10));
        h.Muted.Remove(a.Fingerprint);
        h.Advance(TimeSpan.FromMinutes(10));

        Assert.Single(Outbox(h));
    }

    private static List<OutboxMessage> Outbox(DispatchHarness h) => h.Changes.SelectMany(c => c.Outbox).ToList();

    /// <summary>What the store keeps: the first row of each dedup key.</summary>
    private static List<OutboxMessage> Stored(DispatchHarness h)
    {
        var seen = new HashSet<string>();
        return Outbox(h).Where(m => seen.Add(m.DedupKey)).ToList();
    }

    private static void Reload(DispatchHarness h, VigilConfig config)
    {
        var old = h.Dispatcher;
        var fresh = new Dispatcher(config, old.LastIncidentId, old.ExportGroups(), old.TrackedIncidents);
        foreach (var alert in h.Alerts.Values)
        {
            fresh.Observe(alert);
        }
        h.Replace(fresh);
        h.Flush();
    }
}
