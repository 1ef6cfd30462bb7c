using System.Net;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Api;

/// <summary>
/// The audit log records each change once, and only changes that happened (found by the audit of the non-negotiables;
/// each test failed before its fix): a priority set to the one the incident has was audited although nothing changed,
/// and a token revoked, an override deleted or an integration key revoked by several requests at once was audited once per request (each read the
/// row as not yet revoked, and the last commit also moved the revocation time).
/// </summary>
public abstract class AuditOnceTests(Backend backend) : IAsyncLifetime
{
    private const string Config = """
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 0s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: ops
        users:
          - {name: alice, full_name: Alice Liddell}
          - {name: bob, full_name: Bob Marley}
        teams:
          - name: payments
            members: [{user: alice, role: manager}, bob]
        schedules:
          - name: primary
            team: payments
            time_zone: UTC
            layers:
              - name: weekly
                users: [alice, bob]
                rotation: 1w
                start: 2025-01-06 00:00
        """;

    /// <summary>Requests sent at once for each race: enough that, without a fix, several of them read before the first commits.</summary>
    private const int AtOnce = 12;

    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(backend, Config);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    [Fact]
    public async Task Setting_the_priority_an_incident_already_has_changes_nothing_and_is_not_audited()
    {
        await _vigil.Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("SamePriority", "db-1")));
        var id = await _vigil.NewestIncidentIdAsync();
        var priority = (string)(await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["priority"]!;

        using var again = await _vigil.Client.PutAsync($"/api/v1/incidents/{id}/priority", Http.Json(new { priority }));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(priority, (string?)(await again.ReadJsonAsync())["priority"]);
        Assert.DoesNotContain(await AuditAsync(), a => (string?)a["action"] == "incident.priority");

        using var changed = await _vigil.Client.PutAsync($"/api/v1/incidents/{id}/priority", Http.Json(new { priority = priority == "P4" ? "P5" : "P4" }));

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Single(await AuditAsync(), a => (string?)a["action"] == "incident.priority");
    }

    [Fact]
    public async Task A_token_revoked_by_many_requests_at_once_is_revoked_and_audited_once()
    {
        for (var round = 0; round < 3; round++)
        {
            using var created = await _vigil.Client.PostAsync("/api/v1/tokens", Http.Json(new { name = $"raced-{round}", role = "viewer" }));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (string)(await created.ReadJsonAsync())["id"]!;

            var answers = await AllAtOnceAsync(client => client.DeleteAsync($"/api/v1/tokens/{id}"));

            Assert.All(answers, status => Assert.Equal(HttpStatusCode.NoContent, status));
            Assert.Single(await AuditAsync(), a => (string?)a["action"] == "token.revoke" && (string?)a["target"] == $"token/{id}");
        }
    }

    [Fact]
    public async Task An_override_deleted_by_many_requests_at_once_is_deleted_and_audited_once()
    {
        for (var round = 0; round < 3; round++)
        {
            var start = DateTimeOffset.UtcNow.AddDays(1 + round);
            using var created = await _vigil.Client.PostAsync("/api/v1/overrides",
                Http.Json(new { schedule = "primary", start, end = start.AddHours(2), user = "bob" }));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (string)(await created.ReadJsonAsync())["id"]!;

            var answers = await AllAtOnceAsync(client => client.DeleteAsync($"/api/v1/overrides/{id}"));

            Assert.All(answers, status => Assert.Equal(HttpStatusCode.NoContent, status));
            Assert.Single(await AuditAsync(), a => (string?)a["action"] == "override.delete" && ((string?)a["target"])!.EndsWith("/" + id, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task An_integration_key_revoked_by_many_requests_at_once_is_revoked_and_audited_once()
    {
        for (var round = 0; round < 3; round++)
        {
            using var created = await _vigil.Client.PostAsync("/api/v1/integrations", Http.Json(new { name = $"raced-{round}", service = "checkout" }));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (string)(await created.ReadJsonAsync())["id"]!;

            var answers = await AllAtOnceAsync(client => client.DeleteAsync($"/api/v1/integrations/{id}"));

            Assert.All(answers, status => Assert.Equal(HttpStatusCode.NoContent, status));
            Assert.Single(await AuditAsync(), a => (string?)a["action"] == "integration.revoke" && (string?)a["target"] == $"integration/{id}");
        }
    }

    [Fact]
    public async Task An_integration_name_created_by_many_requests_at_once_gets_one_active_key()
    {
        // The name is the alerts' pd_integration label: two active keys of one name would share its alerts.
        var answers = await AllAtOnceAsync(client => client.PostAsync("/api/v1/integrations", Http.Json(new { name = "twin", service = "checkout" })));

        Assert.Single(answers, status => status == HttpStatusCode.Created);
        Assert.All(answers.Where(s => s != HttpStatusCode.Created), status => Assert.Equal(HttpStatusCode.BadRequest, status));
        Assert.Single(await AuditAsync(), a => (string?)a["action"] == "integration.create");
    }

    /// <summary>Sends <see cref="AtOnce"/> requests, each on its own connection, released together.</summary>
    private async Task<HttpStatusCode[]> AllAtOnceAsync(Func<HttpClient, Task<HttpResponseMessage>> send)
    {
        var clients = Enumerable.Range(0, AtOnce).Select(_ => _vigil.NewClient(_vigil.AdminToken)).ToList();
        try
        {
            // Each connection is opened first, so the requests below reach the server together.
            await Task.WhenAll(clients.Select(c => c.GetAsync("/-/healthy")));
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var requests = clients.Select(async c =>
            {
                await go.Task;
                using var response = await send(c);
                return response.StatusCode;
            }).ToList();
            go.SetResult();
            return await Task.WhenAll(requests);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private async Task<List<JsonNode>> AuditAsync() =>
        [.. (await _vigil.Client.GetJsonAsync("/api/v1/audit?limit=1000")).AsArray().OfType<JsonNode>()];
}

public sealed class AuditOnceOnSqlite() : AuditOnceTests(Backend.Sqlite);

public sealed class AuditOnceOnPostgres() : AuditOnceTests(Backend.Postgres);
