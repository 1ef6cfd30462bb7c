using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Escalation;

/// <summary>
/// An incident walks its escalation policy on a fake clock (no sleeps): level 1 at once, level 2 after the delay,
/// acknowledgement stops it, the acknowledgement timeout re-triggers it, escalate-now and reassign page at once, and
/// a restart neither loses nor repeats a step — over real HTTP and real storage.
/// </summary>
public abstract class EscalationApiTests(Backend backend) : IAsyncLifetime
{
    private const string Config = """
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1m
          repeat_interval: 1h
          escalation_policy: shop
        receivers:
          - name: ops
        # A webhook contact makes a user pageable (a level of users no page reaches is passed at once); nothing
        # listens there: these tests read the timeline.
        users:
          - {name: alice, contacts: [{webhook: "http://127.0.0.1:9/alice"}]}
          - {name: manager, contacts: [{webhook: "http://127.0.0.1:9/manager"}]}
          - {name: bob, contacts: [{webhook: "http://127.0.0.1:9/bob"}]}
          - {name: carol, contacts: [{webhook: "http://127.0.0.1:9/carol"}]}
          # Nobody a page reaches: a chat handle is no address, and there is no global.smtp_* for e-mail.
          - {name: dave, contacts: [{chat: "@dave"}]}
          - {name: erin, contacts: [{email: erin@example.com}]}
        escalation_policies:
          - name: shop
            acknowledge_timeout: 30m
            levels:
              - delay: 5m
                targets: [{user: alice}]
              - delay: 10m
                targets: [{user: manager}]
        """;

    private static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private TestDatabase _database = null!;
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(backend);
        _vigil = await RunningVigil.StartAsync(_database, ownsDatabase: false, Config, time: _clock);
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Levels_page_in_turn_until_acknowledged_and_an_ack_timeout_retriggers()
    {
        var id = await FireAlertAsync();
        await PagedAsync(id, ["alice"]);
        var escalation = await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}/escalation");
        Assert.Equal(("shop", "escalating", 2), (Text(escalation, "policy"), Text(escalation, "status"), escalation["nextLevel"]!.GetValue<int>()));

        _clock.Advance(TimeSpan.FromMinutes(4));
        await Task.Delay(200);
        Assert.Equal(["alice"], await PagesAsync(id));

        _clock.Advance(TimeSpan.FromMinutes(1));
        await PagedAsync(id, ["alice", "manager"]);
        escalation = await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}/escalation");
        Assert.Equal("exhausted", Text(escalation, "status"));

        await _vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/acknowledge", new { comment = "on it" });
        escalation = await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}/escalation");
        Assert.Equal("acknowledged", Text(escalation, "status"));

        _clock.Advance(TimeSpan.FromMinutes(30));
        await PagedAsync(id, ["alice", "manager", "alice"]);
        var incident = await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}");
        Assert.Equal("triggered", Text(incident, "status"));
        Assert.Contains(Timeline(incident), line => line.StartsWith("Acknowledgement timed out", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Escalate_now_and_reassign_page_at_once_and_are_audited()
    {
        var id = await FireAlertAsync();
        await PagedAsync(id, ["alice"]);

        using (var now = await _vigil.Client.PostAsync($"/api/v1/incidents/{id}/escalate", null))
        {
            Assert.Equal(HttpStatusCode.OK, now.StatusCode);
        }
        await PagedAsync(id, ["alice", "manager"]);

        using (var reassign = await _vigil.Client.PostAsync($"/api/v1/incidents/{id}/reassign", Http.Json(new { user = "bob" })))
        {
            Assert.Equal(HttpStatusCode.OK, reassign.StatusCode);
        }
        await PagedAsync(id, ["alice", "manager", "bob"]);

        using (var stranger = await _vigil.Client.PostAsync($"/api/v1/incidents/{id}/reassign", Http.Json(new { user = "mallory" })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, stranger.StatusCode);
            Assert.Contains("Unknown user \"mallory\"", Text(await stranger.ReadJsonAsync(), "detail"), StringComparison.Ordinal);
        }
        using (var empty = await _vigil.Client.PostAsync($"/api/v1/incidents/{id}/reassign", Http.Json(new { user = " " })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            Assert.Contains("\"user\" is required", Text(await empty.ReadJsonAsync(), "detail"), StringComparison.Ordinal);
        }
        using (var missing = await _vigil.Client.PostAsync("/api/v1/incidents/999/escalate", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        var audit = (await _vigil.Client.GetJsonAsync("/api/v1/audit?limit=20")).AsArray().Select(a => Text(a!, "action")).ToList();
        Assert.Contains("incident.escalate", audit);
        Assert.Contains("incident.reassign", audit);

        await _vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/resolve", new { });
        using var afterResolve = await _vigil.Client.PostAsync($"/api/v1/incidents/{id}/escalate", null);
        Assert.Equal(HttpStatusCode.Conflict, afterResolve.StatusCode);
        using var gone = await _vigil.Client.GetAsync($"/api/v1/incidents/{id}/escalation");
        Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
        using var unknown = await _vigil.Client.GetAsync("/api/v1/incidents/999/escalation");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    /// <summary>Found by a review: a reassignment to someone no page reaches was accepted (200), paged nobody, and the
    /// next level was paged at once — the incident looked handed over to someone who never heard of it.</summary>
    [Fact]
    public async Task A_reassignment_to_someone_no_page_reaches_is_refused_with_the_reason()
    {
        var id = await FireAlertAsync();
        await PagedAsync(id, ["alice"]);

        foreach (var (user, why) in new[]
        {
            ("dave", "no contact method Vigil can deliver to (chat (a chat handle is not an address Vigil can send to))"),
            ("erin", "no contact method Vigil can deliver to (email (e-mail needs global.smtp_smarthost and global.smtp_from))"),
        })
        {
            using var refused = await _vigil.Client.PostAsync($"/api/v1/incidents/{id}/reassign", Http.Json(new { user }));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains($"User \"{user}\" cannot be paged: {why}", Text(await refused.ReadJsonAsync(), "detail"), StringComparison.Ordinal);
        }
        var (code, _, error) = await VigilCli.RunAsync(_vigil, "incidents", "reassign", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--user", "dave");
        Assert.NotEqual(0, code);
        Assert.Contains("User \"dave\" cannot be paged", error, StringComparison.Ordinal);

        // Nothing changed: level 2 still waits its turn, and nothing was audited as a reassignment.
        var escalation = await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}/escalation");
        Assert.Equal(Start.AddMinutes(5), escalation["nextDueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(["alice"], await PagesAsync(id));
        var audit = (await _vigil.Client.GetJsonAsync("/api/v1/audit?limit=20")).AsArray().Select(a => Text(a!, "action"));
        Assert.DoesNotContain("incident.reassign", audit);
    }

    [Fact]
    public async Task A_restart_neither_loses_nor_repeats_a_step()
    {
        var id = await FireAlertAsync();
        await PagedAsync(id, ["alice"]);
        await _vigil.DisposeAsync();

        // While the server is down the delay runs out: the restarted server pages level 2 once, and only once.
        _clock.Advance(TimeSpan.FromMinutes(6));
        _vigil = await RunningVigil.StartAsync(_database, ownsDatabase: false, Config, time: _clock);
        await PagedAsync(id, ["alice", "manager"]);
        _clock.Advance(TimeSpan.FromMinutes(30));
        await Task.Delay(300);
        Assert.Equal(["alice", "manager"], await PagesAsync(id));
    }

    [Fact]
    public async Task The_cli_escalates_and_reassigns()
    {
        var id = (await FireAlertAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await PagedAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), ["alice"]);

        Assert.Contains("escalated (policy shop", await VigilCli.RunOkAsync(_vigil, "incidents", "escalate", id), StringComparison.Ordinal);
        Assert.Contains("reassigned to carol", await VigilCli.RunOkAsync(_vigil, "incidents", "reassign", id, "--user", "carol"), StringComparison.Ordinal);
        await PagedAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), ["alice", "manager", "carol"]);

        var (code, _, error) = await VigilCli.RunAsync(_vigil, "incidents", "reassign", id);
        Assert.NotEqual(0, code);
        Assert.Contains("--user", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_policies_are_listed()
    {
        var policies = (await _vigil.Client.GetJsonAsync("/api/v1/escalation-policies")).AsArray();
        var shop = Assert.Single(policies)!;
        Assert.Equal(1800, shop["acknowledgeTimeoutSeconds"]!.GetValue<long>());
        Assert.Equal(["user alice"], shop["levels"]![0]!["targets"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    private async Task<long> FireAlertAsync()
    {
        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[]
        {
            new
            {
                labels = new Dictionary<string, string> { ["alertname"] = "CheckoutDown", ["severity"] = "critical" },
                startsAt = _clock.GetUtcNow().AddMinutes(-1),
                endsAt = _clock.GetUtcNow().AddDays(1), // keeps firing however far the fake clock moves
            },
        });
        long id = 0;
        await Eventually.TrueAsync(async () =>
        {
            var incidents = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray();
            id = incidents.FirstOrDefault()?["id"]!.GetValue<long>() ?? 0;
            return id != 0;
        }, TimeSpan.FromSeconds(20), "an incident for the alert");
        return id;
    }

    private async Task PagedAsync(long id, string[] expected)
    {
        List<string> timeline = [];
        await Eventually.TrueAsync(
            async () =>
            {
                timeline = Timeline(await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"));
                return (await PagesAsync(id)).SequenceEqual(expected);
            },
            TimeSpan.FromSeconds(20),
            () => $"pages {string.Join(", ", expected)}; timeline: {string.Join(" | ", timeline)}");
    }

    private async Task<List<string>> PagesAsync(long id) =>
        Timeline(await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))
            .Where(line => line.StartsWith("Paged ", StringComparison.Ordinal))
            .Select(line => line["Paged ".Length..line.IndexOf(' ', "Paged ".Length)])
            .ToList();

    private static List<string> Timeline(JsonNode incident) =>
        incident["timeline"]!.AsArray().Select(e => Text(e!, "message")).ToList();

    private static string Text(JsonNode node, string property) => node[property]!.GetValue<string>();
}

public sealed class EscalationApiOnSqlite() : EscalationApiTests(Backend.Sqlite);

public sealed class EscalationApiOnPostgres() : EscalationApiTests(Backend.Postgres);
