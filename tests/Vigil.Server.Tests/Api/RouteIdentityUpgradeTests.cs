using System.Text.Json.Nodes;
using Vigil.Core.Store;
using Vigil.Server.Tests.Infrastructure;
using Vigil.Storage;

namespace Vigil.Server.Tests.Api;

/// <summary>
/// A database written by a version that keyed groups by route position (<c>0.1:{…}</c>, see decision 011): the new
/// version restores the group on its route, re-stores it under the route's id at start — not when the group next
/// comes due, an hour later here — and moves the incident's group key with it, so its route's escalation policy is
/// still found. Both backends: the re-key deletes one group row and writes another and the incident's group_key.
/// </summary>
public abstract class RouteIdentityUpgradeTests(Backend backend)
{
    private const string Config = """
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1h
          repeat_interval: 4h
          routes:
            - matchers: ['team="web"']
              receiver: web
            - matchers: ['team="db"']
              receiver: db
              escalation_policy: dbp
        receivers:
          - name: ops
          - name: web
          - name: db
        users:
          - name: alice
        escalation_policies:
          - name: dbp
            levels:
              - delay: 5m
                targets: [{user: alice}]
        """;

    private const string DbRoute = """{}/{team="db"}""";

    [Fact]
    public async Task An_incident_open_across_the_upgrade_stays_on_its_route_and_is_re_keyed_at_start()
    {
        await using var database = await TestDatabase.CreateAsync(backend);
        long id;
        string key;
        await using (var vigil = await RunningVigil.StartAsync(database, ownsDatabase: false, Config))
        {
            await vigil.Client.PostOkAsync("/api/v2/alerts", new[]
            {
                new { labels = new Dictionary<string, string> { ["alertname"] = "DbDown", ["team"] = "db" }, endsAt = DateTimeOffset.UtcNow.AddDays(1) },
            });
            id = await vigil.NewestIncidentIdAsync();
            key = (await vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["groupKey"]!.GetValue<string>();
        }
        Assert.Equal(DbRoute + ":{alertname=\"DbDown\"}", key);
        var former = await StoreAsPreviousVersionAsync(database, key, id);

        await using (var upgraded = await RunningVigil.StartAsync(database, ownsDatabase: false, Config))
        {
            await Eventually.TrueAsync(async () => (await GroupKeysAsync(database)).SequenceEqual([key]), TimeSpan.FromSeconds(20),
                $"the group stored under {former} is re-stored under {key} at start");
            var incident = await upgraded.Client.GetJsonAsync($"/api/v1/incidents/{id}");
            Assert.Equal((key, "triggered", "db"), (incident["groupKey"]!.GetValue<string>(), incident["status"]!.GetValue<string>(), incident["receiver"]!.GetValue<string>()));
            Assert.Single((await upgraded.Client.GetJsonAsync("/api/v1/incidents")).AsArray());

            // Its route's escalation policy is found by the incident's group key: reopened by hand, it escalates again.
            await upgraded.Client.PostOkAsync($"/api/v1/incidents/{id}/resolve", new { });
            await upgraded.Client.PostOkAsync($"/api/v1/incidents/{id}/reopen", new { });
            await Eventually.TrueAsync(async () => (await TimelineAsync(upgraded, id)).Count(e => e.Message == "Escalation policy dbp started") == 2,
                TimeSpan.FromSeconds(20), "the reopened incident starts its route's escalation policy again");
            Assert.DoesNotContain(await TimelineAsync(upgraded, id), e => e.Kind == "alert_resolved");
        }
    }

    /// <summary>Rewrites the group and its incident as the previous version stored them; returns the old key.</summary>
    private static async Task<string> StoreAsPreviousVersionAsync(TestDatabase database, string key, long incidentId)
    {
        await using var store = StoreFactory.Open(database.ConnectionString, database.DataDirectory);
        var record = Assert.Single(await store.LoadGroupsAsync());
        var state = JsonNode.Parse(record.StateJson)!;
        Assert.Equal(DbRoute, state["routeId"]!.GetValue<string>());
        state["routeId"] = "0.1";
        var former = "0.1" + key[DbRoute.Length..];
        var changes = new ChangeSet();
        changes.DeletedGroups.Add(key);
        changes.Groups.Add(new AlertGroupRecord(former, state.ToJsonString(), record.DueAt));
        changes.Incidents.Add((await store.GetIncidentAsync(incidentId))! with { GroupKey = former });
        await store.ApplyAsync([changes]);
        Assert.Equal([former], await GroupKeysAsync(store));
        return former;
    }

    private static async Task<List<string>> GroupKeysAsync(TestDatabase database)
    {
        await using var store = StoreFactory.Open(database.ConnectionString, database.DataDirectory);
        return await GroupKeysAsync(store);
    }

    private static async Task<List<string>> GroupKeysAsync(IVigilStore store) => [.. (await store.LoadGroupsAsync()).Select(g => g.Key)];

    private static async Task<List<(string Kind, string Message)>> TimelineAsync(RunningVigil vigil, long id) =>
        [.. (await vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["timeline"]!.AsArray()
            .Select(e => (e!["kind"]!.GetValue<string>(), e["message"]!.GetValue<string>()))];
}

public sealed class RouteIdentityUpgradeOnSqlite() : RouteIdentityUpgradeTests(Backend.Sqlite);

public sealed class RouteIdentityUpgradeOnPostgres() : RouteIdentityUpgradeTests(Backend.Postgres);
