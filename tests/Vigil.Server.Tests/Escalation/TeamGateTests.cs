using System.Net;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Escalation;

/// <summary>
/// Who may act on a team's incidents: a token bound to a member of the owning team may, one bound to someone else may
/// not (403 with the reason), admins and tokens not bound to a person keep their global role.
/// </summary>
public sealed class TeamGateTests : IAsyncLifetime
{
    private const string Config = """
        route:
          receiver: ops
          group_by: [alertname, service]
          group_wait: 0s
        receivers:
          - name: ops
        users:
          - name: alice
          - name: bob
        teams:
          - name: shop
            members: [alice]
          - name: search
            members: [bob]
        services:
          - {name: checkout, team: shop}
        """;

    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(Backend.Sqlite, Config);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    [Fact]
    public async Task Only_members_of_the_owning_team_act_on_its_incidents()
    {
        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[]
        {
            new { labels = new Dictionary<string, string> { ["alertname"] = "CheckoutDown", ["service"] = "checkout" } },
        });
        var id = await _vigil.NewestIncidentIdAsync();

        using var bob = _vigil.NewClient(await _vigil.IssueTokenAsync("bob-cli", "responder", "bob"));
        using (var refused = await bob.PostAsync($"/api/v1/incidents/{id}/acknowledge", Http.Json(new { })))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var detail = (await refused.ReadJsonAsync())["detail"]!.GetValue<string>();
            Assert.Contains("bob, who is not a member of team \"shop\"", detail, StringComparison.Ordinal);
        }
        using (var refused = await bob.PostAsync($"/api/v1/incidents/{id}/escalate", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var alice = _vigil.NewClient(await _vigil.IssueTokenAsync("alice-cli", "responder", "alice"));
        using (var ok = await alice.PostAsync($"/api/v1/incidents/{id}/acknowledge", Http.Json(new { })))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // A token bound to no person (automation) keeps its global role.
        using var robot = _vigil.NewClient(await _vigil.IssueTokenAsync("robot", "responder"));
        using (var ok = await robot.PostAsync($"/api/v1/incidents/{id}/unacknowledge", Http.Json(new { })))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        Assert.Equal("triggered", (await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["status"]!.GetValue<string>());
    }
}
