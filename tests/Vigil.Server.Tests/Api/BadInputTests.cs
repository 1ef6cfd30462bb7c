using System.Net;
using System.Text;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Api;

/// <summary>Every kind of bad input gets a 4xx with a message; the server stays up and stored data is untouched.</summary>
public abstract class BadInputTests(Backend backend) : IAsyncLifetime
{
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync()
    {
        _vigil = await RunningVigil.StartAsync(backend);
        await _vigil.Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("Existing", "keep-me")));
    }

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    public static TheoryData<string, string, string> BadAlertBodies => new()
    {
        { "malformed JSON", "[{\"labels\": {\"alertname\": \"x\"", "Malformed JSON" },
        { "not an array", "{\"labels\": {\"alertname\": \"x\"}}", "the value at $ must be an array" },
        { "wrong type for labels", "[{\"labels\": \"alertname=x\"}]", "expected an object of label" },
        { "wrong type for a label value", "[{\"labels\": {\"alertname\": 42}}]", "Malformed JSON" },
        { "wrong type for startsAt", "[{\"labels\": {\"alertname\": \"x\"}, \"startsAt\": 5}]", "Malformed JSON" },
        { "unparseable time", "[{\"labels\": {\"alertname\": \"x\"}, \"startsAt\": \"yesterday\"}]", "RFC 3339" },
        { "start at the end of the calendar", "[{\"labels\": {\"alertname\": \"x\"}, \"startsAt\": \"9999-12-31T23:59:59Z\"}]", "too far in the future" },
        { "missing labels", "[{\"annotations\": {\"summary\": \"x\"}}]", "at least one label" },
        { "empty labels", "[{\"labels\": {}}]", "at least one label" },
        { "invalid label name", "[{\"labels\": {\"alert-name\": \"x\"}}]", "alert-name" },
        { "label name starting with a digit", "[{\"labels\": {\"1abc\": \"x\"}}]", "1abc" },
        { "null label value", "[{\"labels\": {\"alertname\": null}}]", "null" },
        { "end before start", "[{\"labels\": {\"alertname\": \"x\"}, \"startsAt\": \"2026-01-02T00:00:00Z\", \"endsAt\": \"2026-01-01T00:00:00Z\"}]", "before startsAt" },
        { "null alert", "[null]", "null" },
        { "JSON null", "null", "null" },
    };

    [Theory]
    [MemberData(nameof(BadAlertBodies))]
    public async Task Bad_alert_bodies_get_400_with_a_message(string why, string body, string expectedInDetail)
    {
        using var response = await _vigil.Client.PostAsync("/api/v2/alerts", Http.Json(body));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: got {(int)response.StatusCode}");
        var detail = (await response.ReadJsonAsync())["detail"]!.GetValue<string>();
        Assert.Contains(expectedInDetail, detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal); // said in JSON's words, not .NET type names
        await AssertStillHealthyWithDataIntact();
    }

    [Fact]
    public async Task A_wrong_method_or_a_path_no_route_takes_gets_a_problem_that_says_so()
    {
        using var patch = await _vigil.Client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, "/api/v2/alerts"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, patch.StatusCode);
        var detail = (await patch.ReadJsonAsync())["detail"]!.GetValue<string>();
        Assert.Contains("PATCH is not allowed on /api/v2/alerts; it takes", detail, StringComparison.Ordinal);
        Assert.Contains("POST", detail, StringComparison.Ordinal);

        using var notANumber = await _vigil.Client.GetAsync("/api/v1/incidents?limit=abc");
        Assert.Equal(HttpStatusCode.BadRequest, notANumber.StatusCode);
        Assert.Contains("A query or path parameter of GET /api/v1/incidents is not a value of its type", (await notANumber.ReadJsonAsync())["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        using var notAnId = await _vigil.Client.PostAsync("/api/v1/incidents/abc/acknowledge", null);
        Assert.Equal(HttpStatusCode.NotFound, notAnId.StatusCode);
        Assert.Contains("Nothing at POST /api/v1/incidents/abc/acknowledge", (await notAnId.ReadJsonAsync())["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_body_gets_400()
    {
        using var response = await _vigil.Client.PostAsync("/api/v2/alerts", new StringContent("", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("empty", (await response.ReadJsonAsync())["detail"]!.GetValue<string>());
        await AssertStillHealthyWithDataIntact();
    }

    [Fact]
    public async Task Ten_megabyte_body_gets_413()
    {
        var huge = "[" + string.Join(",", Enumerable.Repeat("{\"labels\":{\"alertname\":\"" + new string('x', 1000) + "\"}}", 10_000)) + "]";
        Assert.True(huge.Length > 10_000_000);
        HttpStatusCode status;
        try
        {
            using var response = await _vigil.Client.PostAsync("/api/v2/alerts", Http.Json(huge));
            status = response.StatusCode;
            Assert.Contains("larger than the limit", (await response.ReadJsonAsync())["detail"]!.GetValue<string>());
        }
        catch (HttpRequestException)
        {
            // The server may close the connection while the client is still sending; the refusal is what matters.
            status = HttpStatusCode.RequestEntityTooLarge;
        }
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        await AssertStillHealthyWithDataIntact();
    }

    [Fact]
    public async Task Ten_thousand_labels_get_400()
    {
        var labels = Enumerable.Range(0, 10_000).ToDictionary(i => $"l{i}", i => "v");
        labels["alertname"] = "TooMany";
        using var response = await _vigil.Client.PostAsync("/api/v2/alerts", Http.Json(new[] { new { labels } }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most", (await response.ReadJsonAsync())["detail"]!.GetValue<string>());
        await AssertStillHealthyWithDataIntact();
    }

    [Theory]
    [InlineData("alertname=~\"(unclosed\"", "invalid")]
    [InlineData("alertname=~\"(?!Existing).*\"", "unsupported regular expression")]
    [InlineData("=nothing", "label name")]
    [InlineData("alertname~~\"x\"", "expected one of")]
    public async Task Invalid_filter_gets_400(string filter, string expected)
    {
        using var response = await _vigil.Client.GetAsync("/api/v2/alerts?filter=" + Uri.EscapeDataString(filter));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await response.ReadJsonAsync())["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        await AssertStillHealthyWithDataIntact();
    }

    [Fact]
    public async Task Silence_with_invalid_regex_gets_400()
    {
        using var response = await _vigil.Client.PostAsync("/api/v2/silences", Http.Json(new
        {
            matchers = new[] { new { name = "alertname", value = "(", isRegex = true, isEqual = true } },
            startsAt = DateTimeOffset.UtcNow.ToString("O"),
            endsAt = DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
            createdBy = "me",
            comment = "x",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("regular expression", (await response.ReadJsonAsync())["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Silence_with_a_lookahead_gets_400_naming_the_matcher()
    {
        // Matchers run in linear time, like Alertmanager's RE2, which has no lookarounds either.
        using var response = await _vigil.Client.PostAsync("/api/v2/silences", Http.Json(new
        {
            matchers = new[]
            {
                new { name = "alertname", value = "Existing", isRegex = false, isEqual = true },
                new { name = "instance", value = "(?!keep).*", isRegex = true, isEqual = true },
            },
            startsAt = DateTimeOffset.UtcNow.ToString("O"),
            endsAt = DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
            createdBy = "me",
            comment = "x",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.ReadJsonAsync())["detail"]!.GetValue<string>();
        Assert.Contains("matchers[1]: unsupported regular expression for label \"instance\"", detail);
        Assert.Contains("lookahead", detail);
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/silences")).AsArray());
    }

    [Fact]
    public async Task Silence_whose_matcher_names_no_possible_label_gets_400()
    {
        // "alert-name" can never be an alert's label, so alert-name!="x" would only ever match its absence; the
        // silence was taken (and muted every alert the other matcher selects, as if the first were not there).
        using var response = await _vigil.Client.PostAsync("/api/v2/silences", Http.Json(new
        {
            matchers = new[] { new { name = "alert-name", value = "x", isRegex = false, isEqual = false }, new { name = "service", value = "api", isRegex = false, isEqual = true } },
            startsAt = DateTimeOffset.UtcNow.ToString("O"),
            endsAt = DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
            createdBy = "me",
            comment = "x",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("matchers[0]: label name \"alert-name\" is invalid", (await response.ReadJsonAsync())["detail"]!.GetValue<string>());
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/silences")).AsArray());
    }

    [Fact]
    public async Task Silence_that_would_mute_everything_gets_400()
    {
        using var response = await _vigil.Client.PostAsync("/api/v2/silences", Http.Json(new
        {
            matchers = new[] { new { name = "alertname", value = ".*", isRegex = true, isEqual = true } },
            startsAt = DateTimeOffset.UtcNow.ToString("O"),
            endsAt = DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
            createdBy = "me",
            comment = "x",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("empty string", (await response.ReadJsonAsync())["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task Unknown_silence_id_gets_404_and_a_non_uuid_400(string method)
    {
        using var unknown = await _vigil.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/api/v2/silence/{Guid.NewGuid()}"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("No silence", (await unknown.ReadJsonAsync())["detail"]!.GetValue<string>());
        using var garbage = await _vigil.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/api/v2/silence/not-a-uuid"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
    }

    [Fact]
    public async Task Bad_native_events_get_400_with_every_problem_listed()
    {
        using var response = await _vigil.Client.PostAsync("/api/v1/events", Http.Json(new { action = "explode", severity = "apocalyptic" }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.ReadJsonAsync();
        var errors = json["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.Contains(errors, e => e.Contains("action"));
        Assert.Contains(errors, e => e.Contains("source is required"));
        Assert.Contains(errors, e => e.Contains("service is required"));
        Assert.Contains(errors, e => e.Contains("severity"));
    }

    /// <summary>
    /// JSON bodies with the bytes 0xFF 0xFE (never UTF-8) inside a string: the reader does not check UTF-8 until a
    /// string is decoded, so each place that decodes strings its own way must refuse them, not replace them with U+FFFD.
    /// </summary>
    public static TheoryData<string, string, string> InvalidUtf8Bodies => new()
    {
        { "/api/v2/alerts", "short label value", "[{\"labels\":{\"alertname\":\"Utf8Test\",\"v\":\"a\xff\xfeb\"}}]" },
        { "/api/v2/alerts", "long label value", "[{\"labels\":{\"alertname\":\"Utf8Test\",\"v\":\"" + new string('a', 500) + "\xff\xfeb\"}}]" },
        { "/api/v2/alerts", "label name", "[{\"labels\":{\"alertname\":\"Utf8Test\",\"v\xff\xfe\":\"b\"}}]" },
        { "/api/v2/alerts", "annotation", "[{\"labels\":{\"alertname\":\"Utf8Test\"},\"annotations\":{\"summary\":\"a\xff\xfeb\"}}]" },
        { "/api/v1/events", "native event", "{\"action\":\"trigger\",\"source\":\"s\",\"service\":\"checkout\",\"severity\":\"critical\",\"summary\":\"a\xff\xfeb\"}" },
        { "/api/v2/silences", "silence comment", "{\"matchers\":[{\"name\":\"alertname\",\"value\":\"x\",\"isRegex\":false}],\"startsAt\":\"2030-01-01T00:00:00Z\",\"endsAt\":\"2030-01-02T00:00:00Z\",\"createdBy\":\"me\",\"comment\":\"a\xff\xfeb\"}" },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8Bodies))]
    public async Task Invalid_utf8_in_a_string_gets_400_that_says_so(string path, string where, string body)
    {
        // Latin-1 maps "\xff" to the byte 0xFF and every ASCII character to itself: the body as bytes, not as UTF-8.
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        content.Headers.ContentType = new("application/json");
        using var response = await _vigil.Client.PostAsync(path, content);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{where}: got {(int)response.StatusCode}");
        var detail = (await response.ReadJsonAsync())["detail"]!.GetValue<string>();
        Assert.Contains("is not valid UTF-8", detail, StringComparison.Ordinal);
        var alerts = (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray();
        Assert.DoesNotContain(alerts, a => a!["labels"]!["alertname"]!.GetValue<string>() == "Utf8Test");
        await AssertStillHealthyWithDataIntact();
    }

    private async Task AssertStillHealthyWithDataIntact()
    {
        var alerts = (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray();
        Assert.Contains(alerts, a => a!["labels"]!["instance"]?.GetValue<string>() == "keep-me");
        Assert.DoesNotContain(alerts, a => a!["labels"]!["alertname"]!.GetValue<string>() is "x" or "TooMany");
    }
}

public sealed class BadInputOnSqlite() : BadInputTests(Backend.Sqlite);

public sealed class BadInputOnPostgres() : BadInputTests(Backend.Postgres);
