using Vigil.Core.Incidents;
using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Incidents;

public class IncidentLifecycleTests
{
    private static readonly DateTimeOffset Now = T0.AddHours(1);

    private static Incident Triggered() => new(
        42, "0:{}", "X", IncidentStatus.Triggered, Severity.Warning, "P3", Labels(), "default",
        T0, T0, null, null, null, null, []);

    [Fact]
    public void Acknowledge_records_who_and_when()
    {
        var result = IncidentLifecycle.Acknowledge(Triggered(), "alice", Now, "looking");

        Assert.Equal((IncidentStatus.Acknowledged, "alice", Now, Now), (result.Incident.Status, result.Incident.AcknowledgedBy, result.Incident.AcknowledgedAt, result.Incident.UpdatedAt));
        var entry = Assert.Single(result.Timeline);
        Assert.Equal((42L, TimelineKind.Acknowledged, "alice", Now), (entry.IncidentId, entry.Kind, entry.Actor, entry.At));
        Assert.Equal("Acknowledged by alice: looking", entry.Message);
    }

    [Fact]
    public void Acknowledging_twice_is_a_conflict()
    {
        var acked = IncidentLifecycle.Acknowledge(Triggered(), "alice", Now).Incident;

        var ex = Assert.Throws<IncidentTransitionException>(() => IncidentLifecycle.Acknowledge(acked, "bob", Now));

        Assert.Equal(TransitionFailure.Conflict, ex.Failure);
        Assert.Equal("incident 42 is already acknowledged by alice", ex.Message);
    }

    [Fact]
    public void Unacknowledge_returns_to_triggered()
    {
        var acked = IncidentLifecycle.Acknowledge(Triggered(), "alice", Now).Incident;

        var result = IncidentLifecycle.Unacknowledge(acked, "alice", Now);

        Assert.Equal(IncidentStatus.Triggered, result.Incident.Status);
        Assert.Null(result.Incident.AcknowledgedBy);
        Assert.Equal(TimelineKind.Unacknowledged, Assert.Single(result.Timeline).Kind);
        Assert.Throws<IncidentTransitionException>(() => IncidentLifecycle.Unacknowledge(result.Incident, "alice", Now));
    }

    [Fact]
    public void Resolve_works_from_triggered_and_acknowledged()
    {
        var fromTriggered = IncidentLifecycle.Resolve(Triggered(), "alice", Now).Incident;
        var fromAcked = IncidentLifecycle.Resolve(IncidentLifecycle.Acknowledge(Triggered(), "bob", Now).Incident, "bob", Now).Incident;

        Assert.Equal((IncidentStatus.Resolved, "alice", Now), (fromTriggered.Status, fromTriggered.ResolvedBy, fromTriggered.ResolvedAt));
        Assert.Equal(IncidentStatus.Resolved, fromAcked.Status);
    }

    [Fact]
    public void Resolving_a_resolved_incident_says_so()
    {
        var resolved = IncidentLifecycle.Resolve(Triggered(), "alice", Now).Incident;

        var ex = Assert.Throws<IncidentTransitionException>(() => IncidentLifecycle.Resolve(resolved, "bob", Now));

        Assert.Equal("incident 42 is already resolved", ex.Message);
        Assert.Throws<IncidentTransitionException>(() => IncidentLifecycle.Acknowledge(resolved, "bob", Now));
    }

    [Fact]
    public void Reopen_clears_resolution_and_acknowledgement()
    {
        var resolved = IncidentLifecycle.Resolve(IncidentLifecycle.Acknowledge(Triggered(), "bob", Now).Incident, "bob", Now).Incident;

        var result = IncidentLifecycle.Reopen(resolved, "carol", Now.AddMinutes(1), "not fixed");

        Assert.Equal(IncidentStatus.Triggered, result.Incident.Status);
        Assert.Null(result.Incident.ResolvedAt);
        Assert.Null(result.Incident.AcknowledgedBy);
        Assert.Equal("Reopened by carol: not fixed", Assert.Single(result.Timeline).Message);
        Assert.Throws<IncidentTransitionException>(() => IncidentLifecycle.Reopen(Triggered(), "carol", Now));
    }

    [Fact]
    public void Notes_are_recorded_in_any_state_but_must_have_text()
    {
        var resolved = IncidentLifecycle.Resolve(Triggered(), "alice", Now).Incident;

        var entry = Assert.Single(IncidentLifecycle.AddNote(resolved, "alice", Now, "  root cause: disk  ").Timeline);

        Assert.Equal((TimelineKind.Note, "root cause: disk"), (entry.Kind, entry.Message));
        var ex = Assert.Throws<IncidentTransitionException>(() => IncidentLifecycle.AddNote(resolved, "alice", Now, " "));
        Assert.Equal(TransitionFailure.InvalidInput, ex.Failure);
    }

    [Fact]
    public void Priority_accepts_P1_to_P5_only()
    {
        var result = IncidentLifecycle.SetPriority(Triggered(), "alice", Now, "P1");

        Assert.Equal("P1", result.Incident.Priority);
        Assert.Equal("Priority changed from P3 to P1 by alice", Assert.Single(result.Timeline).Message);
        Assert.Empty(IncidentLifecycle.SetPriority(result.Incident, "alice", Now, "P1").Timeline);
        var ex = Assert.Throws<IncidentTransitionException>(() => IncidentLifecycle.SetPriority(Triggered(), "alice", Now, "P6"));
        Assert.Equal(TransitionFailure.InvalidInput, ex.Failure);
    }
}
