using Vigil.Core.Incidents;
using Vigil.Core.Store;

namespace Vigil.Core.Tests.Dispatch;

/// <summary>A resolve by hand is announced like a resolution by the alerts: to integrations with send_resolved, with
/// who did it, and with the alerts as they stand.</summary>
public class DispatcherResolvedByHandTests
{
    private const string Yaml = """
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 30s
        receivers:
          - name: ops
            webhook_configs:
              - url: http://hooks.test/a
                send_resolved: true
              - url: http://hooks.test/quiet
                send_resolved: false
          - name: silent
        """;

    [Fact]
    public void Reaches_the_send_resolved_integrations_with_who_resolved_it_and_the_alerts_still_firing()
    {
        var h = new DispatchHarness(Yaml);
        var cpu = h.Fire(("alertname", "CpuHot"), ("instance", "a"));
        h.Advance(TimeSpan.FromMinutes(1));
        var resolved = h.Act(1, i => IncidentLifecycle.Resolve(i, "alice", h.Now));

        var changes = new ChangeSet();
        h.Dispatcher.QueueResolvedByHand(resolved, [cpu], "alice", h.Now, changes);

        var queued = Assert.Single(changes.Outbox); // the integration without send_resolved hears nothing
        Assert.Equal("receiver:ops/webhook/0", queued.Channel);
        Assert.Equal(("resolved", "resolved", "resolved by alice", 1L), (queued.Message.Status, queued.Message.IncidentStatus, queued.Message.Reason, queued.IncidentId));
        Assert.Equal("firing", Assert.Single(queued.Message.Alerts).Status); // resolved by hand, still firing
        Assert.Equal("CpuHot", queued.Message.GroupLabels["alertname"]);

        // The same incident resolved at another time (after a reopen) is another occasion, not a duplicate of this one
        // (whether the receiver needs to hear it again is the pipeline's call: AlertPipeline.ReceiversLastHeardFiringAsync).
        h.Advance(TimeSpan.FromMinutes(1));
        var again = new ChangeSet();
        h.Dispatcher.QueueResolvedByHand(resolved, [cpu], "alice", h.Now, again);
        Assert.NotEqual(queued.DedupKey, Assert.Single(again.Outbox).DedupKey);
    }

    [Fact]
    public void A_receiver_without_integrations_queues_nothing()
    {
        var h = new DispatchHarness(Yaml.Replace("receiver: ops\n  group_by", "receiver: silent\n  group_by", StringComparison.Ordinal));
        var cpu = h.Fire(("alertname", "CpuHot"));
        h.Advance(TimeSpan.FromMinutes(1));
        var resolved = h.Act(1, i => IncidentLifecycle.Resolve(i, "alice", h.Now));
        var changes = new ChangeSet();
        h.Dispatcher.QueueResolvedByHand(resolved, [cpu], "alice", h.Now, changes);
        Assert.Equal("silent", resolved.Receiver);
        Assert.Empty(changes.Outbox);
    }
}
