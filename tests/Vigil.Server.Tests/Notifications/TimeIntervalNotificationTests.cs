using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Notifications;

/// <summary>
/// End to end (config file, HTTP push, dispatcher, outbox, webhook): a route inside its mute_time_intervals opens its
/// incident but pages nobody, says so on the timeline, and pages at the first flush after the interval ends.
/// </summary>
public sealed class TimeIntervalNotificationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero); // a Monday
    private readonly FakeTimeProvider _clock = new(Start);
    private WebhookReceiver _hook = null!;
    private TestDatabase _database = null!;
    private RunningVigil _vigil = null!;

    // Lunch in London, 13:00–14:00 BST: 12:00–13:00 UTC, so the server starts inside it.
    private string Config => $$"""
        time_intervals:
          - name: lunch
            time_intervals:
              - weekdays: [monday]
                times: [{start_time: "13:00", end_time: "14:00"}]
                location: Europe/London
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1m
          repeat_interval: 4h
          routes:
            - matchers: ['team="shop"']
              receiver: ops
              mute_time_intervals: [lunch]
        receivers:
          - name: ops
            webhook_configs:
              - url: {{_hook.Address}}hooks/ops
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

    private async Task<List<string>> TimelineKindsAsync(long id) =>
        (await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["timeline"]!.AsArray().Select(e => e!["kind"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task A_muted_route_opens_its_incident_without_a_page_and_pages_once_the_interval_ends()
    {
        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[]
        {
            new
            {
                labels = new Dictionary<string, string> { ["alertname"] = "CheckoutDown", ["team"] = "shop" },
                startsAt = _clock.GetUtcNow().AddMinutes(-1),
                endsAt = _clock.GetUtcNow().AddDays(1),
            },
        });
        var id = await _vigil.NewestIncidentIdAsync();
        await Eventually.TrueAsync(async () => (await TimelineKindsAsync(id)).Contains("notification_muted"), TimeSpan.FromSeconds(20), "the muted entry");

        Assert.Empty(_hook.Requests);
        Assert.Empty((await _vigil.Client.GetJsonAsync($"/api/v1/notifications?incident={id}")).AsArray());
        var muted = (await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["timeline"]!.AsArray()
            .Single(e => e!["kind"]!.GetValue<string>() == "notification_muted")!["message"]!.GetValue<string>();
        Assert.Contains("inside mute time interval \"lunch\"", muted, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromHours(1)); // 14:00 in London: lunch is over
        await Eventually.TrueAsync(() =>
        {
            _clock.Advance(TimeSpan.FromSeconds(1)); // the dispatcher and the outbox worker wait on the clock
            return Task.FromResult(!_hook.Requests.IsEmpty);
        }, TimeSpan.FromSeconds(30), "the page after the interval");
        var body = Assert.Single(_hook.Requests).Body;
        Assert.Equal("firing", body["status"]!.GetValue<string>());
        Assert.Equal("CheckoutDown", body["groupLabels"]!["alertname"]!.GetValue<string>());
        Assert.Single((await _vigil.Client.GetJsonAsync($"/api/v1/notifications?incident={id}")).AsArray());
    }
}
