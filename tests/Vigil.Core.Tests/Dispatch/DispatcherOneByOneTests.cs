using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Dispatch;

/// <summary>
/// The flush the server uses after a failed commit: one group at a time, and groups the store refused held back, so one
/// group that can never be stored does not fail every other group's flush with it.
/// </summary>
public class DispatcherOneByOneTests
{
    [Fact]
    public void A_flush_of_one_group_leaves_the_other_due_groups_due()
    {
        var h = new DispatchHarness();
        h.Fire(("alertname", "A"));
        h.Fire(("alertname", "B"));
        h.Clock.Advance(TimeSpan.FromSeconds(30));

        var first = h.Dispatcher.Flush(h.Now, _ => false, _ => null, 1, out var firstGroup);
        var second = h.Dispatcher.Flush(h.Now, _ => false, _ => null, 1, out var secondGroup);

        Assert.Single(first.Incidents);
        Assert.Single(second.Incidents);
        Assert.Equal(2, new[] { firstGroup, secondGroup }.Distinct().Count());
        Assert.Equal(firstGroup, first.Incidents[0].GroupKey);
        Assert.True(h.Dispatcher.NextDue > h.Now);
    }

    [Fact]
    public void A_held_group_is_left_alone_until_its_hold_is_over()
    {
        var h = new DispatchHarness();
        h.Fire(("alertname", "Held"));
        h.Fire(("alertname", "Free"));
        h.Clock.Advance(TimeSpan.FromSeconds(30));
        var until = h.Now.AddMinutes(1);
        DateTimeOffset? HeldUntil(string key) => key.Contains("Held", StringComparison.Ordinal) ? until : null;

        var changes = h.Dispatcher.Flush(h.Now, _ => false, HeldUntil, int.MaxValue, out _);

        Assert.Contains("Free", Assert.Single(changes.Incidents).Title, StringComparison.Ordinal);
        Assert.Equal(until, h.Dispatcher.NextDue);
        h.Clock.SetUtcNow(until);
        var later = h.Dispatcher.Flush(h.Now, _ => false, HeldUntil, int.MaxValue, out var group);
        Assert.Contains("Held", Assert.Single(later.Incidents).Title, StringComparison.Ordinal);
        Assert.Equal(later.Incidents[0].GroupKey, group);
        Assert.Equal(T0.AddSeconds(90), later.Incidents[0].CreatedAt);
    }

    [Fact]
    public void Orphaned_groups_are_flushed_under_their_own_key_and_can_be_held_back()
    {
        var config = new DispatchHarness().Config;
        var dispatcher = new Core.Dispatch.Dispatcher(config, 0, [new("9.9:{}", """{"routeId":"9.9","groupLabels":{},"flushed":{}}""", null)], []);
        var until = T0.AddMinutes(1);
        DateTimeOffset? HeldUntil(string key) => key == Core.Dispatch.Dispatcher.OrphansKey ? until : null;

        Assert.True(dispatcher.Flush(T0, _ => false, HeldUntil, 1, out var held).IsEmpty);
        Assert.Null(held);

        var changes = dispatcher.Flush(until, _ => false, HeldUntil, 1, out var orphans);
        Assert.Equal(["9.9:{}"], changes.DeletedGroups);
        Assert.Equal(Core.Dispatch.Dispatcher.OrphansKey, orphans);
    }
}
