using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Core.Notifications;
using Vigil.Core.Store;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Notifications;

/// <summary>
/// End to end over real HTTP: an alert group flushes into an incident, its notification is queued in the same commit
/// and delivered to a webhook receiver in the Alertmanager v4 format; resolution is notified too; the notification log
/// and timeline show it; secrets never leave the config; a restart on the same data sends nothing twice.
/// </summary>
public abstract class NotificationFlowTests(Backend backend) : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private string Config => $"""
        route:
          receiver: ops
          group_by: [alertname, service]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: ops
            webhook_configs:
              - url: {_receiver.Address}hooks/SECRET-PATH-TOKEN
                send_resolved: true
                http_config:
                  authorization:
                    credentials: very-secret-bearer
        notifications:
          external_url: http://vigil.test
        """;

    private static object Alert(string name, string service, DateTimeOffset? endsAt = null) => new
    {
        labels = new Dictionary<string, string> { ["alertname"] = name, ["service"] = service, ["severity"] = "critical" },
        annotations = new Dictionary<string, string> { ["summary"] = $"{name} on {service}" },
        startsAt = endsAt?.AddMinutes(-5).ToString("O"),
        endsAt = endsAt?.ToString("O"),
        generatorURL = "http://prometheus/graph",
    };

    private List<JsonNode> Bodies(string alertName) =>
        _receiver.Requests.Select(r => r.Body).Where(b => b["groupLabels"]?["alertname"]?.GetValue<string>() == alertName).ToList();

    [Fact]
    public async Task A_new_incident_and_its_resolution_are_delivered_as_alertmanager_v4_webhooks_and_logged()
    {
        await using var vigil = await RunningVigil.StartAsync(backend, Config);
        await vigil.Client.PostOkAsync("/api/v2/alerts", new[] { Alert("DiskFull", "checkout") });
        await Eventually.TrueAsync(() => Task.FromResult(Bodies("DiskFull").Count == 1), TimeSpan.FromSeconds(30), "the firing webhook arrives");

        var firing = Bodies("DiskFull")[0];
        WebhookV4.AssertValid(firing);
        Assert.Equal("firing", firing["status"]!.GetValue<string>());
        Assert.Equal("http://vigil.test", firing["externalURL"]!.GetValue<string>());
        Assert.Equal("checkout", firing["commonLabels"]!["service"]!.GetValue<string>());
        Assert.Equal("Bearer very-secret-bearer", _receiver.Requests.First().Authorization);

        var incidents = (await vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray();
        var id = incidents.Single()!["id"]!.GetValue<long>();
        await vigil.Client.PostOkAsync("/api/v2/alerts", new[] { Alert("DiskFull", "checkout", DateTimeOffset.UtcNow.AddSeconds(-1)) });
        await Eventually.TrueAsync(() => Task.FromResult(Bodies("DiskFull").Count == 2), TimeSpan.FromSeconds(30), "the resolved webhook arrives");
        var resolved = Bodies("DiskFull")[1];
        WebhookV4.AssertValid(resolved);
        Assert.Equal("resolved", resolved["status"]!.GetValue<string>());
        Assert.Equal("resolved", resolved["alerts"]![0]!["status"]!.GetValue<string>());

        JsonArray log = [];
        await Eventually.TrueAsync(async () =>
        {
            log = (await vigil.Client.GetJsonAsync($"/api/v1/notifications?incident={id}")).AsArray();
            return log.Count == 2 && log.All(n => n!["status"]!.GetValue<string>() == "delivered");
        }, TimeSpan.FromSeconds(30), "both notifications are logged as delivered");
        Assert.Equal(["resolved", "firing"], log.Select(n => n!["message"]!.GetValue<string>()));
        Assert.All(log, n => Assert.Equal("receiver ops via webhook/0", n!["channel"]!.GetValue<string>()));

        var incident = await vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}");
        var notified = incident["timeline"]!.AsArray().Where(t => t!["kind"]!.GetValue<string>() == "notified").ToList();
        Assert.Equal(2, notified.Count);

        // Secrets: not in the status API's config, the notification log or the timeline.
        var everything = (await vigil.Client.GetStringAsync("/api/v2/status")) + log.ToJsonString() + incident.ToJsonString();
        Assert.DoesNotContain("SECRET-PATH-TOKEN", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-bearer", everything, StringComparison.Ordinal);
        var original = (await vigil.Client.GetJsonAsync("/api/v2/status"))["config"]!["original"]!.GetValue<string>();
        Assert.Contains("url: <secret>", original, StringComparison.Ordinal);
        Assert.Contains("credentials: <secret>", original, StringComparison.Ordinal);

        using var bad = await vigil.Client.GetAsync("/api/v1/notifications?status=sent");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        using var badIncident = await vigil.Client.GetAsync("/api/v1/notifications?incident=abc");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, badIncident.StatusCode);
    }

    [Fact]
    public async Task A_resolve_by_hand_is_sent_as_resolved_once_and_an_acknowledge_sends_nothing()
    {
        await using var vigil = await RunningVigil.StartAsync(backend, Config);
        await vigil.Client.PostOkAsync("/api/v2/alerts", new[] { Alert("CpuHot", "search") });
        await Eventually.TrueAsync(() => Task.FromResult(Bodies("CpuHot").Count == 1), TimeSpan.FromSeconds(30), "the firing webhook arrives");
        var id = (await vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().Single()!["id"]!.GetValue<long>();

        await vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/acknowledge", new { });
        await vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/resolve", new { });
        await Eventually.TrueAsync(() => Task.FromResult(Bodies("CpuHot").Count == 2), TimeSpan.FromSeconds(30), "the resolved webhook arrives");
        var resolved = Bodies("CpuHot")[1];
        WebhookV4.AssertValid(resolved);
        Assert.Equal("resolved", resolved["status"]!.GetValue<string>());
        Assert.Equal("firing", resolved["alerts"]![0]!["status"]!.GetValue<string>()); // resolved by hand; the alert still fires

        // Reopened by hand (which pages nobody) and resolved again: the receiver last heard "resolved", so nothing new.
        await vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/reopen", new { });
        await vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/resolve", new { });

        // Its alert resolving, then a new alert of the group: the new one opens an incident and pages; once that page is
        // queued, the flush that saw the old alert resolve has committed too, and it queued nothing for the old incident.
        await vigil.Client.PostOkAsync("/api/v2/alerts", new[] { Alert("CpuHot", "search", DateTimeOffset.UtcNow.AddSeconds(-1)) });
        await vigil.Client.PostOkAsync("/api/v2/alerts", new[]
        {
            new { labels = new Dictionary<string, string> { ["alertname"] = "CpuHot", ["service"] = "search", ["instance"] = "b" } },
        });
        long next = 0;
        await Eventually.TrueAsync(async () =>
        {
            var open = (await vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().Where(i => i!["id"]!.GetValue<long>() != id).ToList();
            next = open.Count == 1 ? open[0]!["id"]!.GetValue<long>() : 0;
            return next != 0 && (await vigil.Client.GetJsonAsync($"/api/v1/notifications?incident={next}")).AsArray().Count == 1;
        }, TimeSpan.FromSeconds(30), "the new incident's page is queued");
        var log = (await vigil.Client.GetJsonAsync($"/api/v1/notifications?incident={id}")).AsArray();
        Assert.Equal(["resolved", "firing"], log.Select(n => n!["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_resolve_by_hand_is_announced_after_many_escalation_pages()
    {
        await using var vigil = await RunningVigil.StartAsync(backend, Config);
        await vigil.Client.PostOkAsync("/api/v2/alerts", new[] { Alert("QueueStuck", "billing") });
        await Eventually.TrueAsync(() => Task.FromResult(Bodies("QueueStuck").Count == 1), TimeSpan.FromSeconds(30), "the firing webhook arrives");
        var id = (await vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().Single()!["id"]!.GetValue<long>();

        // A long incident's escalation pages (user: channels; repeats, several contacts each) outnumber its receiver
        // rows. These name no configured user, so the worker gives them up at once.
        var pages = new ChangeSet();
        var page = new NotificationMessage("ops", "firing", "{}", id, "QueueStuck", "triggered", new Dictionary<string, string>(), []);
        for (var i = 0; i < 120; i++)
        {
            NotificationOutbox.Enqueue(pages, $"user:gone/webhook/{i}", page, $"escalation-page-{i}", DateTimeOffset.UtcNow);
        }
        await vigil.Services.GetRequiredService<IVigilStore>().ApplyAsync([pages]);

        await vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/resolve", new { });
        await Eventually.TrueAsync(() => Task.FromResult(Bodies("QueueStuck").Count == 2), TimeSpan.FromSeconds(30), "the resolved webhook arrives");
        Assert.Equal("resolved", Bodies("QueueStuck")[1]["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_restart_on_the_same_data_does_not_page_twice()
    {
        var database = await TestDatabase.CreateAsync(backend);
        await using (database)
        {
            await using (var first = await RunningVigil.StartAsync(database, ownsDatabase: false, Config))
            {
                await first.Client.PostOkAsync("/api/v2/alerts", new[] { Alert("CpuHot", "search") });
                await Eventually.TrueAsync(() => Task.FromResult(Bodies("CpuHot").Count == 1), TimeSpan.FromSeconds(30), "the first page arrives");
            }
            await using var second = await RunningVigil.StartAsync(database, ownsDatabase: false, Config);
            // The restarted server re-reads the firing alert and keeps flushing its group; a fresh alert in another
            // group proves flushes and deliveries are running again before counting.
            await second.Client.PostOkAsync("/api/v2/alerts", new[] { Alert("CpuHot", "search"), Alert("MemoryHot", "search") });
            await Eventually.TrueAsync(() => Task.FromResult(Bodies("MemoryHot").Count == 1), TimeSpan.FromSeconds(30), "the second group's page arrives");
            var log = (await second.Client.GetJsonAsync("/api/v1/notifications")).AsArray();
            Assert.Equal(2, log.Count);
            Assert.Single(Bodies("CpuHot"));
        }
    }
}

public sealed class NotificationFlowOnSqlite() : NotificationFlowTests(Backend.Sqlite);

public sealed class NotificationFlowOnPostgres() : NotificationFlowTests(Backend.Postgres);
