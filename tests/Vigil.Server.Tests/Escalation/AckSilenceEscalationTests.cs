using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Pipeline;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Escalation;

/// <summary>
/// Found by a review (incidents.silence_on_acknowledge): an acknowledgement withdrawn by escalation — its timeout,
/// "escalate now", "reassign" — left the acknowledgement silence in place, so the group stayed muted until it resolved:
/// new alerts neither joined the incident nor paged. The silence expires in the same commit, as for an unacknowledge
/// by hand.
/// </summary>
public sealed class AckSilenceEscalationTests : IAsyncLifetime
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
        incidents:
          silence_on_acknowledge: true
        # Pageable users; nothing listens there (the test reads silences, alerts and incidents).
        users:
          - {name: alice, contacts: [{webhook: "http://127.0.0.1:9/alice"}]}
          - {name: bob, contacts: [{webhook: "http://127.0.0.1:9/bob"}]}
        escalation_policies:
          - name: shop
            acknowledge_timeout: 30m
            levels:
              - delay: 5m
                targets: [{user: alice}]
              - delay: 5m
                targets: [{user: bob}]
        """;

    private static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(Backend.Sqlite, Config, time: _clock);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    [Theory]
    [InlineData("acknowledgement timeout")]
    [InlineData("escalate now")]
    [InlineData("reassign")]
    public async Task An_acknowledgement_withdrawn_by_escalation_expires_its_silence(string how)
    {
        await PostAlertAsync("a");
        long id = 0;
        await Eventually.TrueAsync(async () =>
        {
            id = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().FirstOrDefault()?["id"]!.GetValue<long>() ?? 0;
            return id != 0;
        }, TimeSpan.FromSeconds(20), "an incident");
        await _vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/acknowledge", new { comment = "on it" });
        var silence = $"/api/v2/silence/{AlertPipeline.AckSilenceId(id)}";
        Assert.Equal("active", State(await _vigil.Client.GetJsonAsync(silence)));

        switch (how)
        {
            case "acknowledgement timeout":
                _clock.Advance(TimeSpan.FromMinutes(30));
                break;
            case "escalate now":
                await _vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/escalate", new { });
                break;
            default:
                await _vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/reassign", new { user = "bob" });
                break;
        }
        await Eventually.TrueAsync(async () => Text(await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"), "status") == "triggered",
            TimeSpan.FromSeconds(20), "the incident back to triggered");
        Assert.Equal("expired", State(await _vigil.Client.GetJsonAsync(silence)));

        // The group is heard again: its alert is no longer muted, and a new alert of the group joins the incident.
        var alert = (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray().Single()!;
        Assert.Empty(alert["status"]!["silencedBy"]!.AsArray());
        await PostAlertAsync("b");
        await Eventually.TrueAsync(async () =>
        {
            _clock.Advance(TimeSpan.FromSeconds(10)); // the group's next flush is due on the clock
            return (await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["alerts"]!.AsArray().Count == 2;
        }, TimeSpan.FromSeconds(20), "the new alert joins the incident");
    }

    private Task PostAlertAsync(string instance) => _vigil.Client.PostOkAsync("/api/v2/alerts", new[]
    {
        new
        {
            labels = new Dictionary<string, string> { ["alertname"] = "CheckoutDown", ["instance"] = instance },
            startsAt = _clock.GetUtcNow().AddMinutes(-1),
            endsAt = _clock.GetUtcNow().AddDays(1),
        },
    });

    private static string State(JsonNode silence) => silence["status"]!["state"]!.GetValue<string>();

    private static string Text(JsonNode node, string property) => node[property]!.GetValue<string>();
}
