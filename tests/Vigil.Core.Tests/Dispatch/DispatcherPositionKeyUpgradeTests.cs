using Vigil.Core.Alerts;
using Vigil.Core.Config;
using Vigil.Core.Dispatch;
using Vigil.Core.Incidents;
using static Vigil.Core.Tests.Dispatch.DispatcherRouteIdentityTests;

namespace Vigil.Core.Tests.Dispatch;

/// <summary>
/// Groups stored by versions that keyed them by route position (<c>0.1:{…}</c>) come back on the same route after an
/// upgrade with the same config, and are re-stored under their route's id, their incident with them.
/// </summary>
public class DispatcherPositionKeyUpgradeTests
{
    /// <summary>
    /// Rewrites the persisted groups and incidents as the previous version stored them: route position in the state
    /// and in the key. Returns each group's key → the key it had then.
    /// </summary>
    private static Dictionary<string, string> StoreAsPreviousVersion(DispatchHarness h)
    {
        var former = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var record in h.Groups.Values.ToList())
        {
            var state = GroupStateDto.FromJson(record.StateJson)!;
            var route = h.Config.Route.Find(state.RouteId)!;
            var key = route.PositionKeyFor(LabelSet.From(state.GroupLabels));
            h.Groups.Remove(record.Key);
            h.Groups[key] = record with { Key = key, StateJson = (state with { RouteId = route.Position }).ToJson() };
            former[record.Key] = key;
        }
        foreach (var incident in h.Incidents.Values.ToList())
        {
            h.Incidents[incident.Id] = incident with { GroupKey = former[incident.GroupKey] };
        }
        return former;
    }

    private static Dictionary<string, (long Id, string GroupKey, IncidentStatus Status)> Incidents(DispatchHarness h) =>
        h.Incidents.Values.ToDictionary(i => i.Receiver, i => (i.Id, i.GroupKey, i.Status));

    [Fact]
    public void A_restart_after_the_upgrade_restores_each_group_on_its_route_and_re_stores_it_under_the_route_id()
    {
        var h = new DispatchHarness(Yaml(Web, Db));
        h.Fire(("alertname", "DbDown"), ("team", "db"));
        h.Fire(("alertname", "WebDown"), ("team", "web"));
        h.Advance(TimeSpan.FromMinutes(1));
        var before = Incidents(h);
        var due = h.Dispatcher.NextDue;
        var timeline = h.Timeline.Count;
        var former = StoreAsPreviousVersion(h);
        Assert.Contains("0.1:{alertname=\"DbDown\"}", h.Groups.Keys);

        h.Restart();

        var fixUp = h.Changes[^1];
        Assert.Equal(former.Values.Order(), fixUp.DeletedGroups.Order());
        Assert.Equal(former.Keys.Order(), fixUp.Groups.Select(g => g.Key).Order());
        Assert.Equal(former.Keys.Order(), h.Groups.Keys.Order());
        Assert.Equal(before, Incidents(h));
        Assert.Equal(due, h.Dispatcher.NextDue);

        // From now on the groups are the routes' own: a route inserted in front moves nothing.
        h.Restart(ConfigLoader.Parse(Yaml(Web.Replace("team=\"web\"", "team=\"api\"", StringComparison.Ordinal), Web, Db), "edited.yml"));
        h.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(before, Incidents(h));
        Assert.Equal(timeline, h.Timeline.Count);
        Assert.Single(Pages(h, "db"));
        Assert.Single(Pages(h, "web"));
    }

    [Fact]
    public void A_reload_before_the_first_flush_keeps_the_pending_re_key()
    {
        var h = new DispatchHarness(Yaml(Web, Db));
        var db = h.Fire(("alertname", "DbDown"), ("team", "db"));
        h.Advance(TimeSpan.FromMinutes(1));
        var incident = IncidentOf(h, "db");
        var former = StoreAsPreviousVersion(h);

        // Restarted from the stored records, then reloaded with routes in another order before anything was flushed.
        h.Replace(new Dispatcher(h.Config, h.Dispatcher.LastIncidentId, [.. h.Groups.Values], h.Incidents.Values));
        h.Reload(ConfigLoader.Parse(Yaml(Db, Web), "edited.yml"));

        Assert.Equal([incident.GroupKey], h.Groups.Keys);
        Assert.Equal(former[incident.GroupKey], Assert.Single(h.Changes[^1].DeletedGroups));
        Assert.Equal(incident.GroupKey, IncidentOf(h, "db").GroupKey);
        h.Advance(TimeSpan.FromMinutes(20));
        var after = Assert.Single(h.Incidents.Values);
        Assert.Equal((incident.Id, IncidentStatus.Triggered), (after.Id, after.Status));
        Assert.Equal([db.Fingerprint], after.Alerts);
        Assert.Single(Pages(h, "db"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_old_record_still_stored_beside_its_re_keyed_copy_is_deleted_and_leaves_the_incident_alone(bool oldFirst)
    {
        var h = new DispatchHarness(Yaml(Web, Db));
        h.Fire(("alertname", "DbDown"), ("team", "db"));
        h.Advance(TimeSpan.FromMinutes(1));
        var incident = IncidentOf(h, "db");
        var current = Assert.Single(h.Groups.Values);
        var former = StoreAsPreviousVersion(h)[current.Key];
        // The fix-up that deletes the old record was held back while the group itself was flushed again.
        var copy = current with { StateJson = (GroupStateDto.FromJson(current.StateJson)! with { FormerKey = former }).ToJson() };
        var old = h.Groups[former];
        h.Groups.Clear();
        foreach (var record in oldFirst ? [old, copy] : new[] { copy, old })
        {
            h.Groups[record.Key] = record;
        }

        h.Restart();
        h.Advance(TimeSpan.FromMinutes(20));

        Assert.Equal([current.Key], h.Groups.Keys);
        Assert.Equal((incident.Id, current.Key, IncidentStatus.Triggered), (IncidentOf(h, "db").Id, IncidentOf(h, "db").GroupKey, IncidentOf(h, "db").Status));
        Assert.Single(h.Incidents);
        Assert.Single(Pages(h, "db"));
    }

    [Fact]
    public void A_group_flushed_away_while_the_fix_up_is_held_back_still_has_its_old_record_deleted()
    {
        var h = new DispatchHarness(Yaml(Web, Db));
        var db = h.Fire(("alertname", "DbDown"), ("team", "db"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Resolve(db);
        h.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(IncidentStatus.Resolved, IncidentOf(h, "db").Status); // its group is kept for the reopen window
        var former = Assert.Single(StoreAsPreviousVersion(h).Values);

        h.Replace(new Dispatcher(h.Config, h.Dispatcher.LastIncidentId, [.. h.Groups.Values], h.Incidents.Values));
        var held = h.Now.AddHours(3);
        h.Persist(h.Dispatcher.Flush(h.Now.AddHours(2), _ => false, key => key == Dispatcher.OrphansKey ? held : null, int.MaxValue, out _));
        Assert.Equal([former], h.Groups.Keys); // the group is gone, the fix-up still held back
        h.Persist(h.Dispatcher.Flush(held, _ => false));

        Assert.Empty(h.Groups);
    }
}
