using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Demo;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Demo;

/// <summary>
/// <c>serve --demo</c> shows what an on-call tool is for: its notifications are delivered (to the in-process demo
/// inbox, through the real outbox) and its escalation policy pages the on-call person, then the next level after the
/// delay. Before, the demo's receivers had no integrations and its people no contact Vigil could deliver to, so every
/// incident showed no notifications and every level was passed at once ("nobody could be paged"). Outside the demo the
/// inbox's host is an unresolvable name like any other.
/// </summary>
public abstract class DemoInboxTests(Backend backend)
{
    // The clock is fixed, so who is on call on payments-primary is the same on every run.
    private static readonly DateTimeOffset TwoAm = new(2026, 11, 26, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_demo_delivers_notifications_to_its_inbox_and_pages_level_by_level()
    {
        var clock = new FakeTimeProvider(TwoAm);
        await using var vigil = await RunningVigil.StartAsync(backend, demo: true, time: clock);
        await Eventually.TrueAsync(async () => (await vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray().Count >= 5,
            TimeSpan.FromSeconds(30), "the demo's five seeded alerts");
        // The simulation's random steps would fire and resolve alerts as the clock moves: stopped, the story is the seed's.
        await vigil.Services.GetServices<IHostedService>().OfType<DemoEnvironment>().Single().StopAsync(CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(6)); // the demo's group_wait
        var id = await IncidentAsync(vigil, alertName: "HighLatency", service: "checkout");

        // The route's receiver (critical → oncall-pager) got the Alertmanager webhook payload, and the notification
        // log says delivered.
        var received = await InboxMessageAsync(vigil, m => Text(m, "target") == "oncall-pager" && Text(m, "summary").Contains("HighLatency on checkout", StringComparison.Ordinal));
        Assert.Equal("firing", Text(received, "status"));
        Assert.StartsWith("[FIRING:1] HighLatency on checkout — p99 latency above 2s", Text(received, "summary"), StringComparison.Ordinal);
        Assert.True(received["bytes"]!.GetValue<long>() > 100, received.ToJsonString());
        await DeliveredAsync(vigil, id, n => Text(n, "receiver") == "oncall-pager");

        // Level 1 pages whoever is on call on payments-primary at its webhook, and says it skipped the e-mail (no SMTP
        // server in the demo); the level waits its delay instead of being passed.
        var onCall = Text((await vigil.Client.GetJsonAsync("/api/v1/oncall?schedule=payments-primary"))["onCall"]![0]!, "user");
        var level1 = await TimelineEntryAsync(vigil, id, $"Paged {onCall} (Level 1");
        Assert.Contains("via webhook", level1, StringComparison.Ordinal);
        Assert.Contains("skipped email", level1, StringComparison.Ordinal);
        await DeliveredAsync(vigil, id, n => Text(n, "channel") == $"{onCall} via webhook");
        await InboxMessageAsync(vigil, m => Text(m, "target") == onCall);
        var escalation = await vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}/escalation");
        Assert.Equal(("escalating", 2), (Text(escalation, "status"), escalation["nextLevel"]!.GetValue<int>()));

        // Nobody acknowledges: after level 1's delay, level 2 pages alice, the team's manager.
        clock.Advance(TimeSpan.FromMinutes(2));
        await TimelineEntryAsync(vigil, id, "Paged alice (Level 2");
        var toAlice = onCall == "alice" ? 2 : 1;
        await DeliveredAsync(vigil, id, n => Text(n, "channel") == "alice via webhook", count: toAlice);
        Assert.Contains(Timeline(await vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}")),
            line => line.StartsWith("Notified alice via webhook (firing)", StringComparison.Ordinal));

        using var badLimit = await vigil.Client.GetAsync("/api/v1/demo/inbox?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    [Fact]
    public async Task Outside_the_demo_an_inbox_url_fails_like_any_unresolvable_host_and_there_is_no_inbox()
    {
        await using var vigil = await RunningVigil.StartAsync(backend, """
            route:
              receiver: ops
              group_wait: 0s
            receivers:
              - name: ops
                webhook_configs: [{url: "http://demo-inbox.invalid/ops"}]
            """);
        await vigil.Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("CheckoutDown", "web-1")));

        JsonNode? row = null;
        await Eventually.TrueAsync(async () =>
        {
            row = (await vigil.Client.GetJsonAsync("/api/v1/notifications")).AsArray().FirstOrDefault(n => n!["attempts"]!.GetValue<int>() >= 1);
            return row is not null;
        }, TimeSpan.FromSeconds(30), "a delivery attempt");
        Assert.Equal("pending", Text(row!, "status")); // a network error is retried
        Assert.StartsWith("connection failed:", Text(row!, "lastError"), StringComparison.Ordinal);

        using var inbox = await vigil.Client.GetAsync("/api/v1/demo/inbox");
        Assert.Equal(HttpStatusCode.NotFound, inbox.StatusCode);
        Assert.Contains("--demo", Text(await inbox.ReadJsonAsync(), "detail"), StringComparison.Ordinal);
    }

    private static async Task<long> IncidentAsync(RunningVigil vigil, string alertName, string service)
    {
        long id = 0;
        await Eventually.TrueAsync(async () =>
        {
            var incident = (await vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().FirstOrDefault(i =>
                i!["groupLabels"]!["alertname"]?.GetValue<string>() == alertName && i["groupLabels"]!["service"]?.GetValue<string>() == service);
            id = incident?["id"]!.GetValue<long>() ?? 0;
            return id != 0;
        }, TimeSpan.FromSeconds(30), $"an incident for {alertName} on {service}");
        return id;
    }

    private static async Task<JsonNode> InboxMessageAsync(RunningVigil vigil, Func<JsonNode, bool> wanted)
    {
        JsonNode? found = null;
        JsonArray messages = [];
        await Eventually.TrueAsync(async () =>
        {
            messages = (await vigil.Client.GetJsonAsync("/api/v1/demo/inbox"))["messages"]!.AsArray();
            found = messages.FirstOrDefault(m => wanted(m!));
            return found is not null;
        }, TimeSpan.FromSeconds(30), () => $"the message in the inbox; it holds {messages.ToJsonString()}");
        return found!;
    }

    private static async Task DeliveredAsync(RunningVigil vigil, long id, Func<JsonNode, bool> wanted, int count = 1)
    {
        JsonArray rows = [];
        await Eventually.TrueAsync(async () =>
        {
            rows = (await vigil.Client.GetJsonAsync($"/api/v1/notifications?incident={id}")).AsArray();
            return rows.Count(n => wanted(n!) && Text(n!, "status") == "delivered") == count;
        }, TimeSpan.FromSeconds(30), () => $"{count} delivered; the incident's notifications: {rows.ToJsonString()}");
    }

    private static async Task<string> TimelineEntryAsync(RunningVigil vigil, long id, string start)
    {
        List<string> timeline = [];
        await Eventually.TrueAsync(async () =>
        {
            timeline = Timeline(await vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"));
            return timeline.Any(line => line.StartsWith(start, StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(30), () => $"\"{start}…\" in the timeline: {string.Join(" | ", timeline)}");
        return timeline.First(line => line.StartsWith(start, StringComparison.Ordinal));
    }

    private static List<string> Timeline(JsonNode incident) => [.. incident["timeline"]!.AsArray().Select(e => Text(e!, "message"))];

    private static string Text(JsonNode node, string property) => node[property]!.GetValue<string>();
}

public sealed class DemoInboxOnSqlite() : DemoInboxTests(Backend.Sqlite);

public sealed class DemoInboxOnPostgres() : DemoInboxTests(Backend.Postgres);
