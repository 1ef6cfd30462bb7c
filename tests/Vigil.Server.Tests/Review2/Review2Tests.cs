using System.Collections;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Review2;

/// <summary>
/// Review 2 findings. Each test asserts the behaviour the product promises; they fail on the reviewed commit.
/// </summary>
public sealed class Review2Tests
{
    private const string Config = """
        route:
          receiver: ops
          group_by: [alertname, service]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: ops
        """;

    /// <summary>
    /// An alert whose group_by label value is long and incompressible (8000 characters; label values may be 64 KiB)
    /// makes the alert_groups primary key exceed PostgreSQL's b-tree limit (2704 bytes). Today the POST answers 200,
    /// then every dispatcher flush fails ("index row size ... exceeds btree version 4 maximum 2704 for index
    /// alert_groups_pkey") and is retried for ever, also after a restart: no alert from anyone becomes an incident again.
    /// </summary>
    [Fact]
    public async Task A_long_group_label_value_does_not_stop_other_alerts_becoming_incidents_on_postgres()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Postgres, Config);
        var longName = Convert.ToBase64String(RandomNumberGenerator.GetBytes(6000));
        using (var poison = await vigil.Client.PostAsync("/api/v2/alerts", Http.Json(new[]
        {
            new { labels = new Dictionary<string, string> { ["alertname"] = longName, ["service"] = "checkout", ["severity"] = "critical" } },
        })))
        {
            // Either refused with a clear 4xx, or accepted and stored: both are fine. A 5xx is not.
            Assert.True((int)poison.StatusCode < 500, $"POST answered {(int)poison.StatusCode}");
        }
        await vigil.Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("DatabaseDown", "db-1")));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var incidents = (await vigil.Client.GetJsonAsync("/api/v1/incidents?limit=100")).AsArray();
            if (incidents.Any(i => i!["title"]!.GetValue<string>().StartsWith("DatabaseDown", StringComparison.Ordinal)))
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, "no incident for DatabaseDown 30 s after it was accepted: the dispatcher is stuck");
            await Task.Delay(500);
        }
    }

    /// <summary>
    /// Integration keys are cached in memory for ever (IssuedIntegrationKeys): a key revoked through one server keeps
    /// paging through every other server on the same database until it restarts (tokens were fixed for exactly this).
    /// </summary>
    [Fact]
    public async Task An_integration_key_revoked_through_one_server_is_refused_by_another_on_the_same_database()
    {
        await using var database = await TestDatabase.CreateAsync(Backend.Sqlite);
        await using var a = await RunningVigil.StartAsync(database, ownsDatabase: false, Config);
        await using var b = await RunningVigil.StartAsync(database, ownsDatabase: false, Config);
        using var anonymousB = b.NewClient(null);

        using var created = await a.Client.PostAsync("/api/v1/integrations", Http.Json(new { name = "ci-pager", service = "billing" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var issued = await created.ReadJsonAsync();
        var key = issued["routingKey"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Accepted, await TriggerAsync(anonymousB, key, "before"));

        using (var revoke = await a.Client.DeleteAsync($"/api/v1/integrations/{issued["id"]!.GetValue<string>()}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var attempt = 0;
        while (await TriggerAsync(anonymousB, key, $"after-{attempt++}") == HttpStatusCode.Accepted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the other server still accepts the revoked routing key 20 s after the revocation");
            await Task.Delay(500);
        }
    }

    /// <summary>The same cache the other way: a key issued through one server is refused by another that had loaded
    /// the key list before (it only loads it once).</summary>
    [Fact]
    public async Task An_integration_key_issued_through_one_server_is_accepted_by_another_on_the_same_database()
    {
        await using var database = await TestDatabase.CreateAsync(Backend.Sqlite);
        await using var a = await RunningVigil.StartAsync(database, ownsDatabase: false, Config);
        await using var b = await RunningVigil.StartAsync(database, ownsDatabase: false, Config);
        using var anonymousB = b.NewClient(null);
        Assert.Equal(HttpStatusCode.BadRequest, await TriggerAsync(anonymousB, "00000000000000000000000000000000", "warm-up")); // B loads the (empty) key list

        using var created = await a.Client.PostAsync("/api/v1/integrations", Http.Json(new { name = "ci-pager", service = "billing" }));
        var key = (await created.ReadJsonAsync())["routingKey"]!.GetValue<string>();

        var deadline = DateTime.UtcNow.AddSeconds(20);
        var attempt = 0;
        while (await TriggerAsync(anonymousB, key, $"new-{attempt++}") != HttpStatusCode.Accepted)
        {
            Assert.True(DateTime.UtcNow < deadline, "the other server still refuses the newly issued routing key 20 s after it was issued");
            await Task.Delay(500);
        }
    }

    private static async Task<HttpStatusCode> TriggerAsync(HttpClient client, string key, string dedup)
    {
        using var response = await client.PostAsync("/v2/enqueue", Http.Json(new
        {
            routing_key = key,
            event_action = "trigger",
            dedup_key = dedup,
            payload = new { summary = "Billing export failed", source = "ci", severity = "error" },
        }));
        return response.StatusCode;
    }

    /// <summary>
    /// The UI acts with the token kept in localStorage, so any site that frames it can trick a signed-in user into
    /// clicking Resolve / Delete / Revoke exemption (clickjacking). No CSP either (defence in depth for alert text).
    /// </summary>
    [Fact]
    public async Task The_ui_forbids_framing_and_sends_a_content_security_policy()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite);
        using var anonymous = vigil.NewClient(null);
        using var page = await anonymous.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var csp = page.Headers.TryGetValues("Content-Security-Policy", out var values) ? string.Join(";", values) : "";
        var xfo = page.Headers.TryGetValues("X-Frame-Options", out var x) ? string.Join(";", x) : "";
        Assert.True(csp.Contains("frame-ancestors", StringComparison.OrdinalIgnoreCase) || xfo.Length > 0,
            "GET / has neither X-Frame-Options nor a CSP frame-ancestors directive");
        Assert.Contains("script-src", csp, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// UiEndpoints caches every requested path, misses included, in a static dictionary that never shrinks: anyone
    /// (no token needed) grows the server's memory without bound — measured ~280 MB retained per 20 000 requests with
    /// 7 KB paths (11 s with one client).
    /// </summary>
    [Fact]
    public async Task Requests_for_missing_ui_files_do_not_grow_server_memory()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite);
        using var anonymous = vigil.NewClient(null);
        var cache = (IDictionary)typeof(Vigil.Server.Ui.UiEndpoints)
            .GetField("Cache", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;
        var before = cache.Count;
        var padding = new string('a', 1000);
        for (var i = 0; i < 500; i++)
        {
            using var miss = await anonymous.GetAsync($"/nope-{Guid.NewGuid():N}-{padding}");
            Assert.Equal(HttpStatusCode.NotFound, miss.StatusCode);
        }
        Assert.True(cache.Count - before < 50, $"500 requests for missing files left {cache.Count - before} entries in the UI cache");
    }

    /// <summary>
    /// GET /api/v1/stream authenticates once: after the token is revoked (401 everywhere else) the open stream keeps
    /// delivering change events (incident ids) for as long as the connection lasts.
    /// </summary>
    [Fact]
    public async Task An_open_event_stream_ends_when_its_token_is_revoked()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, Config);
        using var created = await vigil.Client.PostAsync("/api/v1/tokens", Http.Json(new { name = "wallboard", role = "viewer" }));
        var token = await created.ReadJsonAsync();
        using var viewer = vigil.NewClient(null);
        viewer.Timeout = Timeout.InfiniteTimeSpan;
        using var stream = await viewer.GetAsync($"/api/v1/stream?access_token={Uri.EscapeDataString(token["token"]!.GetValue<string>())}",
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await reader.ReadLineAsync());

        using (var revoke = await vigil.Client.DeleteAsync($"/api/v1/tokens/{token["id"]!.GetValue<string>()}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        await vigil.Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("AfterRevoke", "host-1")));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var eventsAfterRevoke = 0;
        try
        {
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("event: changed", StringComparison.Ordinal))
                {
                    eventsAfterRevoke++;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the stream of a revoked token is still open 30 s after the revocation ({eventsAfterRevoke} change events delivered meanwhile)");
        }
        catch (IOException)
        {
            // closed by the server: fine
        }
    }
}
