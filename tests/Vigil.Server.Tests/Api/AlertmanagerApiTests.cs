using System.Net;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Api;

public abstract class AlertmanagerApiTests(Backend backend) : IAsyncLifetime
{
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(backend);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    private HttpClient Client => _vigil.Client;

    [Fact]
    public async Task Posted_alerts_are_listed_with_alertmanager_shape_and_fingerprint()
    {
        await Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("HighLatency", "a"), ("HighLatency", "b")));

        var alerts = (await Client.GetJsonAsync("/api/v2/alerts")).AsArray();

        Assert.Equal(2, alerts.Count);
        var first = alerts.Single(a => a!["labels"]!["instance"]!.GetValue<string>() == "a")!;
        Assert.Equal("HighLatency", first["labels"]!["alertname"]!.GetValue<string>());
        Assert.Equal("HighLatency on a", first["annotations"]!["summary"]!.GetValue<string>());
        Assert.Equal("active", first["status"]!["state"]!.GetValue<string>());
        Assert.Empty(first["status"]!["silencedBy"]!.AsArray());
        Assert.Matches("^[0-9a-f]{16}$", first["fingerprint"]!.GetValue<string>());
        Assert.NotEmpty(first["receivers"]!.AsArray());
        Assert.EndsWith("Z", first["startsAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Same_labels_deduplicate_into_one_alert()
    {
        await Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("Dup", "x")));
        await Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("Dup", "x")));

        Assert.Single((await Client.GetJsonAsync("/api/v2/alerts")).AsArray());
    }

    [Fact]
    public async Task Amtool_zero_times_mean_unset()
    {
        await Client.PostOkAsync("/api/v2/alerts", new[]
        {
            new { labels = new { alertname = "Manual" }, startsAt = "0001-01-01T00:00:00.000Z", endsAt = "0001-01-01T00:00:00.000Z" },
        });

        var alert = (await Client.GetJsonAsync("/api/v2/alerts")).AsArray().Single()!;
        Assert.StartsWith(DateTime.UtcNow.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), alert["startsAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Alert_with_end_in_the_past_is_resolved_and_refiring_reopens_it()
    {
        var past = DateTimeOffset.UtcNow.AddMinutes(-10);
        await Client.PostOkAsync("/api/v2/alerts", new[]
        {
            new { labels = new { alertname = "Flappy" }, startsAt = past.AddMinutes(-5).ToString("O"), endsAt = past.ToString("O") },
        });
        Assert.Empty((await Client.GetJsonAsync("/api/v2/alerts")).AsArray());

        await Client.PostOkAsync("/api/v2/alerts", new[] { new { labels = new { alertname = "Flappy" } } });

        Assert.Single((await Client.GetJsonAsync("/api/v2/alerts")).AsArray());
    }

    [Fact]
    public async Task Filters_use_alertmanager_matcher_semantics()
    {
        await Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("HighLatency", "a"), ("HighErrors", "b"), ("DiskFull", "c")));

        async Task<int> Count(string query) => (await Client.GetJsonAsync("/api/v2/alerts?" + query)).AsArray().Count;

        Assert.Equal(2, await Count("filter=" + Uri.EscapeDataString("alertname=~\"High.*\"")));
        Assert.Equal(0, await Count("filter=" + Uri.EscapeDataString("alertname=~\"High\"")));
        Assert.Equal(1, await Count("filter=" + Uri.EscapeDataString("alertname!~\"High.*\"")));
        Assert.Equal(2, await Count("filter=" + Uri.EscapeDataString("instance!=\"a\"")));
        Assert.Equal(1, await Count("filter=" + Uri.EscapeDataString("alertname=~\"High.*\"") + "&filter=" + Uri.EscapeDataString("instance=\"b\"")));
    }

    [Fact]
    public async Task Silence_lifecycle_mutes_matching_alerts_until_expired()
    {
        await Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("HighLatency", "a"), ("HighLatency", "b")));
        using var created = await Client.PostAsync("/api/v2/silences", Http.Json(new
        {
            matchers = new[] { new { name = "instance", value = "a", isRegex = false, isEqual = true } },
            startsAt = DateTimeOffset.UtcNow.ToString("O"),
            endsAt = DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
            createdBy = "alice",
            comment = "maintenance",
        }));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = (await created.ReadJsonAsync())["silenceID"]!.GetValue<string>();

        var silence = await Client.GetJsonAsync($"/api/v2/silence/{id}");
        Assert.Equal("active", silence["status"]!["state"]!.GetValue<string>());
        Assert.Equal("alice", silence["createdBy"]!.GetValue<string>());
        var visible = (await Client.GetJsonAsync("/api/v2/alerts?silenced=false")).AsArray();
        Assert.Equal("b", visible.Single()!["labels"]!["instance"]!.GetValue<string>());
        var all = (await Client.GetJsonAsync("/api/v2/alerts")).AsArray();
        var muted = all.Single(a => a!["labels"]!["instance"]!.GetValue<string>() == "a")!;
        Assert.Equal("suppressed", muted["status"]!["state"]!.GetValue<string>());
        Assert.Equal(id, muted["status"]!["silencedBy"]![0]!.GetValue<string>());

        using var expired = await Client.DeleteAsync($"/api/v2/silence/{id}");
        Assert.Equal(HttpStatusCode.OK, expired.StatusCode);
        Assert.Equal("expired", (await Client.GetJsonAsync($"/api/v2/silence/{id}"))["status"]!["state"]!.GetValue<string>());
        Assert.Equal(2, (await Client.GetJsonAsync("/api/v2/alerts?silenced=false")).AsArray().Count);
    }

    [Fact]
    public async Task Status_and_receivers_answer_like_alertmanager()
    {
        var status = await Client.GetJsonAsync("/api/v2/status");
        Assert.Equal("disabled", status["cluster"]!["status"]!.GetValue<string>());
        Assert.NotNull(status["config"]!["original"]);
        Assert.NotNull(status["versionInfo"]!["version"]);
        Assert.NotEmpty((await Client.GetJsonAsync("/api/v2/receivers")).AsArray());
        using var healthy = await _vigil.NewClient(null).GetAsync("/-/healthy");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Fact]
    public async Task Status_shows_a_viewer_no_secret_of_integrations_vigil_only_loads()
    {
        const string config = """
            global:
              slack_app_token: xoxb-app-token-1
              rocketchat_token_id: rc-token-id-2
            route:
              receiver: chat
              group_by: [alertname]
              group_interval: 4m
            receivers:
              - name: chat
                # OAuth 2 and proxies are errors where Vigil sends (and in global.http_config): here where it does not.
                telegram_configs:
                  - bot_token: telegram-bot-token-5
                    chat_id: 42
                    http_config:
                      proxy_url: http://proxy-user:proxy-pass-3@proxy.example.com:3128
                      oauth2: {client_id: vigil, client_secret: oauth-secret-4, token_url: https://auth.example.com/token}
                pushover_configs: [{user_key: pushover-user-key-6, token: pushover-token-7}]
                sns_configs: [{topic_arn: arn:aws:sns:eu-west-1:1:a, sigv4: {secret_key: aws-secret-key-8}}]
                discord_configs:
                  - webhook_url: https://hooks.example.com/hook-path-9
                    http_config: {oauth2: {client_id: hook, client_secret: oauth-secret-10, token_url: https://auth.example.com/t}}
            """;
        await using var vigil = await RunningVigil.StartAsync(backend, config);
        using var viewer = vigil.NewClient(await RunningVigil.CreateTokenAsync(vigil.Database, "viewer", Vigil.Core.Security.Role.Viewer));

        var body = await viewer.GetStringAsync("/api/v2/status");

        foreach (var secret in new[] { "xoxb-app-token-1", "rc-token-id-2", "proxy-pass-3", "oauth-secret-4", "telegram-bot-token-5",
            "pushover-user-key-6", "pushover-token-7", "aws-secret-key-8", "hook-path-9", "oauth-secret-10" })
        {
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        }
        var original = JsonNode.Parse(body)!["config"]!["original"]!.GetValue<string>();
        Assert.Contains("- name: chat", original, StringComparison.Ordinal);
        Assert.Contains("group_by: [alertname]", original, StringComparison.Ordinal);
        Assert.Contains("group_interval: 4m", original, StringComparison.Ordinal);
        Assert.Contains("proxy_url: http://<secret>@proxy.example.com:3128", original, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_without_a_token_are_refused_and_roles_are_enforced()
    {
        using var anonymous = _vigil.NewClient(null);
        using var noToken = await anonymous.PostAsync("/api/v2/alerts", Http.Json(Http.Alerts(("X", "y"))));
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        using var badToken = _vigil.NewClient("vgl_not-a-real-token");
        using var refused = await badToken.GetAsync("/api/v2/alerts");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var viewerSecret = await CreateTokenAsync("viewer");
        using var viewer = _vigil.NewClient(viewerSecret);
        using var read = await viewer.GetAsync("/api/v2/alerts");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var write = await viewer.PostAsync("/api/v2/alerts", Http.Json(Http.Alerts(("X", "y"))));
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Contains("viewer", (await write.ReadJsonAsync())["detail"]!.GetValue<string>());

        var responderSecret = await CreateTokenAsync("responder");
        using var responder = _vigil.NewClient(responderSecret);
        using var ingest = await responder.PostAsync("/api/v2/alerts", Http.Json(Http.Alerts(("X", "y"))));
        Assert.Equal(HttpStatusCode.OK, ingest.StatusCode);
        using var tokens = await responder.GetAsync("/api/v1/tokens");
        Assert.Equal(HttpStatusCode.Forbidden, tokens.StatusCode);
    }

    [Fact]
    public async Task Token_creation_and_revocation_are_audited()
    {
        var secret = await CreateTokenAsync("viewer");
        var tokens = (await Client.GetJsonAsync("/api/v1/tokens")).AsArray();
        var created = tokens.Single(t => t!["name"]!.GetValue<string>() == "t-viewer")!;
        Assert.DoesNotContain(secret, tokens.ToJsonString());

        using var revoke = await Client.DeleteAsync($"/api/v1/tokens/{created["id"]!.GetValue<string>()}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using var revoked = _vigil.NewClient(secret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/v2/alerts")).StatusCode);

        var audit = (await Client.GetJsonAsync("/api/v1/audit")).AsArray();
        Assert.Contains(audit, a => a!["action"]!.GetValue<string>() == "token.create" && a["actor"]!.GetValue<string>() == "test-admin");
        Assert.Contains(audit, a => a!["action"]!.GetValue<string>() == "token.revoke");
    }

    private async Task<string> CreateTokenAsync(string role)
    {
        using var response = await Client.PostAsync("/api/v1/tokens", Http.Json(new { name = "t-" + role, role }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync())["token"]!.GetValue<string>();
    }
}

public sealed class AlertmanagerApiOnSqlite() : AlertmanagerApiTests(Backend.Sqlite);

public sealed class AlertmanagerApiOnPostgres() : AlertmanagerApiTests(Backend.Postgres);
