using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Slo;

/// <summary>Native SLI events over HTTP into real storage: budget and burn rates, SloBurnRate alerts and incidents, bad input, restart.</summary>
public abstract class SloApiTests(Backend backend) : IAsyncLifetime
{
    /// <summary>A native-SLI availability SLO of the checkout service (99 %, 30 days, by events).</summary>
    internal const string SloYaml = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-availability
        spec:
          service: checkout
          indicator:
            metadata:
              name: checkout-requests
            spec:
              ratioMetric:
                good: {metricSource: {type: Vigil}}
                total: {metricSource: {type: Vigil}}
          timeWindow:
            - duration: 30d
              isRolling: true
          budgetingMethod: Occurrences
          objectives:
            - target: 0.99
        """;

    private readonly string _sloFile = Path.Combine(Directory.CreateTempSubdirectory("vigil-slo-").FullName, "checkout.yaml");
    private RunningVigil _vigil = null!;

    private string Config => $"""
        route:
          receiver: default
          group_by: [alertname, slo]
          group_wait: 0s
          group_interval: 1s
        receivers:
          - name: default
        slos:
          files: ['{_sloFile}']
          evaluation_interval: 1s
        """;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_sloFile, SloYaml);
        _vigil = await RunningVigil.StartAsync(backend, Config);
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_sloFile)!, recursive: true);
    }

    private static string Ts(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(RunningVigil vigil, string json, string contentType = "application/json")
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var response = await vigil.Client.PostAsync("/api/v1/sli-events", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static async Task AcceptedAsync(RunningVigil vigil, string json)
    {
        var (status, body) = await PostAsync(vigil, json);
        Assert.True(status == HttpStatusCode.OK, $"POST /api/v1/sli-events → {(int)status}: {body}");
    }

    /// <summary>Events two minutes ago: inside every window, which end with the last complete minute.</summary>
    private static string Events(string counts) => $$"""{"events":[{"slo":"checkout-availability",{{counts}},"timestamp":"{{Ts(DateTimeOffset.UtcNow.AddMinutes(-2))}}"}]}""";

    [Fact]
    public async Task Fast_burn_raises_SloBurnRate_and_an_incident_and_recovery_resolves_it()
    {
        await AcceptedAsync(_vigil, Events("\"good\":40,\"total\":100"));

        var slo = await _vigil.Client.GetJsonAsync("/api/v1/slos/checkout-availability");
        Assert.Equal(0.4, slo["sli"]!.GetValue<double>(), 6);
        Assert.Equal(0.99, slo["objective"]!.GetValue<double>());
        var budget = slo["errorBudget"]!;
        Assert.Equal("events", budget["unit"]!.GetValue<string>());
        Assert.Equal(1, budget["total"]!.GetValue<double>(), 6);
        Assert.Equal(60, budget["consumed"]!.GetValue<double>(), 6);
        Assert.True(budget["exhausted"]!.GetValue<bool>());
        // 60 % errors against 1 % allowed: 60x in every window with data.
        Assert.Equal(60, slo["burnRates"]!.AsArray().First(r => r!["window"]!.GetValue<string>() == "1h")!["burnRate"]!.GetValue<double>(), 6);
        Assert.Equal("page", slo["firing"]!.GetValue<string>());
        Assert.Equal("checkout-availability", (await _vigil.Client.GetJsonAsync("/api/v1/slos"))["slos"]![0]!["name"]!.GetValue<string>());

        JsonNode? alert = null;
        await Eventually.TrueAsync(async () =>
        {
            alert = (await _vigil.Client.GetJsonAsync("/api/v2/alerts?filter=alertname%3DSloBurnRate")).AsArray().FirstOrDefault();
            return alert is not null;
        }, TimeSpan.FromSeconds(30), "a SloBurnRate alert");
        var labels = alert!["labels"]!;
        Assert.Equal(("checkout-availability", "checkout", "critical", "1h"),
            (labels["slo"]!.GetValue<string>(), labels["service"]!.GetValue<string>(), labels["severity"]!.GetValue<string>(), labels["window"]!.GetValue<string>()));
        Assert.Equal("60", alert["annotations"]!["burn_rate_long"]!.GetValue<string>());
        Assert.Contains("budget left", alert["annotations"]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        await Eventually.TrueAsync(async () => (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray()
            .Any(i => i!["title"]!.GetValue<string>().Contains("SloBurnRate", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "an incident for the burn");

        // A flood of good events in the same minute dilutes the errors below every threshold: the alert resolves.
        await AcceptedAsync(_vigil, Events("\"bad\":0,\"total\":10000000"));
        Assert.Null((await _vigil.Client.GetJsonAsync("/api/v1/slos/checkout-availability"))["firing"]);
        await Eventually.TrueAsync(async () => (await _vigil.Client.GetJsonAsync("/api/v2/alerts?filter=alertname%3DSloBurnRate")).AsArray().Count == 0,
            TimeSpan.FromSeconds(30), "the SloBurnRate alert to resolve");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"samples\":[]}")]
    [InlineData("{\"events\":[]}")]
    [InlineData("{\"events\":[{\"slo\":\"nope\",\"good\":1,\"total\":1}]}")]
    [InlineData("{\"events\":[{\"slo\":\"checkout-availability\",\"good\":5,\"total\":1}]}")]
    [InlineData("{\"events\":[{\"slo\":\"checkout-availability\",\"good\":1,\"bad\":0,\"total\":1}]}")]
    [InlineData("{\"events\":[{\"slo\":\"checkout-availability\",\"good\":-1,\"total\":1}]}")]
    [InlineData("{\"events\":[{\"slo\":\"checkout-availability\",\"good\":1,\"total\":\"many\"}]}")]
    // Beyond what the SLO's history holds (32-bit floats): it became infinite there and the burn-down broke off.
    [InlineData("{\"events\":[{\"slo\":\"checkout-availability\",\"good\":1,\"total\":1e39}]}")]
    [InlineData("{\"events\":[{\"slo\":\"checkout-availability\",\"good\":1,\"total\":1,\"timestamp\":\"2001-01-01T00:00:00Z\"}]}")]
    [InlineData("{\"events\":[{\"slo\":\"checkout-availability\",\"good\":1,\"total\":1,\"timestamp\":\"2999-01-01T00:00:00Z\"}]}")]
    [InlineData("{\"events\":[7]}")]
    public async Task Bad_input_is_a_clear_4xx_and_counts_nothing(string json)
    {
        var (status, body) = await PostAsync(_vigil, json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrEmpty(body!["detail"]!.GetValue<string>()));
        Assert.Null((await _vigil.Client.GetJsonAsync("/api/v1/slos/checkout-availability"))["sli"]);
    }

    [Fact]
    public async Task Wrong_content_type_and_unknown_slo_name()
    {
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PostAsync(_vigil, Events("\"good\":1,\"total\":1"), "text/plain")).Status);
        using var response = await _vigil.Client.GetAsync("/api/v1/slos/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Reload_reports_slo_file_errors_and_applies_a_changed_objective_to_the_stored_minutes()
    {
        await AcceptedAsync(_vigil, Events("\"good\":90,\"total\":100"));
        await File.WriteAllTextAsync(_sloFile, SloYaml.Replace("target: 0.99", "target: 1.5", StringComparison.Ordinal));
        using (var invalid = await _vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            var detail = await invalid.Content.ReadAsStringAsync();
            Assert.True(detail.Contains("checkout.yaml:19:15: target 1.5 is outside (0, 1)", StringComparison.Ordinal), detail);
        }
        Assert.Equal(0.99, (await _vigil.Client.GetJsonAsync("/api/v1/slos/checkout-availability"))["objective"]!.GetValue<double>());

        await File.WriteAllTextAsync(_sloFile, SloYaml.Replace("target: 0.99", "target: 0.8", StringComparison.Ordinal));
        using (var valid = await _vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        }
        var slo = await _vigil.Client.GetJsonAsync("/api/v1/slos/checkout-availability");
        Assert.Equal((0.8, 0.9), (slo["objective"]!.GetValue<double>(), slo["sli"]!.GetValue<double>()));
        Assert.Equal(20, slo["errorBudget"]!["total"]!.GetValue<double>(), 6);
    }

    [Fact]
    public async Task Stored_minutes_survive_a_restart()
    {
        await AcceptedAsync(_vigil, Events("\"good\":990,\"total\":1000"));
        await AcceptedAsync(_vigil, Events("\"bad\":5,\"total\":1000"));
        await _vigil.StopAsync();
        await using var restarted = await RunningVigil.StartAsync(_vigil.Database, ownsDatabase: false, Config);

        var slo = await restarted.Client.GetJsonAsync("/api/v1/slos/checkout-availability");
        Assert.Equal(1 - (15 / 2000.0), slo["sli"]!.GetValue<double>(), 6);
        Assert.Equal(15, slo["errorBudget"]!["consumed"]!.GetValue<double>());
        Assert.Equal(20, slo["errorBudget"]!["total"]!.GetValue<double>(), 6);
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_is_answered_again_not_counted_again()
    {
        var events = Events("\"bad\":5,\"total\":1000");
        using var created = await _vigil.Client.PostAsync("/api/v1/tokens", Http.Json(new { name = "sli-pusher", role = "responder" }));
        var secret = (string)(await created.ReadJsonAsync())["token"]!;
        static async Task<(HttpStatusCode Status, string Body, bool Replayed)> Send(HttpClient client, string json, params string[] keys)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sli-events") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            foreach (var key in keys)
            {
                request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
            }
            using var response = await client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Contains("Idempotent-Replayed"));
        }
        async Task<double> Consumed(RunningVigil vigil) =>
            (await vigil.Client.GetJsonAsync("/api/v1/slos/checkout-availability"))["errorBudget"]!["consumed"]!.GetValue<double>();

        using var pusher = _vigil.NewClient(secret);
        var first = await Send(pusher, events, "batch-0001");
        // The client's connection dropped after the commit; it retries, even twice at once, and after a restart.
        var retries = await Task.WhenAll(Send(pusher, events, "batch-0001"), Send(pusher, events, "batch-0001"));
        Assert.Equal(5, await Consumed(_vigil));
        await _vigil.StopAsync();
        await using var restarted = await RunningVigil.StartAsync(_vigil.Database, ownsDatabase: false, Config);
        using var pusherAfterRestart = restarted.NewClient(secret);
        var afterRestart = await Send(pusherAfterRestart, events, "batch-0001");

        Assert.Equal((HttpStatusCode.OK, false), (first.Status, first.Replayed));
        Assert.All(retries.Append(afterRestart), r => Assert.Equal((HttpStatusCode.OK, first.Body, true), (r.Status, r.Body, r.Replayed)));
        Assert.Equal(5, await Consumed(restarted));
        // Keys are the caller's own: another token's request under the same key counts.
        Assert.Equal((HttpStatusCode.OK, false), ((await Send(restarted.Client, events, "batch-0001")).Status, false));
        Assert.Equal(10, await Consumed(restarted));

        // The same key with another body, and unusable keys, are the client's mistakes: nothing counted.
        var reused = await Send(pusherAfterRestart, Events("\"bad\":6,\"total\":1000"), "batch-0001");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Contains("another body", reused.Body, StringComparison.Ordinal);
        foreach (var bad in new[] { new string('k', 256), "has space", "" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await Send(pusherAfterRestart, events, bad)).Status);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(pusherAfterRestart, events, "a", "b")).Status);
        Assert.Equal(10, await Consumed(restarted));

        // A retry is answered as it was even when it would no longer be accepted: here its SLO is gone from the config.
        await File.WriteAllTextAsync(_sloFile, SloYaml.Replace("name: checkout-availability", "name: checkout-renamed", StringComparison.Ordinal));
        using (var reload = await restarted.Client.PostAsync("/-/reload", null))
        {
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(pusherAfterRestart, events, "batch-0002")).Status);
        Assert.Equal((HttpStatusCode.OK, first.Body, true), await Send(pusherAfterRestart, events, "batch-0001"));
    }
}

public sealed class SloApiOnSqlite() : SloApiTests(Backend.Sqlite);

public sealed class SloApiOnPostgres() : SloApiTests(Backend.Postgres);
