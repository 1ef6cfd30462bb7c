using Vigil.Core.Incidents;

namespace Vigil.Core.Tests.Dispatch;

public class DispatcherManualActionTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private static DispatchHarness AutoResolvedIncident()
    {
        var h = new DispatchHarness();
        var a = h.Fire(("alertname", "X"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Resolve(a);
        h.Advance(Interval);
        Assert.Equal(IncidentStatus.Resolved, h.Single().Status);
        return h;
    }

    [Fact]
    public void Manually_reopened_incident_is_joined_by_the_next_alert_of_its_group()
    {
        var h = AutoResolvedIncident();
        h.Act(1, i => IncidentLifecycle.Reopen(i, "alice", h.Now));
        h.Advance(TimeSpan.FromHours(2)); // past the reopen window: the group is kept because the incident is open

        h.Fire(("alertname", "X"), ("instance", "new"));
        h.Advance(TimeSpan.FromMinutes(1));

        Assert.Single(h.Incidents);
        Assert.Equal(2, h.Single().Alerts.Count);
        Assert.Equal(TimelineKind.AlertAdded, h.Kinds(1).Last());
    }

    [Fact]
    public void Manually_resolving_an_auto_resolved_groups_incident_forgets_the_group()
    {
        var h = AutoResolvedIncident();
        h.Act(1, i => IncidentLifecycle.Reopen(i, "alice", h.Now));
        h.Act(1, i => IncidentLifecycle.Resolve(i, "alice", h.Now));

        h.Flush();

        Assert.Empty(h.Groups);
        Assert.Null(h.Dispatcher.NextDue);
    }

    [Fact]
    public void Notes_and_acknowledgements_survive_later_flushes()
    {
        var h = new DispatchHarness();
        h.Fire(("alertname", "X"), ("instance", "a"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Act(1, i => IncidentLifecycle.Acknowledge(i, "alice", h.Now));
        h.Act(1, i => IncidentLifecycle.AddNote(i, "alice", h.Now, "on it"));
        h.Fire(("alertname", "X"), ("instance", "b"));
        h.Advance(Interval);

        var incident = h.Single();
        Assert.Equal(("alice", IncidentStatus.Acknowledged), (incident.AcknowledgedBy, incident.Status));
        Assert.Equal(
            [TimelineKind.Created, TimelineKind.AlertAdded, TimelineKind.Acknowledged, TimelineKind.Note, TimelineKind.AlertAdded],
            h.Kinds(1));
    }
}
