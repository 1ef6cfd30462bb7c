using Vigil.Core.Incidents;
using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Dispatch;

public class DispatcherIncidentTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    [Fact]
    public void First_flush_creates_a_triggered_incident_with_title_severity_and_priority()
    {
        var h = new DispatchHarness();
        var a = h.Fire(("alertname", "HighLatency"), ("service", "checkout"), ("instance", "a"), ("severity", "warning"));
        var b = h.Fire(("alertname", "HighLatency"), ("service", "checkout"), ("instance", "b"), ("severity", "critical"));
        h.Advance(TimeSpan.FromMinutes(1));

        var incident = h.Single();
        Assert.Equal(1, incident.Id);
        Assert.Equal("HighLatency on checkout", incident.Title);
        Assert.Equal(IncidentStatus.Triggered, incident.Status);
        Assert.Equal(Severity.Critical, incident.Severity);
        Assert.Equal("P1", incident.Priority);
        Assert.Equal("default", incident.Receiver);
        Assert.Equal(Labels(("alertname", "HighLatency"), ("service", "checkout")), incident.GroupLabels);
        Assert.Equal("{}:{alertname=\"HighLatency\", service=\"checkout\"}", incident.GroupKey);
        Assert.Equal(new[] { a.Fingerprint, b.Fingerprint }.Order(), incident.Alerts.Order());
        Assert.Equal([TimelineKind.Created, TimelineKind.AlertAdded, TimelineKind.AlertAdded], h.Kinds(1));
        Assert.All(h.Timeline, e => Assert.Equal("vigil", e.Actor));
    }

    [Fact]
    public void Incidents_are_numbered_after_the_last_stored_id()
    {
        var config = new DispatchHarness().Config;
        var dispatcher = new Core.Dispatch.Dispatcher(config, 41, [], []);
        dispatcher.Observe(Firing(T0, ("alertname", "X")));

        var changes = dispatcher.Flush(T0.AddMinutes(1), _ => false);

        Assert.Equal(42, Assert.Single(changes.Incidents).Id);
        Assert.Equal(42, dispatcher.LastIncidentId);
    }

    [Theory]
    [InlineData(null, Severity.Warning, "P3")]
    [InlineData("bogus", Severity.Warning, "P3")]
    [InlineData("page", Severity.Critical, "P1")]
    [InlineData("high", Severity.Error, "P2")]
    [InlineData("low", Severity.Info, "P4")]
    [InlineData("INFO", Severity.Info, "P4")]
    public void Severity_label_maps_to_severity_and_priority(string? label, Severity severity, string priority)
    {
        var h = new DispatchHarness();
        h.Fire(label is null ? [("alertname", "X")] : [("alertname", "X"), ("severity", label)]);
        h.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal((severity, priority), (h.Single().Severity, h.Single().Priority));
    }

    [Fact]
    public void Alert_joining_later_is_added_and_raises_severity()
    {
        var h = new DispatchHarness();
        h.Fire(("alertname", "X"), ("instance", "a"), ("severity", "warning"));
        h.Advance(TimeSpan.FromMinutes(1));
        var b = h.Fire(("alertname", "X"), ("instance", "b"), ("severity", "critical"));
        h.Advance(Interval);

        var incident = h.Single();
        Assert.Equal(2, incident.Alerts.Count);
        Assert.Equal((Severity.Critical, "P1"), (incident.Severity, incident.Priority));
        Assert.Equal(TimelineKind.AlertAdded, h.Timeline.Last().Kind);
        Assert.Contains(b.Fingerprint.ToString(), h.Timeline.Last().Message);
    }

    [Fact]
    public void Manually_set_priority_survives_severity_changes()
    {
        var h = new DispatchHarness();
        h.Fire(("alertname", "X"), ("instance", "a"), ("severity", "warning"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Act(1, i => IncidentLifecycle.SetPriority(i, "alice", h.Now, "P5"));
        h.Fire(("alertname", "X"), ("instance", "b"), ("severity", "critical"));
        h.Advance(Interval);

        Assert.Equal((Severity.Critical, "P5"), (h.Single().Severity, h.Single().Priority));
    }

    [Fact]
    public void Resolved_alert_is_recorded_and_dropped_from_the_group()
    {
        var h = new DispatchHarness();
        var a = h.Fire(("alertname", "X"), ("instance", "a"));
        h.Fire(("alertname", "X"), ("instance", "b"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Resolve(a);
        h.Advance(Interval);

        Assert.Equal(TimelineKind.AlertResolved, h.Timeline.Last().Kind);
        Assert.Equal(IncidentStatus.Triggered, h.Single().Status);
        Assert.DoesNotContain(a.Fingerprint, Assert.Single(h.Dispatcher.Groups).Alerts);

        h.Resolve(a); // Prometheus resends resolutions for a while
        h.Advance(Interval * 3);
        Assert.Single(h.Timeline, e => e.Kind == TimelineKind.AlertResolved);
    }

    [Fact]
    public void Alert_expiring_by_its_end_time_counts_as_resolved()
    {
        var h = new DispatchHarness();
        h.Ingest(Firing(T0, ("alertname", "X")) with { EndsAt = T0.AddMinutes(3), Timeout = true });
        h.Advance(TimeSpan.FromMinutes(1));
        h.Advance(Interval);

        Assert.Equal(IncidentStatus.Resolved, h.Single().Status);
    }

    [Fact]
    public void Incident_auto_resolves_when_all_its_alerts_resolve()
    {
        var h = new DispatchHarness();
        var a = h.Fire(("alertname", "X"), ("instance", "a"));
        var b = h.Fire(("alertname", "X"), ("instance", "b"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Resolve(a);
        h.Resolve(b);
        h.Advance(Interval);

        var incident = h.Single();
        Assert.Equal(IncidentStatus.Resolved, incident.Status);
        Assert.Equal(("vigil", T0.AddSeconds(30) + Interval), (incident.ResolvedBy, incident.ResolvedAt));
        Assert.Equal(
            [TimelineKind.Created, TimelineKind.AlertAdded, TimelineKind.AlertAdded, TimelineKind.AlertResolved, TimelineKind.AlertResolved, TimelineKind.AutoResolved],
            h.Kinds(1));
        Assert.Empty(h.Dispatcher.Groups);
    }

    [Fact]
    public void Alerts_resolved_before_the_first_flush_create_nothing()
    {
        var h = new DispatchHarness();
        var a = h.Fire(("alertname", "X"));
        h.Clock.Advance(TimeSpan.FromSeconds(10));
        h.Resolve(a);
        h.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(h.Incidents);
        Assert.Empty(h.Dispatcher.Groups);
        Assert.Null(h.Dispatcher.NextDue);
    }

    [Fact]
    public void Resolved_alert_never_seen_firing_creates_no_group()
    {
        var h = new DispatchHarness();
        h.Ingest(Firing(T0.AddHours(-1), ("alertname", "X")).Resolved(T0));

        Assert.Empty(h.Dispatcher.Groups);
        Assert.Null(h.Dispatcher.NextDue);
    }

    [Fact]
    public void Firing_again_within_the_reopen_window_reopens_the_incident()
    {
        var h = new DispatchHarness();
        var a = h.Fire(("alertname", "X"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Resolve(a);
        h.Advance(Interval);
        h.Advance(TimeSpan.FromMinutes(30));
        h.Refire(a);
        h.Advance(TimeSpan.FromMinutes(1));

        var incident = h.Single();
        Assert.Equal(IncidentStatus.Triggered, incident.Status);
        Assert.Null(incident.ResolvedAt);
        Assert.Equal([TimelineKind.Reopened, TimelineKind.AlertRefired], h.Kinds(1).TakeLast(2));
    }

    [Fact]
    public void Firing_again_after_the_reopen_window_opens_a_new_incident()
    {
        var h = new DispatchHarness();
        var a = h.Fire(("alertname", "X"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Resolve(a);
        h.Advance(Interval);
        h.Advance(TimeSpan.FromMinutes(61));

        Assert.Empty(h.Groups); // the kept-for-reopen group expired with the window
        Assert.Contains(h.Changes, c => c.DeletedGroups.Count == 1);

        h.Refire(a);
        h.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(2, h.Incidents.Count);
        Assert.Equal(IncidentStatus.Resolved, h.Incidents[1].Status);
        Assert.Equal(IncidentStatus.Triggered, h.Incidents[2].Status);
    }

    [Fact]
    public void Manually_resolved_incident_is_not_reopened_and_a_new_alert_opens_a_new_one()
    {
        var h = new DispatchHarness();
        h.Fire(("alertname", "X"), ("instance", "a"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Act(1, i => IncidentLifecycle.Resolve(i, "alice", h.Now));

        h.Advance(Interval * 2); // the alert that was already firing does not open a new incident
        Assert.Single(h.Incidents);

        h.Fire(("alertname", "X"), ("instance", "b"));
        h.Advance(Interval);

        Assert.Equal(2, h.Incidents.Count);
        Assert.Equal(("alice", IncidentStatus.Resolved), (h.Incidents[1].ResolvedBy, h.Incidents[1].Status));
        Assert.Equal(IncidentStatus.Triggered, h.Incidents[2].Status);
        Assert.Equal(2, h.Incidents[2].Alerts.Count);
    }

    [Fact]
    public void Manually_resolved_then_refired_alert_opens_a_new_incident_even_within_the_window()
    {
        var h = new DispatchHarness();
        var a = h.Fire(("alertname", "X"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Act(1, i => IncidentLifecycle.Resolve(i, "alice", h.Now));
        h.Resolve(a);
        h.Advance(Interval);
        h.Refire(a);
        h.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(2, h.Incidents.Count);
        Assert.DoesNotContain(TimelineKind.Reopened, h.Kinds(1));
    }

    [Fact]
    public void Acknowledged_incident_stays_acknowledged_when_alerts_join()
    {
        var h = new DispatchHarness();
        h.Fire(("alertname", "X"), ("instance", "a"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Act(1, i => IncidentLifecycle.Acknowledge(i, "alice", h.Now));
        h.Fire(("alertname", "X"), ("instance", "b"));
        h.Advance(Interval);

        Assert.Equal((IncidentStatus.Acknowledged, 2), (h.Single().Status, h.Single().Alerts.Count));
    }

    [Fact]
    public void Alerts_on_different_routes_and_groups_get_separate_incidents()
    {
        var h = new DispatchHarness();
        h.Fire(("alertname", "X"), ("service", "a"));
        h.Fire(("alertname", "X"), ("service", "b"));
        h.Fire(("alertname", "X"), ("service", "a"), ("team", "db"));
        h.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(3, h.Incidents.Count);
        Assert.Equal(["db", "default", "default"], h.Incidents.Values.Select(i => i.Receiver).Order());
    }

    [Fact]
    public void Receivers_and_groups_snapshot_reflect_routing()
    {
        var h = new DispatchHarness();
        var db = h.Fire(("alertname", "X"), ("team", "db"));

        Assert.Equal(["db"], h.Dispatcher.Receivers(db.Labels));
        Assert.Equal(["default"], h.Dispatcher.Receivers(Labels(("alertname", "Y"))));
        var group = Assert.Single(h.Dispatcher.Groups);
        Assert.Equal(("{}/{team=\"db\"}", "db", Labels(("alertname", "X"))), (group.RouteId, group.Receiver, group.GroupLabels));
        Assert.Equal([db.Fingerprint], group.Alerts);
        Assert.Null(group.IncidentId);
    }

    [Fact]
    public void Group_by_all_titles_use_alertname_and_service()
    {
        var h = new DispatchHarness("""
            route:
              receiver: default
              group_by: ['...']
            receivers:
              - name: default
            """);
        h.Fire(("alertname", "DiskFull"), ("service", "search"), ("instance", "a"), ("device", "sda"));
        h.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal("DiskFull on search", h.Single().Title);
    }

    [Fact]
    public void Without_alertname_in_group_by_the_title_uses_the_common_alertname()
    {
        var h = new DispatchHarness("""
            route:
              receiver: default
              group_by: [cluster]
            receivers:
              - name: default
            """);
        h.Fire(("alertname", "NodeDown"), ("cluster", "eu-1"), ("instance", "a"));
        h.Fire(("alertname", "NodeDown"), ("cluster", "eu-1"), ("instance", "b"));
        h.Fire(("alertname", "Other"), ("cluster", "us-1"));
        h.Fire(("alertname", "Third"), ("cluster", "us-1"));
        h.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(["2 alerts on us-1", "NodeDown on eu-1"], h.Incidents.Values.Select(i => i.Title).Order());
    }
}
