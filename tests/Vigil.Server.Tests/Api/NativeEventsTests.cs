using System.Net;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Api;

public abstract class NativeEventsTests(Backend backend) : IAsyncLifetime
{
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(backend);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    [Fact]
    public async Task Trigger_becomes_an_alert_that_repeats_deduplicate_and_resolve_ends()
    {
        var trigger = new { action = "trigger", source = "nagios", service = "checkout", severity = "critical", summary = "Checkout p99 > 2s", dedup_key = "checkout-latency", labels = new { team = "payments" } };
        using var first = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(trigger));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        using var again = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(new[] { trigger }));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);

        var alert = (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray().Single()!;
        Assert.Equal("nagios", alert["labels"]!["alertname"]!.GetValue<string>());
        Assert.Equal("checkout", alert["labels"]!["service"]!.GetValue<string>());
        Assert.Equal("critical", alert["labels"]!["severity"]!.GetValue<string>());
        Assert.Equal("payments", alert["labels"]!["team"]!.GetValue<string>());
        Assert.Equal("Checkout p99 > 2s", alert["annotations"]!["summary"]!.GetValue<string>());

        using var resolve = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(new { action = "resolve", source = "nagios", service = "checkout", severity = "critical", dedup_key = "checkout-latency", labels = new { team = "payments" } }));
        Assert.Equal(HttpStatusCode.Accepted, resolve.StatusCode);
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());
    }

    [Theory]
    [InlineData("trigger", 25 * 60)]
    [InlineData("trigger", 10)]
    [InlineData("resolve", 10)]
    public async Task A_timestamp_ahead_of_the_servers_clock_by_more_than_the_skew_is_refused(string action, int minutesAhead)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(minutesAhead).ToString("O");
        using var response = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(
            new { action, source = "nagios", service = "checkout", severity = "critical", summary = "x", dedup_key = "k", timestamp = at }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.ReadJsonAsync())["detail"]!.GetValue<string>();
        Assert.Contains("event: timestamp", detail, StringComparison.Ordinal);
        Assert.Contains("more than 5 minutes ahead of the server's clock", detail, StringComparison.Ordinal);
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());
    }

    [Fact]
    public async Task A_timestamp_within_the_skew_starts_the_alert_now_and_a_resolve_never_ends_before_its_start()
    {
        var ahead = DateTimeOffset.UtcNow.AddMinutes(2).ToString("O");
        var trigger = new { action = "trigger", source = "nagios", service = "checkout", severity = "critical", summary = "x", dedup_key = "k", timestamp = ahead };
        using var triggered = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(trigger));
        Assert.Equal(HttpStatusCode.Accepted, triggered.StatusCode);
        var alert = (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray().Single()!;
        Assert.True(DateTimeOffset.Parse(alert["startsAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) <= DateTimeOffset.UtcNow);

        using var resolved = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(trigger with { action = "resolve" }));
        Assert.Equal(HttpStatusCode.Accepted, resolved.StatusCode);
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());
    }

    [Fact]
    public async Task A_resolve_ends_its_keys_alerts_under_every_severity()
    {
        // One batch can leave a key firing under two severities (each event is checked against what was stored before).
        var warning = new { action = "trigger", source = "nagios", service = "checkout", severity = "warning", summary = "p99 high", dedup_key = "twice" };
        using var both = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(new[] { warning, warning with { severity = "critical" } }));
        Assert.Equal(2, (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray().Count);

        using var resolve = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(new { action = "resolve", source = "nagios", service = "checkout", severity = "warning", dedup_key = "twice" }));

        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());
    }

    [Fact]
    public async Task An_events_key_is_one_alert_whatever_its_severity_and_a_resolve_need_not_repeat_it()
    {
        var trigger = new { action = "trigger", source = "nagios", service = "checkout", severity = "warning", summary = "p99 high", dedup_key = "p99" };
        using var first = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(trigger));
        using var worse = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(trigger with { severity = "critical" }));

        var firing = (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray();
        Assert.Equal("critical", Assert.Single(firing)!["labels"]!["severity"]!.GetValue<string>());

        using var resolve = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(new { action = "resolve", source = "nagios", service = "checkout", dedup_key = "p99" }));

        Assert.Equal(HttpStatusCode.Accepted, resolve.StatusCode);
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());
    }

    [Theory]
    [InlineData("label", "a\0b", "contains a NUL character")]
    [InlineData("annotation", "a\0b", "contains a NUL character")]
    [InlineData("label", null, "at most 65536 allowed")]
    [InlineData("annotation", null, "at most 65536 allowed")]
    public async Task Label_and_annotation_values_follow_the_alert_api_rules(string kind, string? value, string expected)
    {
        // The same limits as POST /api/v2/alerts: PostgreSQL cannot store NUL in text, and values are at most 64 KiB.
        value ??= new string('x', 65_537);
        var values = new Dictionary<string, string> { ["team"] = value };
        object e = kind == "label"
            ? new { source = "nagios", service = "checkout", summary = "s", labels = values }
            : new { source = "nagios", service = "checkout", summary = "s", annotations = values };
        using var response = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(e));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await response.ReadJsonAsync())["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());
    }

    [Theory]
    [InlineData("label")]
    [InlineData("annotation")]
    public async Task A_label_or_annotation_name_that_is_not_a_label_name_is_a_400(string kind)
    {
        // Annotations with such names used to be dropped without a word (labels were refused); Alertmanager refuses both.
        var values = new Dictionary<string, string> { ["runbook-url"] = "https://runbooks/checkout" };
        object e = kind == "label"
            ? new { source = "nagios", service = "checkout", summary = "s", labels = values }
            : new { source = "nagios", service = "checkout", summary = "s", annotations = values };
        using var response = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(e));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"{kind} name \"runbook-url\" is invalid: it must match [a-zA-Z_][a-zA-Z0-9_]*", (await response.ReadJsonAsync())["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());
    }

    [Fact]
    public async Task A_resolve_with_such_an_annotation_still_ends_the_alert()
    {
        // A sender that always adds it opened the alert before such names were refused; it must still be able to end it.
        using var trigger = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(new { source = "nagios", service = "checkout", summary = "s", dedup_key = "k" }));
        Assert.Equal(HttpStatusCode.Accepted, trigger.StatusCode);
        using var resolve = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(new
        {
            action = "resolve",
            source = "nagios",
            service = "checkout",
            dedup_key = "k",
            annotations = new Dictionary<string, string> { ["runbook-url"] = "x" },
        }));
        Assert.Equal(HttpStatusCode.Accepted, resolve.StatusCode);
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());
    }
}

public sealed class NativeEventsOnSqlite() : NativeEventsTests(Backend.Sqlite);

public sealed class NativeEventsOnPostgres() : NativeEventsTests(Backend.Postgres);
