namespace Vigil.Core.Tests.Dispatch;

/// <summary>
/// Each alert is recorded as an incident member in the flush that adds it to the incident (its page shows that copy
/// once the alert itself is collected) — once, not on every flush.
/// </summary>
public class IncidentMemberTests
{
    [Fact]
    public void Members_are_recorded_when_they_join_and_only_then()
    {
        var h = new DispatchHarness();
        var a = h.Fire(("alertname", "HighLatency"), ("service", "checkout"), ("instance", "a"));
        h.Advance(TimeSpan.FromMinutes(1));
        var b = h.Fire(("alertname", "HighLatency"), ("service", "checkout"), ("instance", "b"));
        h.Advance(TimeSpan.FromMinutes(5));
        h.Advance(TimeSpan.FromMinutes(5));

        var members = h.Changes.SelectMany(c => c.IncidentMembers).ToList();
        Assert.Equal([(1L, a.Fingerprint), (1L, b.Fingerprint)], members.Select(m => (m.IncidentId, m.Alert.Fingerprint)));
        Assert.Equal(a, members[0].Alert);
    }
}
