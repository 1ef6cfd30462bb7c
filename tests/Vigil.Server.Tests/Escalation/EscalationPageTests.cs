using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Escalation;

/// <summary>
/// Found by a review: a reopened incident's escalation pages had the first run's dedup keys and were dropped as
/// repeats while the timeline said they were sent; a user's webhook contact URL (its key) was shown to viewers.
/// </summary>
public sealed class EscalationPageTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private WebhookReceiver _hook = null!;
    private TestDatabase _database = null!;
    private RunningVigil _vigil = null!;

    private string Config => $$"""
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1m
          repeat_interval: 1h
          escalation_policy: shop
        receivers:
          - name: ops
        users:
          - name: alice
            contacts:
              - webhook: {{_hook.Address}}alice-secret-key-12345
        escalation_policies:
          - name: shop
            levels:
              - delay: 5m
                targets: [{user: alice}]
        """;

    public async Task InitializeAsync()
    {
        _hook = await WebhookReceiver.StartAsync();
        _database = await TestDatabase.CreateAsync(Backend.Sqlite);
        _vigil = await RunningVigil.StartAsync(_database, ownsDatabase: false, Config, time: _clock);
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        await _database.DisposeAsync();
        await _hook.DisposeAsync();
    }

    [Fact]
    public async Task A_reopened_incident_pages_level_one_again()
    {
        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[]
        {
            new
            {
                labels = new Dictionary<string, string> { ["alertname"] = "CheckoutDown" },
                startsAt = _clock.GetUtcNow().AddMinutes(-1),
                endsAt = _clock.GetUtcNow().AddDays(1),
            },
        });
        long id = 0;
        await Eventually.TrueAsync(async () =>
        {
            var incidents = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray();
            id = incidents.FirstOrDefault()?["id"]!.GetValue<long>() ?? 0;
            return id != 0;
        }, TimeSpan.FromSeconds(20), "incident");
        await Eventually.TrueAsync(() => Task.FromResult(_hook.Requests.Count == 1), TimeSpan.FromSeconds(20), "first page");

        await _vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/resolve", new { });
        _clock.Advance(TimeSpan.FromMinutes(1)); // a new escalation run is told apart by when it started
        await _vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/reopen", new { });
        _clock.Advance(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(async () =>
        {
            _clock.Advance(TimeSpan.FromSeconds(1)); // the outbox worker polls on the clock
            return (await _vigil.Client.GetJsonAsync($"/api/v1/notifications?incident={id}")).AsArray().Count == 2 && _hook.Requests.Count == 2;
        }, TimeSpan.FromSeconds(20), () => "the reopened incident's page: " + _vigil.Client.GetJsonAsync($"/api/v1/notifications?incident={id}").GetAwaiter().GetResult().ToJsonString()
            + " timeline: " + _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}").GetAwaiter().GetResult()["timeline"]!.ToJsonString());
    }

    [Fact]
    public async Task A_page_lists_each_alert_with_its_own_status()
    {
        // Two alerts open the incident; one resolves while the other keeps it open, then the next page goes out.
        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[] { Alert("a"), Alert("b") });
        await Eventually.TrueAsync(() => Task.FromResult(_hook.Requests.Count == 1), TimeSpan.FromSeconds(20), "first page");
        var id = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().Single()!["id"]!.GetValue<long>();
        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[] { Alert("b", endsAt: _clock.GetUtcNow().AddSeconds(-1)) });

        await _vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/escalate", new { });
        await Eventually.TrueAsync(() =>
        {
            _clock.Advance(TimeSpan.FromSeconds(1)); // the outbox worker polls on the clock
            return Task.FromResult(_hook.Requests.Count == 2);
        }, TimeSpan.FromSeconds(20), "the second page");

        var page = _hook.Requests.Last().Body;
        Assert.Equal("firing", page["status"]!.GetValue<string>());
        var statuses = page["alerts"]!.AsArray().ToDictionary(a => a!["labels"]!["instance"]!.GetValue<string>(), a => a!["status"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string> { ["a"] = "firing", ["b"] = "resolved" }, statuses);
    }

    private object Alert(string instance, DateTimeOffset? endsAt = null) => new
    {
        labels = new Dictionary<string, string> { ["alertname"] = "CheckoutDown", ["instance"] = instance },
        startsAt = _clock.GetUtcNow().AddMinutes(-1),
        endsAt = endsAt ?? _clock.GetUtcNow().AddDays(1),
    };

    [Fact]
    public async Task A_users_webhook_key_is_not_shown_by_the_users_api_or_the_status()
    {
        var users = await _vigil.Client.GetJsonAsync("/api/v1/users");
        var status = await _vigil.Client.GetJsonAsync("/api/v2/status");
        Assert.DoesNotContain("alice-secret-key-12345", users.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("alice-secret-key-12345", status.ToJsonString(), StringComparison.Ordinal);
        var contact = users.AsArray().Single(u => u!["name"]!.GetValue<string>() == "alice")!["contacts"]![0]!["value"]!.GetValue<string>();
        Assert.Equal($"{_hook.Address.Scheme}://{_hook.Address.Host}:{_hook.Address.Port}/<secret>", contact);
    }
}
