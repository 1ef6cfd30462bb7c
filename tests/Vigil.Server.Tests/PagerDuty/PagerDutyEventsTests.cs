using System.Net;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.PagerDuty;

/// <summary>PagerDuty Events API v2 on Vigil: answers, bad input, and PagerDuty's trigger/acknowledge/resolve semantics.</summary>
public abstract partial class PagerDutyEventsTests(Backend backend) : IAsyncLifetime
{
    public const string CheckoutKey = "0123456789abcdef0123456789abcdef";
    private const string SearchKey = "fedcba9876543210fedcba9876543210";

    private static readonly string Config = $"""
        route:
          receiver: ops
          group_by: [alertname, service]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: ops
        incidents:
          reopen_window: 1h
        integrations:
          - name: checkout-monitoring
            service: checkout
            routing_key: {CheckoutKey}
          - name: search-monitoring
            service: search
            routing_key: {SearchKey}
        """;

    private RunningVigil _vigil = null!;
    private HttpClient _anonymous = null!;

    public async Task InitializeAsync()
    {
        _vigil = await RunningVigil.StartAsync(backend, Config);
        _anonymous = _vigil.NewClient(null);
    }

    public async Task DisposeAsync()
    {
        _anonymous.Dispose();
        await _vigil.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(object body, string path = "/v2/enqueue")
    {
        using var response = await _anonymous.PostAsync(path, Http.Json(body));
        return (response.StatusCode, await response.ReadJsonAsync());
    }

    private static object Trigger(string dedupKey, string summary = "Checkout error rate above 5%", string key = CheckoutKey) => new
    {
        routing_key = key,
        event_action = "trigger",
        dedup_key = dedupKey,
        payload = new
        {
            summary,
            source = "prod-checkout-1",
            severity = "critical",
            component = "api",
            group = "web",
            @class = "ErrorRate",
            custom_details = new { error_rate = 0.07 },
        },
        links = new[] { new { href = "https://grafana/d/1", text = "dashboard" } },
    };

    private async Task<JsonNode> WaitForIncidentAsync(Func<JsonNode, bool> which, string what)
    {
        JsonNode? found = null;
        await Eventually.TrueAsync(async () =>
        {
            found = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().FirstOrDefault(i => which(i!));
            return found is not null;
        }, TimeSpan.FromSeconds(30), what);
        return found!;
    }

    private async Task<string> StatusOf(long id) => (await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["status"]!.GetValue<string>();

    [Fact]
    public async Task Trigger_acknowledge_resolve_and_a_new_trigger_follow_pagerduty_semantics()
    {
        var (status, body) = await SendAsync(Trigger("checkout-errors"));
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("success", body["status"]!.GetValue<string>());
        Assert.Equal("Event processed", body["message"]!.GetValue<string>());
        Assert.Equal("checkout-errors", body["dedup_key"]!.GetValue<string>());

        var incident = await WaitForIncidentAsync(i => i["title"]!.GetValue<string>().StartsWith("ErrorRate", StringComparison.Ordinal), "the trigger opens an incident");
        var id = incident["id"]!.GetValue<long>();
        var detail = await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}");
        var alert = detail["alerts"]!.AsArray().Single()!;
        Assert.Equal("checkout", alert["labels"]!["service"]!.GetValue<string>());
        Assert.Equal("critical", alert["labels"]!["severity"]!.GetValue<string>());
        Assert.Equal("prod-checkout-1", alert["labels"]!["source"]!.GetValue<string>());
        Assert.Equal("api", alert["labels"]!["component"]!.GetValue<string>());
        Assert.Contains("0.07", alert["annotations"]!["custom_details"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("grafana", alert["annotations"]!["links"]!.GetValue<string>(), StringComparison.Ordinal);

        // The same dedup key with another integration's routing key does not touch this alert.
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(new { routing_key = SearchKey, event_action = "acknowledge", dedup_key = "checkout-errors" })).Status);
        Assert.Equal("triggered", await StatusOf(id));

        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(new { routing_key = CheckoutKey, event_action = "acknowledge", dedup_key = "checkout-errors" })).Status);
        Assert.Equal("acknowledged", await StatusOf(id));
        // Triggers keep arriving: deduplicated into the same alert, the incident stays acknowledged.
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(Trigger("checkout-errors", "Checkout error rate above 9%"))).Status);
        Assert.Single((await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["alerts"]!.AsArray());
        Assert.Equal("acknowledged", await StatusOf(id));

        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(new { routing_key = CheckoutKey, event_action = "resolve", dedup_key = "checkout-errors" })).Status);
        Assert.Equal("resolved", await StatusOf(id));

        // After a resolve, a trigger for the same key opens a new incident.
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(Trigger("checkout-errors"))).Status);
        var second = await WaitForIncidentAsync(i => i["id"]!.GetValue<long>() != id && i["title"]!.GetValue<string>().StartsWith("ErrorRate", StringComparison.Ordinal),
            "a new incident after the resolve");
        Assert.Equal("triggered", second["status"]!.GetValue<string>());

        var audit = (await _vigil.Client.GetJsonAsync("/api/v1/audit?limit=50")).AsArray().Select(a => a!["action"]!.GetValue<string>()).ToList();
        Assert.Contains("pagerduty.trigger", audit);
        Assert.Contains("pagerduty.acknowledge", audit);
        Assert.Contains("pagerduty.resolve", audit);
    }

    [Fact]
    public async Task A_trigger_without_a_dedup_key_gets_one_generated()
    {
        var (status, body) = await SendAsync(new { routing_key = CheckoutKey, event_action = "trigger", payload = new { summary = "Disk full", source = "db-1", severity = "warning" } });
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Matches("^[0-9a-f]{32}$", body["dedup_key"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_that_is_not_UTF_8_is_refused_with_400()
    {
        // Found by fuzzing: an invalid byte in a property name reached JsonObject, which throws on first access.
        byte[] body = [.. "{\"routing_key\":\"x\",\"event_"u8, 0xE1, .. "action\":\"trigger\"}"u8];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await _anonymous.PostAsync("/v2/enqueue", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.ReadJsonAsync();
        Assert.Contains(json["errors"]!.AsArray(), e => e!.GetValue<string>().Contains("UTF-8", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("missing routing key", "'routing_key' is missing")]
    [InlineData("unknown action", "'event_action' is invalid")]
    [InlineData("summary too long", "'payload.summary' is too long")]
    [InlineData("bad severity", "'payload.severity' is invalid")]
    [InlineData("unknown key", "not a known integration key")]
    [InlineData("dedup key too long", "'dedup_key' is too long")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("key twice", "not valid JSON")]
    [InlineData("nul in dedup key", "'dedup_key' contains a NUL character")]
    [InlineData("source too long", "'source' is too long")]
    public async Task Bad_events_are_refused_with_400_and_pagerdutys_error_shape(string problem, string expected)
    {
        object body = problem switch
        {
            "missing routing key" => new { event_action = "trigger", payload = new { summary = "x", source = "y", severity = "info" } },
            "unknown action" => new { routing_key = CheckoutKey, event_action = "explode", dedup_key = "k" },
            "summary too long" => new { routing_key = CheckoutKey, event_action = "trigger", payload = new { summary = new string('s', 1025), source = "y", severity = "info" } },
            "bad severity" => new { routing_key = CheckoutKey, event_action = "trigger", payload = new { summary = "x", source = "y", severity = "high" } },
            "unknown key" => new { routing_key = new string('z', 32), event_action = "trigger", payload = new { summary = "x", source = "y", severity = "info" } },
            "dedup key too long" => new { routing_key = CheckoutKey, event_action = "resolve", dedup_key = new string('d', 256) },
            "key twice" => $$$"""{"routing_key":"{{{CheckoutKey}}}","routing_key":"x","event_action":"trigger","payload":{"summary":"x","source":"y","severity":"info"}}""",
            "nul in dedup key" => new { routing_key = CheckoutKey, event_action = "trigger", dedup_key = "a\0b", payload = new { summary = "x", source = "y", severity = "info" } },
            "source too long" => new { routing_key = CheckoutKey, event_action = "trigger", payload = new { summary = "x", source = new string('y', 1025), severity = "info" } },
            _ => "{not json",
        };
        using var response = body is string raw ? await _anonymous.PostAsync("/v2/enqueue", Http.Json(raw)) : await _anonymous.PostAsync("/v2/enqueue", Http.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.ReadJsonAsync();
        Assert.Equal("invalid event", json["status"]!.GetValue<string>());
        Assert.Equal("Event object is invalid", json["message"]!.GetValue<string>());
        Assert.Contains(json["errors"]!.AsArray(), e => e!.GetValue<string>().Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_timestamp_ahead_of_the_servers_clock_by_more_than_the_skew_is_refused_and_opens_nothing()
    {
        object Stamped(string route, string dedupKey, DateTimeOffset at) => route == "/v2/enqueue"
            ? new { routing_key = CheckoutKey, event_action = "trigger", dedup_key = dedupKey, payload = new { summary = "x", source = "y", severity = "critical", timestamp = at.ToString("O") } }
            : new { routing_key = CheckoutKey, payload = new { summary = "Deployed", source = "ci", timestamp = at.ToString("O") } };

        foreach (var route in new[] { "/v2/enqueue", "/v2/change/enqueue" })
        {
            foreach (var at in new[] { DateTimeOffset.MaxValue, DateTimeOffset.UtcNow.AddMinutes(10) })
            {
                var (status, body) = await SendAsync(Stamped(route, "future", at), route);
                Assert.Equal(HttpStatusCode.BadRequest, status);
                var error = body["errors"]!.AsArray().Single()!.GetValue<string>();
                Assert.Contains("'payload.timestamp'", error, StringComparison.Ordinal);
                Assert.Contains("more than 5 minutes ahead of the server's clock", error, StringComparison.Ordinal);
            }
        }
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v1/changes")).AsArray());
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray());

        // Within the skew: accepted, and the alert starts now rather than after the server's clock.
        var before = DateTimeOffset.UtcNow;
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(Stamped("/v2/enqueue", "skewed", before.AddMinutes(2)))).Status);
        var alert = (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray().Single()!;
        Assert.True(DateTimeOffset.Parse(alert["startsAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) <= DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_timestamp_must_be_iso_8601_as_pagerduty_sends_it()
    {
        object Stamped(string route, string dedupKey, string at) => route == "/v2/enqueue"
            ? new { routing_key = CheckoutKey, event_action = "trigger", dedup_key = dedupKey, payload = new { summary = "x", source = "y", severity = "critical", timestamp = at } }
            : new { routing_key = CheckoutKey, payload = new { summary = "Deployed", source = "ci", timestamp = at } };

        foreach (var route in new[] { "/v2/enqueue", "/v2/change/enqueue" })
        {
            // Each was accepted (.NET's general parser; a bare time of day was today).
            foreach (var at in new[] { "1/2/2026", "Jan 1 2026", "2026-01-01 00:00:00", "06:00", "2026-01-01", "2026-01-01T00:00:00Z\n", "２０２６-01-01T00:00:00Z" })
            {
                var (status, body) = await SendAsync(Stamped(route, "odd", at), route);
                Assert.Equal(HttpStatusCode.BadRequest, status);
                Assert.Contains("'payload.timestamp' is not an ISO 8601 time", body["errors"]!.AsArray().Single()!.GetValue<string>(), StringComparison.Ordinal);
            }
            // PagerDuty's own example (an offset without a colon), nanoseconds, minutes only, no offset (UTC).
            foreach (var at in new[] { "2015-07-17T08:42:58.315+0000", "2026-01-01T00:00:00.123456789Z", "2026-01-01T01:00+01:00", "2026-01-01T00:00:00" })
            {
                Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(Stamped(route, "iso-" + at, at), route)).Status);
            }
        }
    }

    [Fact]
    public async Task A_timestamp_with_an_offset_and_nanoseconds_starts_the_alert_at_its_instant()
    {
        var at = "2026-01-01T01:00:00.123456789+01:00";
        var trigger = new { routing_key = CheckoutKey, event_action = "trigger", dedup_key = "instant", payload = new { summary = "x", source = "y", severity = "critical", timestamp = at } };
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(trigger)).Status);
        var alert = (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray().Single()!;
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, 123, TimeSpan.Zero),
            DateTimeOffset.Parse(alert["startsAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Triggers_for_one_new_key_at_once_make_one_alert_that_one_resolve_ends()
    {
        var sends = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SendAsync(Trigger("same-time"))));
        Assert.All(sends, s => Assert.Equal(HttpStatusCode.Accepted, s.Status));
        var filter = "/api/v2/alerts?filter=" + Uri.EscapeDataString("dedup_key=\"same-time\"");
        Assert.Single((await _vigil.Client.GetJsonAsync(filter)).AsArray());

        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(new { routing_key = CheckoutKey, event_action = "resolve", dedup_key = "same-time" })).Status);

        Assert.Empty((await _vigil.Client.GetJsonAsync(filter)).AsArray());
    }

    [Fact]
    public async Task A_600_KB_event_is_refused_and_the_server_stays_up()
    {
        var body = new { routing_key = CheckoutKey, event_action = "trigger", payload = new { summary = "big", source = "y", severity = "info", custom_details = new { blob = new string('x', 600 * 1024) } } };
        using var response = await _anonymous.PostAsync("/v2/enqueue", Http.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("larger than 512 KB", (await response.ReadJsonAsync())["errors"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(Trigger("after-big"))).Status);
    }

    [Fact]
    public async Task Change_events_are_validated_stored_and_listed()
    {
        var (status, body) = await SendAsync(new
        {
            routing_key = CheckoutKey,
            payload = new { summary = "Deployed checkout v2.3.1", source = "github-actions", timestamp = "2026-11-25T10:00:00Z", custom_details = new { sha = "abc123" } },
            links = new[] { new { href = "https://github.com/x/y/pull/1", text = "PR" } },
        }, "/v2/change/enqueue");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("success", body["status"]!.GetValue<string>());
        var (bad, error) = await SendAsync(new { routing_key = CheckoutKey, payload = new { source = "ci" } }, "/v2/change/enqueue");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("summary", error["errors"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        var change = (await _vigil.Client.GetJsonAsync("/api/v1/changes")).AsArray().Single()!;
        Assert.Equal("checkout", change["service"]!.GetValue<string>());
        Assert.Equal("Deployed checkout v2.3.1", change["summary"]!.GetValue<string>());
        Assert.Equal("abc123", change["event"]!["payload"]!["custom_details"]!["sha"]!.GetValue<string>());
        Assert.Null(change["event"]!["routing_key"]);
        using var anonymous = await _anonymous.GetAsync("/api/v1/changes");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}

public abstract partial class PagerDutyEventsTests
{
    [Fact]
    public async Task Vigil_issues_a_routing_key_per_service_and_a_revoked_key_is_refused()
    {
        using (var bad = await _vigil.Client.PostAsync("/api/v1/integrations", Http.Json(new { name = "" })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var text = (await bad.ReadJsonAsync()).ToJsonString();
            Assert.Contains("name", text, StringComparison.Ordinal);
            Assert.Contains("service", text, StringComparison.Ordinal);
        }
        // A configured integration's name is its alerts' pd_integration label: another key under it could resolve them.
        using (var taken = await _vigil.Client.PostAsync("/api/v1/integrations", Http.Json(new { name = "checkout-monitoring", service = "billing" })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
            Assert.Contains("config declares", (await taken.ReadJsonAsync()).ToJsonString(), StringComparison.Ordinal);
        }
        using var created = await _vigil.Client.PostAsync("/api/v1/integrations", Http.Json(new { name = "ci-pager", service = "billing" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var issued = await created.ReadJsonAsync();
        var key = issued["routingKey"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{32}$", key);
        // Only its hash is kept: the listing never shows the key again.
        var listed = (await _vigil.Client.GetJsonAsync("/api/v1/integrations")).ToJsonString();
        Assert.Contains("ci-pager", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed, StringComparison.Ordinal);

        var (status, body) = await SendAsync(Trigger("billing-1", "Billing export failed", key));
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("success", body["status"]!.GetValue<string>());
        await WaitForIncidentAsync(i => i["groupLabels"]?["service"]?.GetValue<string>() == "billing", "an incident for service billing");

        using (var revoke = await _vigil.Client.DeleteAsync($"/api/v1/integrations/{issued["id"]!.GetValue<string>()}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        (status, body) = await SendAsync(Trigger("billing-2", "Billing export failed again", key));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not a known integration key", body.ToJsonString(), StringComparison.Ordinal);

        var audit = (await _vigil.Client.GetJsonAsync("/api/v1/audit?limit=50")).AsArray().Select(a => a!["action"]!.GetValue<string>()).ToList();
        Assert.Contains("integration.create", audit);
        Assert.Contains("integration.revoke", audit);
    }
}

public sealed class PagerDutyEventsOnSqlite() : PagerDutyEventsTests(Backend.Sqlite);

public sealed class PagerDutyEventsOnPostgres() : PagerDutyEventsTests(Backend.Postgres);
