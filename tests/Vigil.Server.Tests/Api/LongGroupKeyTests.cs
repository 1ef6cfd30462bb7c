using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Api;

/// <summary>
/// A group key holds the values of the group_by labels, which senders choose (up to 64 KiB each). On PostgreSQL the
/// key was the primary key of alert_groups, and a b-tree entry holds at most 2704 bytes: one alert with an 8000-character
/// alertname was answered 200, then every dispatcher commit failed ("index row size ... exceeds btree version 4
/// maximum 2704 for index alert_groups_pkey") and was retried for ever, also after a restart, so no alert from anyone
/// became an incident again (found by review 2). Both backends, as the bug was PostgreSQL's alone.
/// </summary>
public abstract class LongGroupKeyTests(Backend backend)
{
    private const string Config = """
        route:
          receiver: ops
          group_by: [alertname, service]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: ops
        """;

    [Fact]
    public async Task A_long_group_label_value_does_not_stop_other_alerts_becoming_incidents()
    {
        await using var database = await TestDatabase.CreateAsync(backend);
        // Random base64: incompressible, so PostgreSQL cannot squeeze the index entry under its limit.
        var longName = Convert.ToBase64String(RandomNumberGenerator.GetBytes(6000));
        await using (var vigil = await RunningVigil.StartAsync(database, ownsDatabase: false, Config))
        {
            using (var poison = await vigil.Client.PostAsync("/api/v2/alerts", Http.Json(new[]
            {
                new { labels = new Dictionary<string, string> { ["alertname"] = longName, ["service"] = "checkout", ["severity"] = "critical" } },
            })))
            {
                // Either refused with a clear 4xx, or accepted and stored: both are fine. A 5xx is not.
                Assert.True((int)poison.StatusCode < 500, $"POST answered {(int)poison.StatusCode}");
            }
            await vigil.Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("DatabaseDown", "db-1")));

            await IncidentAsync(vigil, "DatabaseDown", "the dispatcher is stuck");
            Assert.Equal("triggered", (await IncidentAsync(vigil, longName, "the long group never became an incident"))["status"]!.GetValue<string>());
        }

        // The long key is read back as written: the restored group is the same group (a key that did not round-trip
        // would make it an orphan whose incident is resolved), and the dispatcher keeps working after the restart.
        await using (var restarted = await RunningVigil.StartAsync(database, ownsDatabase: false, Config))
        {
            await restarted.Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("AfterRestart", "db-2")));
            await IncidentAsync(restarted, "AfterRestart", "no incident after the restart");
            Assert.Equal("triggered", (await IncidentAsync(restarted, longName, "the long group's incident is gone"))["status"]!.GetValue<string>());
        }
    }

    private static async Task<JsonNode> IncidentAsync(RunningVigil vigil, string alertname, string stuck)
    {
        JsonNode? found = null;
        await Eventually.TrueAsync(async () =>
        {
            var incidents = (await vigil.Client.GetJsonAsync("/api/v1/incidents?limit=100")).AsArray();
            found = incidents.FirstOrDefault(i => i!["groupKey"]!.GetValue<string>().Contains($"alertname=\"{alertname}\"", StringComparison.Ordinal));
            return found is not null;
        }, TimeSpan.FromSeconds(30), $"no incident for {alertname[..Math.Min(alertname.Length, 20)]} 30 s after it was accepted: {stuck}");
        return found!;
    }
}

public sealed class LongGroupKeyOnSqlite() : LongGroupKeyTests(Backend.Sqlite);

public sealed class LongGroupKeyOnPostgres() : LongGroupKeyTests(Backend.Postgres);
