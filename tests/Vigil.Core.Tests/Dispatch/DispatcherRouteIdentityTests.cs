using Vigil.Core.Config;
using Vigil.Core.Incidents;
using Vigil.Core.Notifications;

namespace Vigil.Core.Tests.Dispatch;

/// <summary>
/// A group belongs to its route across a config reload and a restart, wherever the route moved among its siblings.
/// Found by a review: groups were keyed by the route's position, so a route inserted in front of the db route gave
/// db's group (and its open incident) to the new route — db was paged again for the same alert, its incident recorded
/// the still-firing alert as resolved, and the new team's alert joined db's incident and paged db.
/// </summary>
public class DispatcherRouteIdentityTests
{
    private const string Receivers = """
        receivers:
          - name: default
            webhook_configs: [{url: http://hooks.test/default}]
          - name: db
            webhook_configs: [{url: http://hooks.test/db, send_resolved: true}]
          - name: db-twin
            webhook_configs: [{url: http://hooks.test/db-twin}]
          - name: web
            webhook_configs: [{url: http://hooks.test/web}]
        """;

    internal static string Yaml(params string[] routes) => $"""
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 30s
          group_interval: 5m
          repeat_interval: 4h
          routes:
        {string.Join('\n', routes)}
        {Receivers}
        """;

    internal const string Db = """
            - matchers: ['team="db"']
              receiver: db
        """;

    internal const string Web = """
            - matchers: ['team="web"']
              receiver: web
        """;

    private static DispatchHarness Start(params string[] routes) => new(Yaml(routes));

    private static void Apply(DispatchHarness h, bool restart, params string[] routes)
    {
        var config = ConfigLoader.Parse(Yaml(routes), "edited.yml");
        if (restart)
        {
            h.Restart(config);
        }
        else
        {
            h.Reload(config);
        }
    }

    internal static List<OutboxMessage> Pages(DispatchHarness h, string receiver) =>
        [.. h.Changes.SelectMany(c => c.Outbox).Where(o => o.Message.Receiver == receiver)];

    internal static Incident IncidentOf(DispatchHarness h, string receiver) => Assert.Single(h.Incidents.Values, i => i.Receiver == receiver);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_route_inserted_in_front_of_another_leaves_its_groups_and_incidents_alone(bool restart)
    {
        var h = Start(Db);
        var db = h.Fire(("alertname", "DbDown"), ("team", "db"));
        h.Advance(TimeSpan.FromMinutes(1));
        var incident = IncidentOf(h, "db");
        Assert.Single(Pages(h, "db"));

        Apply(h, restart, Web, Db);
        var web = h.Fire(("alertname", "WebDown"), ("team", "web"));
        h.Advance(TimeSpan.FromMinutes(20));

        var dbIncident = IncidentOf(h, "db");
        Assert.Equal((incident.Id, IncidentStatus.Triggered), (dbIncident.Id, dbIncident.Status));
        Assert.Equal([db.Fingerprint], dbIncident.Alerts);
        Assert.DoesNotContain(TimelineKind.AlertResolved, h.Kinds(incident.Id));
        Assert.Equal([incident.Id], Pages(h, "db").Select(p => p.IncidentId)); // paged once, for its own incident
        var webIncident = IncidentOf(h, "web");
        Assert.Equal([web.Fingerprint], webIncident.Alerts);
        Assert.Equal([webIncident.Id], Pages(h, "web").Select(p => p.IncidentId).Distinct());
        Assert.Equal(2, h.Incidents.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reordering_siblings_keeps_every_group_on_its_route(bool restart)
    {
        var h = Start(Db, Web);
        h.Fire(("alertname", "DbDown"), ("team", "db"));
        h.Fire(("alertname", "WebDown"), ("team", "web"));
        h.Advance(TimeSpan.FromMinutes(1));
        var before = h.Incidents.Values.ToDictionary(i => i.Receiver, i => i.Id);
        var timeline = h.Timeline.Count;

        Apply(h, restart, Web, Db);
        h.Advance(TimeSpan.FromMinutes(20));

        Assert.Equal(before, h.Incidents.Values.ToDictionary(i => i.Receiver, i => i.Id));
        Assert.All(h.Incidents.Values, i => Assert.Equal(IncidentStatus.Triggered, i.Status));
        Assert.Equal(timeline, h.Timeline.Count);
        Assert.Single(Pages(h, "db"));
        Assert.Single(Pages(h, "web"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Siblings_with_identical_matchers_keep_their_own_groups(bool restart)
    {
        // Both twins take the alert (the first continues), each into its own group and incident.
        const string Twins = """
                - matchers: ['team="db"']
                  receiver: db
                  continue: true
                - matchers: ['team="db"']
                  receiver: db-twin
            """;
        var h = Start(Twins);
        h.Fire(("alertname", "DbDown"), ("team", "db"));
        h.Advance(TimeSpan.FromMinutes(1));
        var before = h.Incidents.Values.ToDictionary(i => i.Receiver, i => (i.Id, i.GroupKey));
        Assert.Equal(2, before.Count);
        Assert.NotEqual(before["db"].GroupKey, before["db-twin"].GroupKey);

        Apply(h, restart, Web, Twins);
        h.Advance(TimeSpan.FromMinutes(20));

        Assert.Equal(before, h.Incidents.Values.ToDictionary(i => i.Receiver, i => (i.Id, i.GroupKey)));
        Assert.All(h.Incidents.Values, i => Assert.Equal(IncidentStatus.Triggered, i.Status));
        Assert.Single(Pages(h, "db"));
        Assert.Single(Pages(h, "db-twin"));
        Assert.Empty(Pages(h, "web"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_removed_route_still_orphans_its_group_and_only_that_one(bool restart)
    {
        var h = Start(Web, Db);
        h.Fire(("alertname", "DbDown"), ("team", "db"));
        h.Fire(("alertname", "WebDown"), ("team", "web"));
        h.Advance(TimeSpan.FromMinutes(1));
        var (db, web) = (IncidentOf(h, "db").Id, IncidentOf(h, "web").Id);

        Apply(h, restart, Db);
        h.Advance(TimeSpan.FromMinutes(20));

        Assert.Equal(IncidentStatus.Resolved, h.Incidents[web].Status);
        Assert.Contains(h.Timeline, e => e.IncidentId == web && e.Message.Contains("no longer exists after a configuration change", StringComparison.Ordinal));
        Assert.Equal(IncidentStatus.Triggered, h.Incidents[db].Status);
        Assert.Equal([TimelineKind.Created, TimelineKind.AlertAdded], h.Kinds(db));
        Assert.Single(Pages(h, "db"));
        // The web alert now falls to the root route, whose group opens an incident of its own.
        Assert.Equal("default", Assert.Single(h.Incidents.Values, i => i.Id != db && i.Id != web).Receiver);
    }
}
