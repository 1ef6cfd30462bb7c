using System.Net;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Escalation;

/// <summary>
/// A route that groups by alertname only (Alertmanager's common setup) has no service label in its groups; the incident
/// still belongs to the service its alerts share, so the owning team's policy pages and only its members act on it.
/// Before, both silently did not apply: nobody was paged and anyone could acknowledge.
/// </summary>
public sealed class ServiceOwnerByAlertNameTests : IAsyncLifetime
{
    private const string Config = """
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 0s
        receivers:
          - name: ops
        # alice is pageable (a level of users no page reaches is passed at once); nothing listens there.
        users:
          - {name: alice, contacts: [{webhook: "http://127.0.0.1:9/alice"}]}
          - name: bob
        teams:
          - name: shop
            members: [alice]
          - name: search
            members: [bob]
        services:
          - {name: checkout, team: shop, escalation_policy: shop}
        escalation_policies:
          - name: shop
            levels:
              - delay: 5m
                targets: [{user: alice}]
        """;

    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(Backend.Sqlite, Config);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    [Fact]
    public async Task The_owner_of_the_service_its_alerts_share_pages_and_gates_the_incident()
    {
        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[]
        {
            new { labels = new Dictionary<string, string> { ["alertname"] = "CheckoutDown", ["service"] = "checkout", ["instance"] = "a" } },
            new { labels = new Dictionary<string, string> { ["alertname"] = "CheckoutDown", ["service"] = "checkout", ["instance"] = "b" } },
        });
        var id = await _vigil.NewestIncidentIdAsync();

        var incident = await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}");
        Assert.Equal("checkout", incident["service"]!.GetValue<string>());
        Assert.Null(incident["groupLabels"]!["service"]);
        await Eventually.TrueAsync(async () =>
            (await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["timeline"]!.AsArray()
                .Any(e => e!["message"]!.GetValue<string>().StartsWith("Paged alice", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "alice paged by the owner's policy");

        using var bob = _vigil.NewClient(await _vigil.IssueTokenAsync("bob-cli", "responder", "bob"));
        using (var refused = await bob.PostAsync($"/api/v1/incidents/{id}/acknowledge", Http.Json(new { })))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        using var alice = _vigil.NewClient(await _vigil.IssueTokenAsync("alice-cli", "responder", "alice"));
        using (var ok = await alice.PostAsync($"/api/v1/incidents/{id}/acknowledge", Http.Json(new { })))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
    }
}
