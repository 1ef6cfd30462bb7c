using Vigil.Core.Config;
using Vigil.Core.Dispatch;
using Vigil.Core.Incidents;

namespace Vigil.Core.Tests.Dispatch;

public class DispatcherReloadTests
{
    [Fact]
    public void Reloading_the_same_config_in_memory_changes_nothing()
    {
        var h = new DispatchHarness();
        h.Fire(("alertname", "X"), ("instance", "a"));
        h.Advance(TimeSpan.FromMinutes(1));
        var due = h.Dispatcher.NextDue;
        var timeline = h.Timeline.Count;

        h.Reload(h.Config);
        Assert.Equal(due, h.Dispatcher.NextDue);
        h.Advance(TimeSpan.FromMinutes(20));

        Assert.Equal(timeline, h.Timeline.Count);
        Assert.Single(h.Incidents);
        Assert.Equal(IncidentStatus.Triggered, h.Single().Status);
    }

    [Fact]
    public void Groups_a_new_config_cannot_reach_are_resolved_and_deleted()
    {
        var h = new DispatchHarness();
        h.Fire(("alertname", "X"), ("service", "a"), ("instance", "1"));
        h.Advance(TimeSpan.FromMinutes(1));

        h.Reload(ConfigLoader.Parse("""
            route:
              receiver: default
              group_by: [instance]
            receivers:
              - name: default
            """, "new.yml"));

        Assert.Equal(IncidentStatus.Resolved, h.Incidents[1].Status);
        Assert.Equal(TimelineKind.AutoResolved, h.Kinds(1).Last());
        Assert.Contains(h.Changes, c => c.DeletedGroups.Contains("{}:{alertname=\"X\", service=\"a\"}"));

        h.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("X on 1", h.Incidents[2].Title);
    }
}
