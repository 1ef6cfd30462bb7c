using Vigil.Core.Alerts;
using Vigil.Core.Incidents;
using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Dispatch;

public class DispatcherRestartTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A scripted day of alerts. Each step may be followed by a restart; whatever the restart points, the persisted
    /// incidents and timeline must be identical to a run that never restarts.
    /// </summary>
    private static DispatchHarness Run(ISet<int> restartAfter)
    {
        var h = new DispatchHarness();
        Alert a = null!, b = null!;
        Action[] steps =
        [
            () => a = h.Fire(("alertname", "X"), ("instance", "a"), ("severity", "warning")),
            () => h.Advance(TimeSpan.FromSeconds(20)),
            () => b = h.Fire(("alertname", "X"), ("instance", "b"), ("severity", "critical")),
            () => h.Advance(TimeSpan.FromMinutes(2)),
            () => h.Resolve(a),
            () => h.Advance(Interval),
            () => h.Advance(TimeSpan.FromHours(4)),
            () => h.Resolve(b),
            () => h.Advance(TimeSpan.FromMinutes(7)),
            () => h.Advance(TimeSpan.FromMinutes(20)),
            () => h.Refire(a),
            () => h.Advance(TimeSpan.FromMinutes(3)),
            () => h.Fire(("alertname", "Y"), ("service", "s")),
            () => h.Advance(TimeSpan.FromMinutes(12)),
        ];
        for (var i = 0; i < steps.Length; i++)
        {
            steps[i]();
            if (restartAfter.Contains(i))
            {
                h.Restart();
            }
        }
        return h;
    }

    private static string Describe(DispatchHarness h) =>
        string.Join('\n', h.Incidents.Values.OrderBy(i => i.Id).Select(i => i with { Alerts = [.. i.Alerts.Order()] }).Select(i => i.ToString() + string.Join(',', i.Alerts)))
        + "\n" + string.Join('\n', h.Timeline.Select(e => e.ToString()))
        + "\n" + h.Dispatcher.NextDue;

    [Fact]
    public void Scenario_without_restart_exercises_every_kind_of_change()
    {
        var h = Run(new HashSet<int>());

        Assert.Equal(
            [
                TimelineKind.Created, TimelineKind.AlertAdded, TimelineKind.AlertAdded, TimelineKind.AlertResolved,
                TimelineKind.Reminder, TimelineKind.AlertResolved, TimelineKind.AutoResolved, TimelineKind.Reopened,
                TimelineKind.AlertRefired,
            ],
            h.Kinds(1));
        Assert.Equal(2, h.Incidents.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    public void Restart_after_any_step_resumes_with_identical_timers_and_incidents(int step)
    {
        var expected = Describe(Run(new HashSet<int>()));

        Assert.Equal(expected, Describe(Run(new HashSet<int> { step })));
    }

    [Fact]
    public void Restarting_after_every_step_changes_nothing()
    {
        Assert.Equal(Describe(Run(new HashSet<int>())), Describe(Run(Enumerable.Range(0, 14).ToHashSet())));
    }

    [Fact]
    public void Restored_group_keeps_its_due_time()
    {
        var h = new DispatchHarness();
        h.Fire(("alertname", "X"));
        h.Advance(TimeSpan.FromMinutes(1));
        var due = h.Dispatcher.NextDue;

        h.Restart();

        Assert.Equal(due, h.Dispatcher.NextDue);
        Assert.Equal(T0.AddSeconds(30) + Interval, due);
    }

    [Fact]
    public void Unreadable_or_orphaned_group_records_are_deleted_on_the_next_flush()
    {
        var config = new DispatchHarness().Config;
        var dispatcher = new Core.Dispatch.Dispatcher(config, 0,
            [new("garbage", "{not json", null), new("9.9:{}", """{"routeId":"9.9","groupLabels":{},"flushed":{}}""", null)], []);

        var changes = dispatcher.Flush(T0, _ => false);

        Assert.Equal(["garbage", "9.9:{}"], changes.DeletedGroups);
    }

    [Fact]
    public void Referenced_incident_ids_come_from_the_records()
    {
        var h = new DispatchHarness();
        h.Fire(("alertname", "X"));
        h.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal([1L], Core.Dispatch.Dispatcher.ReferencedIncidentIds(h.Groups.Values));
    }
}
