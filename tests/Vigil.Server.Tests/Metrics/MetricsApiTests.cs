using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Analytics.Metrics;
using Vigil.Core.Config;
using Vigil.Core.Store;
using Vigil.Server.Metrics;
using Vigil.Server.Pipeline;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Metrics;

/// <summary>Metric push over HTTP into real storage: scoring, bad input, alerts and incidents, restart, capacity.</summary>
public abstract class MetricsApiTests(Backend backend) : IAsyncLifetime
{
    private const string Config = """
        route:
          receiver: default
          group_by: [alertname, series]
          group_wait: 0s
          group_interval: 1s
        receivers:
          - name: default
        metrics:
          forecast_interval: 1s
          capacity:
            - matchers: ['__name__="disk_used_percent"']
              threshold: 90
              horizon: 7d
            - matchers: ['__name__="disk_free_percent"']
              threshold: 10
              horizon: 7d
              direction: falling
        """;

    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(backend, Config);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    private static string Ts(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string V(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A calm, slightly noisy series of <paramref name="count"/> points one second apart, ending now.</summary>
    private static List<(DateTimeOffset T, double V)> Calm(int count, DateTimeOffset end)
    {
        var random = new Random(7);
        return [.. Enumerable.Range(0, count).Select(i => (end.AddSeconds(i - count), 50 + (random.NextDouble() * 2)))];
    }

    private static string Body(string series, string labels, IEnumerable<(DateTimeOffset T, double V)> points) =>
        "{\"samples\":[" + string.Join(',', points.Select(p => $"{{\"series\":\"{series}\",\"labels\":{labels},\"timestamp\":\"{Ts(p.T)}\",\"value\":{V(p.V)}}}")) + "]}";

    /// <summary>A second ingest on the running server's storage and configuration: what a restarted server (or one after
    /// a crash) would find.</summary>
    private static MetricIngest IngestOf(RunningVigil vigil, TimeProvider? time = null) => new(vigil.Services.GetRequiredService<IVigilStore>(),
        vigil.Services.GetRequiredService<AlertPipeline>(), vigil.Services.GetRequiredService<ConfigHolder>(), time ?? TimeProvider.System,
        NullLogger<MetricIngest>.Instance);

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string json, string contentType = "application/json")
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var response = await _vigil.Client.PostAsync("/api/v1/metrics", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private async Task<JsonNode> AcceptedAsync(string json)
    {
        var (status, body) = await PostAsync(json);
        Assert.True(status == HttpStatusCode.OK, $"POST /api/v1/metrics → {(int)status}: {body}");
        return body!;
    }

    [Fact]
    public async Task Pushed_samples_are_scored_per_series_and_listed_with_points_band_and_forecast()
    {
        var now = DateTimeOffset.UtcNow;
        var result = await AcceptedAsync(Body("cpu_usage", "{\"instance\":\"a\",\"job\":\"node\"}", Calm(300, now)));
        Assert.Equal(300, result["accepted"]!.GetValue<int>());
        Assert.Equal(1, result["series"]!.GetValue<int>());
        // Label order does not make another series; unix-seconds timestamps work too.
        result = await AcceptedAsync($$"""{"samples":[{"series":"cpu_usage","labels":{"job":"node","instance":"a"},"timestamp":{{now.AddSeconds(1).ToUnixTimeMilliseconds() / 1000.0}},"value":51}]}""");
        Assert.Equal(1, result["accepted"]!.GetValue<int>());

        var list = await _vigil.Client.GetJsonAsync("/api/v1/metrics/series");
        Assert.Equal(0.56, list["threshold"]!.GetValue<double>()); // the lightweight detector's (decision 023)
        var series = list["series"]!.AsArray().Single()!;
        Assert.Equal("cpu_usage", series["name"]!.GetValue<string>());
        Assert.Equal("cpu_usage{instance=\"a\",job=\"node\"}", series["text"]!.GetValue<string>());
        Assert.Equal(301, series["samples"]!.GetValue<long>());
        Assert.Equal(51, series["lastValue"]!.GetValue<double>());

        var id = series["id"]!.GetValue<string>();
        var detail = await _vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{id}");
        // A calm series has not alerted, so it alerts at its threshold.
        Assert.Equal((0.0, 0.56), (detail["recentAlerts"]!.GetValue<double>(), detail["scoreNeeded"]!.GetValue<double>()));
        var points = detail["points"]!.AsArray();
        Assert.Equal(301, points.Count);
        var last = points[^1]!;
        Assert.True(last["lower"]!.GetValue<double>() < 51 && 51 < last["upper"]!.GetValue<double>(), last.ToJsonString());
        Assert.Null(points[0]!["expected"]);  // warm-up points carry no band
        var forecast = detail["forecast"]!;
        Assert.NotEmpty(forecast["points"]!.AsArray());
        Assert.Contains("Holt-Winters", forecast["model"]!.GetValue<string>());
        var f = forecast["points"]![0]!;
        Assert.True(f["lower"]!.GetValue<double>() <= f["value"]!.GetValue<double>() && f["value"]!.GetValue<double>() <= f["upper"]!.GetValue<double>());

        using var missing = await _vigil.Client.GetAsync("/api/v1/metrics/series/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("GET /api/v1/metrics/series", await missing.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1,2]", "\\\"samples\\\" array")]
    [InlineData("{\"samples\":[{\"value\":1}]}", "samples[0].series")]
    [InlineData("{\"samples\":[{\"series\":\"bad name!\",\"value\":1}]}", "samples[0].series")]
    [InlineData("{\"samples\":[{\"series\":\"ok\"}]}", "samples[0].value is missing")]
    [InlineData("{\"samples\":[{\"series\":\"ok\",\"value\":\"lots\"}]}", "samples[0].value must be a number")]
    [InlineData("{\"samples\":[{\"series\":\"ok\",\"value\":1,\"timestamp\":\"yesterday\"}]}", "samples[0].timestamp")]
    [InlineData("{\"samples\":[{\"series\":\"ok\",\"value\":1,\"labels\":{\"__x\":\"y\"}}]}", "not a valid label name")]
    [InlineData("{\"samples\":[{\"series\":\"ok\",\"value\":1,\"labels\":{\"a\":5}}]}", "labels.a must be a string")]
    [InlineData("{\"samples\":[1]}", "samples[0] must be an object")]
    [InlineData("{\"samples\":[{\"series\":\"ok\",\"value\":1,\"labels\":{\"a\":\"1\",\"a\":\"2\"}}]}", "has \\\"a\\\" twice")]
    public async Task Bad_input_is_refused_with_a_clear_400_and_nothing_is_scored(string body, string message)
    {
        var (status, problem) = await PostAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message.Replace("\\\"", "\"", StringComparison.Ordinal), problem!["detail"]!.GetValue<string>());
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]!.AsArray());
    }

    [Fact]
    public async Task Wrong_media_type_empty_body_and_anonymous_callers_get_4xx()
    {
        // Found by fuzzing: an invalid UTF-8 byte in a label name was a 500.
        using (var content = new ByteArrayContent([.. "{\"samples\":[{\"series\":\"a\",\"value\":1,\"labels\":{\"a"u8, 0x85, .. "\":\"b\"}}]}"u8]))
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await _vigil.Client.PostAsync("/api/v1/metrics", content);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("UTF-8", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PostAsync("{\"samples\":[]}", "text/plain")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("")).Status);
        using var anonymous = _vigil.NewClient(null);
        using var denied = await anonymous.PostAsync("/api/v1/metrics", new StringContent("{\"samples\":[]}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> RemoteWriteAsync(byte[] body, string contentType = "application/x-protobuf",
        string? encoding = "snappy", HttpClient? client = null)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }
        using var response = await (client ?? _vigil.Client).PostAsync("/api/v1/write", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Fact]
    public async Task A_label_name_longer_than_200_characters_is_refused_and_not_echoed_whole()
    {
        var name = new string('a', 201);
        var (status, body) = await PostAsync("{\"samples\":[{\"series\":\"ok\",\"value\":1,\"labels\":{\"" + name + "\":\"y\"}}]}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var detail = body!["detail"]!.GetValue<string>();
        Assert.Contains("at most 200 characters, not starting with __", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(name, detail, StringComparison.Ordinal);
        Assert.Empty(await AcceptedLabelNamesAsync());

        var (written, result) = await RemoteWriteAsync(RemoteWriteBody.Compressed(
            new RemoteWriteBody.Series([("__name__", "long_label"), (name, "y")], [(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 1)])));
        Assert.Equal(HttpStatusCode.OK, written);
        Assert.Equal(1, result!["reasons"]!["invalid_series"]!.GetValue<int>());
        Assert.Empty(await AcceptedLabelNamesAsync());

        async Task<IEnumerable<string>> AcceptedLabelNamesAsync() => (await _vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]!.AsArray()
            .SelectMany(s => s!["labels"]!.AsObject().Select(l => l.Key)).Where(k => k.Length > 200);
    }

    [Fact]
    public async Task Prometheus_remote_write_samples_are_scored_like_pushed_ones_and_odd_series_are_skipped_not_fatal()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        var body = RemoteWriteBody.Compressed(
            new RemoteWriteBody.Series([("__name__", "node_load1"), ("instance", "db-1:9100"), ("job", "node")], [(t0, 0.5), (t0 + 15_000, 0.7), (t0 + 30_000, RemoteWriteBody.StaleNaN)]),
            new RemoteWriteBody.Series([("job", "node"), ("__name__", "up")], [(t0, 1)]),
            new RemoteWriteBody.Series([("__name__", "bad"), ("bad-label", "x")], [(t0, 1), (t0 + 1, 2)]),
            new RemoteWriteBody.Series([("job", "no-name")], [(t0, 1)]),
            new RemoteWriteBody.Series([("__name__", "up"), ("__name__", "down")], [(t0, 1)]),
            new RemoteWriteBody.Series([("__name__", "nul"), ("k", "a\0b")], [(t0, 1)]));
        var (status, result) = await RemoteWriteAsync(body);
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {result}");
        Assert.Equal(3, result!["accepted"]!.GetValue<int>());
        Assert.Equal(1, result["reasons"]!["non_finite"]!.GetValue<int>()); // the stale marker
        Assert.Equal(5, result["reasons"]!["invalid_series"]!.GetValue<int>()); // a bad label, no name, the name twice, a NUL

        var series = (await _vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]!.AsArray();
        Assert.Equal(["node_load1", "up"], series.Select(s => s!["name"]!.GetValue<string>()).Order());
        var up = await _vigil.Client.GetJsonAsync("/api/v1/metrics/series?name=up");
        Assert.Equal((1, 1), (up["count"]!.GetValue<int>(), up["series"]!.AsArray().Count)); // the count is of the series named
        var load = series.Single(s => s!["name"]!.GetValue<string>() == "node_load1")!;
        Assert.Equal("db-1:9100", load["labels"]!["instance"]!.GetValue<string>());
        var points = (await _vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{load["id"]!.GetValue<string>()}"))["points"]!.AsArray();
        Assert.Equal([0.5, 0.7], points.Select(p => p!["value"]!.GetValue<double>()));
    }

    [Fact]
    public async Task The_series_list_takes_a_label_selector_and_says_what_is_wrong_with_a_bad_one()
    {
        var now = DateTimeOffset.UtcNow;
        await AcceptedAsync(Body("queue_depth", "{\"queue\":\"orders\"}", Calm(3, now)));
        await AcceptedAsync(Body("queue_depth", "{\"queue\":\"emails\"}", Calm(3, now)));
        await AcceptedAsync(Body("cpu_usage", "{\"queue\":\"orders\"}", Calm(3, now)));

        async Task<string[]> ListedAsync(string match)
        {
            var list = await _vigil.Client.GetJsonAsync($"/api/v1/metrics/series?match={Uri.EscapeDataString(match)}");
            var texts = list["series"]!.AsArray().Select(s => s!["text"]!.GetValue<string>()).ToArray();
            Assert.Equal(texts.Length, list["count"]!.GetValue<int>());
            return texts;
        }
        Assert.Equal(["queue_depth{queue=\"emails\"}", "queue_depth{queue=\"orders\"}"], await ListedAsync("{__name__=\"queue_depth\"}"));
        Assert.Equal(["cpu_usage{queue=\"orders\"}", "queue_depth{queue=\"orders\"}"], await ListedAsync("{queue=\"orders\"}"));
        Assert.Equal(["queue_depth{queue=\"orders\"}"], await ListedAsync("{queue=~\"ord.*\",__name__!=\"cpu_usage\"}"));
        Assert.Empty(await ListedAsync("{queue=\"nothing\"}"));

        using var bad = await _vigil.Client.GetAsync($"/api/v1/metrics/series?match={Uri.EscapeDataString("{queue=~\"(\"}")}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Invalid match", (await bad.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Unreadable_remote_write_bodies_get_a_clear_4xx()
    {
        var valid = RemoteWriteBody.Compressed(new RemoteWriteBody.Series([("__name__", "up")], [(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 1)]));
        var (status, problem) = await RemoteWriteAsync("not snappy at all"u8.ToArray());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("snappy", problem!["detail"]!.GetValue<string>());
        // A block whose length field overflows (found by fuzzing: Snappier throws OverflowException for it).
        (status, problem) = await RemoteWriteAsync(Convert.FromHexString("FE97B6AC0D7CEC048B"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("snappy", problem!["detail"]!.GetValue<string>());
        (status, problem) = await RemoteWriteAsync(Snappier.Snappy.CompressToArray(RemoteWriteBody.Request(
            new RemoteWriteBody.Series([("__name__", "up")], [(1, 1)]))[..^3]));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("WriteRequest", problem!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await RemoteWriteAsync(valid, encoding: null)).Status);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await RemoteWriteAsync(valid, "application/json")).Status);
        (status, problem) = await RemoteWriteAsync(valid, "application/x-protobuf;proto=io.prometheus.write.v2.Request");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("protobuf_message", problem!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await RemoteWriteAsync([])).Status);
        using var anonymous = _vigil.NewClient(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RemoteWriteAsync(valid, client: anonymous)).Status);
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]!.AsArray());
    }

    [Fact]
    public async Task Non_finite_unsorted_duplicate_and_future_samples_follow_the_documented_policy()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        var body = $$"""
            {"samples":[
              {"series":"q","timestamp":"{{Ts(t0.AddSeconds(2))}}","value":3},
              {"series":"q","timestamp":"{{Ts(t0)}}","value":1},
              {"series":"q","timestamp":"{{Ts(t0.AddSeconds(1))}}","value":"2"},
              {"series":"q","timestamp":"{{Ts(t0.AddSeconds(1))}}","value":2},
              {"series":"q","timestamp":"{{Ts(t0.AddSeconds(3))}}","value":"NaN"},
              {"series":"q","timestamp":"{{Ts(t0.AddSeconds(4))}}","value":"+Inf"},
              {"series":"q","timestamp":"{{Ts(t0.AddDays(1))}}","value":9}
            ]}
            """;
        var result = await AcceptedAsync(body);
        // Unsorted points of one request are sorted; the duplicate, the non-finite and the future ones are counted and skipped.
        Assert.Equal(3, result["accepted"]!.GetValue<int>());
        Assert.Equal(4, result["skipped"]!.GetValue<int>());
        Assert.Equal(1, result["reasons"]!["out_of_order"]!.GetValue<int>());
        Assert.Equal(2, result["reasons"]!["non_finite"]!.GetValue<int>());
        Assert.Equal(1, result["reasons"]!["future_timestamp"]!.GetValue<int>());
        // A later request with an older timestamp is out of order for the detector.
        result = await AcceptedAsync($$"""{"samples":[{"series":"q","timestamp":"{{Ts(t0)}}","value":1}]}""");
        Assert.Equal(1, result["reasons"]!["out_of_order"]!.GetValue<int>());
        var id = (await _vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]![0]!["id"]!.GetValue<string>();
        var values = (await _vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["points"]!.AsArray().Select(p => p!["value"]!.GetValue<double>());
        Assert.Equal([1.0, 2.0, 3.0], values);
    }

    [Fact]
    public async Task A_spike_raises_one_MetricAnomaly_alert_linking_to_the_chart_and_an_incident()
    {
        var now = DateTimeOffset.UtcNow;
        var calm = Calm(400, now.AddSeconds(-1));
        await AcceptedAsync(Body("api_latency_ms", "{\"service\":\"checkout\"}", calm));
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());

        var result = await AcceptedAsync(Body("api_latency_ms", "{\"service\":\"checkout\"}", [(now, 400.0)]));
        Assert.Equal(1, result["anomalies"]!.GetValue<int>());

        var alert = (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray().Single()!;
        Assert.Equal("MetricAnomaly", alert["labels"]!["alertname"]!.GetValue<string>());
        Assert.Equal("api_latency_ms", alert["labels"]!["series"]!.GetValue<string>());
        Assert.Equal("checkout", alert["labels"]!["service"]!.GetValue<string>());
        Assert.Equal("warning", alert["labels"]!["severity"]!.GetValue<string>());
        var summary = alert["annotations"]!["summary"]!.GetValue<string>();
        Assert.Contains("value 400 outside expected [", summary);
        Assert.Equal("Spike", alert["annotations"]!["signal"]!.GetValue<string>());
        Assert.True(double.Parse(alert["annotations"]!["score"]!.GetValue<string>(), CultureInfo.InvariantCulture) >= 0.69);
        var id = alert["annotations"]!["series_id"]!.GetValue<string>();
        Assert.Equal($"/#/metrics/{id}", alert["generatorURL"]!.GetValue<string>());
        var series = (await _vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]![0]!;
        Assert.True(series["anomalous"]!.GetValue<bool>());
        Assert.Equal("Spike", series["lastAnomalySignal"]!.GetValue<string>());
        var marked = (await _vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["points"]!.AsArray().Where(p => p!["anomaly"]!.GetValue<bool>());
        Assert.Equal(400, Assert.Single(marked)!["value"]!.GetValue<double>());

        // More of the same inside the resend interval: still one alert, not a storm.
        await AcceptedAsync(Body("api_latency_ms", "{\"service\":\"checkout\"}", [(now.AddSeconds(1), 420.0), (now.AddSeconds(2), 410.0)]));
        Assert.Single((await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());

        await Eventually.TrueAsync(async () =>
        {
            var incidents = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray();
            return incidents.Any(i => i!["title"]!.GetValue<string>().Contains("MetricAnomaly", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(30), "an incident for the metric anomaly");
    }

    [Fact]
    public async Task A_series_whose_source_hangs_raises_a_flatline_MetricAnomaly()
    {
        // An exporter that hangs keeps serving its last reading: every value is ordinary, the run of them is not.
        var now = DateTimeOffset.UtcNow;
        var points = Calm(400, now.AddSeconds(-40));
        points.AddRange(Enumerable.Range(0, 40).Select(i => (now.AddSeconds(i - 40), 50.5)));
        var result = await AcceptedAsync(Body("queue_depth", "{\"queue\":\"orders\"}", points));
        Assert.Equal(1, result["anomalies"]!.GetValue<int>());
        var alert = (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray().Single()!;
        Assert.Equal("Flatline", alert["annotations"]!["signal"]!.GetValue<string>());
        Assert.Contains("inside expected [", alert["annotations"]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("(flatline)", alert["annotations"]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Old_history_is_charted_but_never_alerts()
    {
        var longAgo = DateTimeOffset.UtcNow.AddDays(-2);
        var points = Calm(400, longAgo);
        points.Add((longAgo.AddSeconds(1), 10_000));
        var result = await AcceptedAsync(Body("old_series", "{}", points));
        Assert.Equal(1, result["anomalies"]!.GetValue<int>());
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());
    }

    [Theory]
    [InlineData("balanced")]
    [InlineData("contextual")]
    public async Task A_series_keeps_its_detector_kind_across_a_restart_with_another_configured(string kind)
    {
        // 400 samples: past the pattern detectors' probation (300), so their state is in what is saved.
        var config = Config.Replace("metrics:\n", $"metrics:\n  detector: {kind}\n", StringComparison.Ordinal);
        await using var first = await RunningVigil.StartAsync(backend, config);
        using (var content = new StringContent(Body("latency", "{\"host\":\"h1\"}", Calm(400, DateTimeOffset.UtcNow)), Encoding.UTF8, "application/json"))
        using (var response = await first.Client.PostAsync("/api/v1/metrics", content))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await first.StopAsync();

        // Restarted with the lightweight detector and a threshold set for it: the series keeps its detector and that
        // detector's default threshold, not the one chosen for another detector's alert volume.
        var lightweight = Config.Replace("metrics:\n", "metrics:\n  threshold: 0.95\n", StringComparison.Ordinal);
        await using var restarted = await RunningVigil.StartAsync(first.Database, ownsDatabase: false, lightweight);
        var series = Assert.Single((await restarted.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]!.AsArray())!;
        Assert.Equal(400, series["samples"]!.GetValue<long>());
        Assert.Equal((kind, kind == "balanced" ? 0.59 : 0.62), (series["detector"]!.GetValue<string>(), series["threshold"]!.GetValue<double>()));
    }

    [Fact]
    public async Task Detector_rules_pick_each_new_series_detector_and_threshold_and_their_room_survives_a_restart()
    {
        var config = Config.Replace("metrics:\n", """
            metrics:
              detectors:
                - matchers: ['__name__="latency"']
                  detector: contextual
                  max_series: 1
                - matchers: ['__name__="latency"']
                  detector: balanced
                  threshold: 0.8

            """, StringComparison.Ordinal);
        await using var first = await RunningVigil.StartAsync(backend, config);
        var now = DateTimeOffset.UtcNow;
        foreach (var (name, host) in new[] { ("latency", "h1"), ("latency", "h2"), ("cpu", "h1") })
        {
            using var content = new StringContent(Body(name, $"{{\"host\":\"{host}\"}}", Calm(10, now)), Encoding.UTF8, "application/json");
            using var response = await first.Client.PostAsync("/api/v1/metrics", content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        async Task<Dictionary<string, (string, double)>> DetectorsAsync(RunningVigil vigil) =>
            (await vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]!.AsArray().ToDictionary(
                s => s!["text"]!.GetValue<string>(), s => (s!["detector"]!.GetValue<string>(), s["threshold"]!.GetValue<double>()));
        var expected = new Dictionary<string, (string, double)>
        {
            ["latency{host=\"h1\"}"] = ("contextual", 0.62), // the first rule, now full
            ["latency{host=\"h2\"}"] = ("balanced", 0.8),    // falls through to the second
            ["cpu{host=\"h1\"}"] = ("lightweight", 0.56),   // no rule: metrics.detector, at its own threshold
        };
        Assert.Equal(expected, await DetectorsAsync(first));
        await first.StopAsync();

        await using var restarted = await RunningVigil.StartAsync(first.Database, ownsDatabase: false, config);
        Assert.Equal(expected, await DetectorsAsync(restarted));
        // The restored contextual series still fills the first rule, so a new latency series gets the second.
        using (var content = new StringContent(Body("latency", "{\"host\":\"h3\"}", Calm(10, now)), Encoding.UTF8, "application/json"))
        using (var response = await restarted.Client.PostAsync("/api/v1/metrics", content))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(("balanced", 0.8), (await DetectorsAsync(restarted))["latency{host=\"h3\"}"]);
    }

    [Theory]
    [InlineData("lightweight")]
    [InlineData("balanced")]
    [InlineData("contextual")]
    public async Task Values_near_the_limits_of_a_double_are_scored_charted_and_restored(string kind)
    {
        var config = Config.Replace("metrics:\n", $"metrics:\n  detector: {kind}\n", StringComparison.Ordinal);
        await using var first = await RunningVigil.StartAsync(backend, config);
        var random = new Random(3);
        var end = DateTimeOffset.UtcNow;
        var points = Enumerable.Range(0, 400).Select(i => (end.AddSeconds(i - 400), i % 7 == 0 ? 1e308 : i % 11 == 0 ? -1e308 : random.NextDouble()));
        using (var content = new StringContent(Body("huge", "{}", points), Encoding.UTF8, "application/json"))
        using (var response = await first.Client.PostAsync("/api/v1/metrics", content))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var id = (await first.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]![0]!["id"]!.GetValue<string>();
        Assert.Equal(400, (await first.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["points"]!.AsArray().Count);
        await first.StopAsync();

        await using var restarted = await RunningVigil.StartAsync(first.Database, ownsDatabase: false, config);
        Assert.Equal(400, (await restarted.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["points"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_reloaded_rule_threshold_applies_to_its_series_and_a_bad_rule_is_refused()
    {
        string WithRule(string threshold) => Config.Replace("metrics:\n", $$"""
            metrics:
              detectors:
                - { matchers: ['__name__="latency"'], detector: balanced, threshold: {{threshold}} }

            """, StringComparison.Ordinal);
        await using var vigil = await RunningVigil.StartAsync(backend, WithRule("0.8"));
        using (var content = new StringContent(Body("latency", "{}", Calm(10, DateTimeOffset.UtcNow)), Encoding.UTF8, "application/json"))
        using (var response = await vigil.Client.PostAsync("/api/v1/metrics", content))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        async Task<double> ThresholdAsync() => (await vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]![0]!["threshold"]!.GetValue<double>();
        Assert.Equal(0.8, await ThresholdAsync());
        var configFile = Path.Combine(vigil.Database.DataDirectory, "test-config.yml");

        await File.WriteAllTextAsync(configFile, WithRule("0.6"));
        using (var reloaded = await vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.True(reloaded.IsSuccessStatusCode, await reloaded.Content.ReadAsStringAsync());
        }
        Assert.Equal(0.6, await ThresholdAsync());

        await File.WriteAllTextAsync(configFile, WithRule("1.5"));
        using (var refused = await vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("threshold must be above 0 and at most 1", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(0.6, await ThresholdAsync());
    }

    [Fact]
    public async Task A_relearned_series_starts_again_with_the_detector_its_rule_gives_now_and_a_crash_keeps_that()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        var before = Enumerable.Range(0, 400).Select(i => (start.AddSeconds(i), 50.0 + (i % 7))).ToList();
        await AcceptedAsync(Body("latency", "{\"host\":\"h1\"}", before));
        var id = (await _vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]![0]!["id"]!.GetValue<string>();

        // A rule added later does not move the existing series (it keeps the detector it was created with) …
        var configFile = Path.Combine(_vigil.Database.DataDirectory, "test-config.yml");
        await File.WriteAllTextAsync(configFile, Config.Replace("metrics:\n", """
            metrics:
              detectors:
                - { matchers: ['__name__="latency"'], detector: balanced, threshold: 0.8 }

            """, StringComparison.Ordinal));
        using (var reloaded = await _vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.True(reloaded.IsSuccessStatusCode, await reloaded.Content.ReadAsStringAsync());
        }
        var series = (await _vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["series"]!;
        Assert.Equal(("lightweight", 400L), (series["detector"]!.GetValue<string>(), series["samples"]!.GetValue<long>()));

        // … until it is told to learn again: then it takes the rule's detector and threshold, and keeps its chart.
        using (var relearned = await _vigil.Client.PostAsync($"/api/v1/metrics/series/{id}/relearn", null))
        {
            var body = JsonNode.Parse(await relearned.Content.ReadAsStringAsync())!;
            Assert.True(relearned.StatusCode == HttpStatusCode.OK, body.ToJsonString());
            Assert.Equal(("balanced", 0.8, 0L), (body["detector"]!.GetValue<string>(), body["threshold"]!.GetValue<double>(), body["samples"]!.GetValue<long>()));
        }
        Assert.Equal(400, (await _vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["points"]!.AsArray().Count);
        var after = Enumerable.Range(400, 20).Select(i => (start.AddSeconds(i), 50.0 + (i % 7))).ToList();
        await AcceptedAsync(Body("latency", "{\"host\":\"h1\"}", after));
        var audit = (await _vigil.Client.GetJsonAsync("/api/v1/audit?limit=10")).AsArray();
        Assert.Contains(audit, a => a!["action"]!.GetValue<string>() == "metric_series.relearn" && a["actor"]!.GetValue<string>() == "test-admin"
            && a["details"]!.GetValue<string>().Contains("detector=lightweight->balanced", StringComparison.Ordinal));

        // A crash now (a new ingest restores what a restarted server would): the series is balanced and has learned
        // only the 20 samples since; the 400 before the relearn, still journaled, are not replayed into it.
        var restored = IngestOf(_vigil);
        await restored.RestoreAsync(CancellationToken.None);
        var state = Assert.Single(restored.Series, s => s.Key.Id == id);
        Assert.Equal((MetricDetectorKind.Balanced, 20L), (state.Kind, state.Detector.Samples));

        // An unknown series is a 404; a viewer may not make a series forget.
        using (var unknown = await _vigil.Client.PostAsync("/api/v1/metrics/series/nope/relearn", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Contains("No metric series", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        string viewerToken;
        using (var created = await _vigil.Client.PostAsync("/api/v1/tokens", Http.Json(new { name = "relearn-viewer", role = "viewer" })))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            viewerToken = (await created.ReadJsonAsync())["token"]!.GetValue<string>();
        }
        using var viewer = _vigil.NewClient(viewerToken);
        using (var denied = await viewer.PostAsync($"/api/v1/metrics/series/{id}/relearn", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }
    }

    [Fact]
    public async Task Crashes_after_checkpoints_that_saved_only_some_series_lose_no_accepted_sample()
    {
        // A checkpoint saves one slot of ten, so each one below leaves most of the 20 series for later.
        const int seriesCount = 20, perRound = 50;
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var store = _vigil.Services.GetRequiredService<IVigilStore>();
        MetricIngest Ingest() => IngestOf(_vigil);
        async Task PushAndCheckpointAsync(MetricIngest ingest, int round)
        {
            var samples = Enumerable.Range(0, seriesCount).SelectMany(s => Enumerable.Range(round * perRound, perRound).Select(i =>
                new MetricSample(new SeriesKey("checkpoint_test", [new("n", $"{s}")]), start.AddSeconds(i).UtcDateTime, 40 + (i % 7))));
            await ingest.IngestAsync([.. samples], alerting: false, CancellationToken.None, durable: true);
            await ingest.SaveAsync(CancellationToken.None);
        }
        async Task<long[]> SavedSamplesAsync() => [.. (await store.ReadMetricSeriesAsync().ToListAsync())
            .Where(r => r.Name == "checkpoint_test").Select(r => MetricAnomalyDetector.ImportState(r.State, DetectorSettings.Lightweight).Samples)];

        var running = Ingest();
        await PushAndCheckpointAsync(running, 0);
        await PushAndCheckpointAsync(running, 1);
        var saved = await SavedSamplesAsync();
        Assert.Contains(saved, n => n > 0); // the series of the slots saved (their ids put 3 of the 20 in the first, none in the second)
        Assert.Contains(saved, n => n < 2 * perRound); // the journal holds the rest

        // A crash now: a new ingest finds what a restarted server would; it replays the journal, then checkpoints
        // part of the series again before the next crash.
        var afterCrash = Ingest();
        await afterCrash.RestoreAsync(CancellationToken.None);
        Assert.All(afterCrash.Series, s => Assert.Equal(2 * perRound, s.Detector.Samples));
        await PushAndCheckpointAsync(afterCrash, 2);

        var afterSecondCrash = Ingest();
        await afterSecondCrash.RestoreAsync(CancellationToken.None);
        Assert.Equal(seriesCount, afterSecondCrash.Series.Count);
        Assert.All(afterSecondCrash.Series, s => Assert.Equal(3 * perRound, s.Detector.Samples));
    }

    [Fact]
    public async Task Series_matching_a_selector_are_relearned_together_and_a_missing_or_bad_selector_is_a_400()
    {
        var points = Calm(50, DateTimeOffset.UtcNow);
        await AcceptedAsync(Body("latency", "{\"host\":\"h1\"}", points));
        await AcceptedAsync(Body("latency", "{\"host\":\"h2\"}", points));
        await AcceptedAsync(Body("queue", "{\"host\":\"h1\"}", points));
        var configFile = Path.Combine(_vigil.Database.DataDirectory, "test-config.yml");
        await File.WriteAllTextAsync(configFile, Config.Replace("metrics:\n", """
            metrics:
              detectors:
                - { matchers: ['__name__="latency"'], detector: balanced }

            """, StringComparison.Ordinal));
        using (var reloaded = await _vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.True(reloaded.IsSuccessStatusCode, await reloaded.Content.ReadAsStringAsync());
        }

        using (var relearned = await _vigil.Client.PostAsync("/api/v1/metrics/relearn?match=" + Uri.EscapeDataString("{__name__=\"latency\"}"), null))
        {
            var body = JsonNode.Parse(await relearned.Content.ReadAsStringAsync())!;
            Assert.True(relearned.StatusCode == HttpStatusCode.OK, body.ToJsonString());
            Assert.Equal((2, 2), (body["relearned"]!.GetValue<int>(), body["detectors"]!["balanced"]!.GetValue<int>()));
        }
        var series = (await _vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]!.AsArray()
            .ToDictionary(s => s!["text"]!.GetValue<string>(), s => (s!["detector"]!.GetValue<string>(), s["samples"]!.GetValue<long>()));
        Assert.Equal(("balanced", 0L), series["latency{host=\"h1\"}"]);
        Assert.Equal(("balanced", 0L), series["latency{host=\"h2\"}"]);
        Assert.Equal(("lightweight", 50L), series["queue{host=\"h1\"}"]);

        // A selector whose every matcher also matches a series without its label would relearn every series (the
        // first two did, with a 200: a negated matcher on a label no series has, a bare a=).
        foreach (var (match, message) in new[]
        {
            ("", "Say which series"), ("{", "Invalid match"), ("{}", "selects no label"), ("{alert-name!=\"x\"}", "no matcher that needs a value"),
            ("{a=}", "no matcher that needs a value"), ("{host=~\".*\",env!=\"prod\"}", "no matcher that needs a value"),
        })
        {
            using var refused = await _vigil.Client.PostAsync("/api/v1/metrics/relearn" + (match.Length == 0 ? "" : "?match=" + Uri.EscapeDataString(match)), null);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(message, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        series = (await _vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]!.AsArray()
            .ToDictionary(s => s!["text"]!.GetValue<string>(), s => (s!["detector"]!.GetValue<string>(), s["samples"]!.GetValue<long>()));
        Assert.Equal(("lightweight", 50L), series["queue{host=\"h1\"}"]);
    }

    [Fact]
    public async Task An_admin_deletes_a_series_with_its_stored_state_and_journal_and_a_responder_may_not()
    {
        await AcceptedAsync(Body("decommissioned", "{\"host\":\"old-1\"}", Calm(20, DateTimeOffset.UtcNow)));
        var id = (await _vigil.Client.GetJsonAsync("/api/v1/metrics/series?name=decommissioned"))["series"]![0]!["id"]!.GetValue<string>();
        var store = _vigil.Services.GetRequiredService<IVigilStore>();
        Assert.Contains(await store.ReadMetricSamplesAsync().ToListAsync(), r => r.SeriesId == id);
        Assert.Contains(await store.ReadMetricSeriesAsync().ToListAsync(), r => r.Id == id);

        string responderToken;
        using (var created = await _vigil.Client.PostAsync("/api/v1/tokens", Http.Json(new { name = "delete-responder", role = "responder" })))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            responderToken = (await created.ReadJsonAsync())["token"]!.GetValue<string>();
        }
        using var responder = _vigil.NewClient(responderToken);
        using (var denied = await responder.DeleteAsync($"/api/v1/metrics/series/{id}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        using (var deleted = await _vigil.Client.DeleteAsync($"/api/v1/metrics/series/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var gone = await _vigil.Client.GetAsync($"/api/v1/metrics/series/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
        using (var again = await _vigil.Client.DeleteAsync($"/api/v1/metrics/series/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        }
        Assert.DoesNotContain(await store.ReadMetricSeriesAsync().ToListAsync(), r => r.Id == id);
        Assert.DoesNotContain(await store.ReadMetricSamplesAsync().ToListAsync(), r => r.SeriesId == id);
        var audit = (await _vigil.Client.GetJsonAsync("/api/v1/audit?limit=10")).AsArray();
        Assert.Contains(audit, a => a!["action"]!.GetValue<string>() == "metric_series.delete" && a["target"]!.GetValue<string>() == $"metric_series/{id}");
    }

    [Fact]
    public async Task A_series_silent_for_series_ttl_is_forgotten_with_its_stored_state_and_gives_back_its_rule_room()
    {
        await using var vigil = await RunningVigil.StartAsync(backend, Config.Replace("metrics:\n", """
            metrics:
              series_ttl: 1h
              detectors:
                - { matchers: ['__name__="ttl_test"'], detector: balanced, max_series: 1 }

            """, StringComparison.Ordinal));
        var store = vigil.Services.GetRequiredService<IVigilStore>();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        MetricIngest Ingest() => IngestOf(vigil, clock);
        var ingest = Ingest();
        Task PushAsync(string n) => ingest.IngestAsync([.. Enumerable.Range(0, 10).Select(i =>
            new MetricSample(new SeriesKey("ttl_test", [new("n", n)]), clock.GetUtcNow().UtcDateTime.AddSeconds(i - 10), 40 + i))],
            alerting: false, CancellationToken.None, durable: true);
        MetricSeriesState Find(string n) => ingest.Series.Single(s => s.Key.Labels["n"] == n);

        await PushAsync("a");
        await PushAsync("b");
        Assert.Equal((MetricDetectorKind.Balanced, MetricDetectorKind.Lightweight), (Find("a").Kind, Find("b").Kind)); // the rule is full
        await ingest.SaveAsync(CancellationToken.None, everything: true);
        clock.Advance(TimeSpan.FromMinutes(30));
        await PushAsync("b");
        clock.Advance(TimeSpan.FromMinutes(45));

        // "a" has been silent 75 minutes, "b" 45: only "a" goes, from memory, storage and journal.
        Assert.Equal(1, await ingest.ForgetStaleAsync(CancellationToken.None));
        Assert.Equal(["b"], ingest.Series.Select(s => s.Key.Labels["n"]));
        Assert.Equal(["b"], (await store.ReadMetricSeriesAsync().ToListAsync()).Where(r => r.Name == "ttl_test").Select(r => r.Labels["n"]));
        Assert.DoesNotContain(await store.ReadMetricSamplesAsync().ToListAsync(), r => r.SeriesId == new SeriesKey("ttl_test", [new("n", "a")]).Id);
        Assert.Equal(0, await ingest.ForgetStaleAsync(CancellationToken.None));

        // Its place in the rule is free again, and a restart does not bring it back.
        await PushAsync("c");
        Assert.Equal(MetricDetectorKind.Balanced, Find("c").Kind);
        var restarted = Ingest();
        await restarted.RestoreAsync(CancellationToken.None);
        Assert.Equal(["b", "c"], restarted.Series.Where(s => s.Key.Name == "ttl_test").Select(s => s.Key.Labels["n"]).Order());

        // Time the server was down does not count: saved (journal pruned, so no replay dates them) and restarted two
        // hours later, past the TTL since "b" and "c" last sent, they are kept for a TTL from the restart.
        clock.Advance(TimeSpan.FromMinutes(1));
        await restarted.SaveAsync(CancellationToken.None, everything: true);
        Assert.Empty(await store.ReadMetricSamplesAsync().ToListAsync());
        clock.Advance(TimeSpan.FromHours(2));
        var afterOutage = Ingest();
        await afterOutage.RestoreAsync(CancellationToken.None);
        Assert.Equal(0, await afterOutage.ForgetStaleAsync(CancellationToken.None));
        clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(2, await afterOutage.ForgetStaleAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_journal_longer_than_a_replay_batch_is_replayed_whole_and_in_order_after_a_crash()
    {
        // 120,002 samples of two series, journaled but never checkpointed: the replay reads them in batches of 50,000,
        // so a series' samples straddle batches, and the last batch is a partial one.
        const int perSeries = 60_001;
        var start = DateTimeOffset.UtcNow.AddDays(-2).UtcDateTime;
        MetricIngest Ingest() => IngestOf(_vigil);
        var running = Ingest();
        for (var from = 0; from < perSeries; from += 20_000)
        {
            var samples = new[] { "a", "b" }.SelectMany(n => Enumerable.Range(from, Math.Min(20_000, perSeries - from)).Select(i =>
                new MetricSample(new SeriesKey("replay_test", [new("n", n)]), start.AddSeconds(i), 40 + (i % 13))));
            await running.IngestAsync([.. samples], alerting: false, CancellationToken.None, durable: true);
        }

        var afterCrash = Ingest();
        await afterCrash.RestoreAsync(CancellationToken.None);
        var restored = afterCrash.Series.Where(s => s.Key.Name == "replay_test").ToList();
        Assert.Equal(2, restored.Count);
        // Out of order across batches would be skipped, not learned: every sample learned means every one in order.
        Assert.All(restored, s => Assert.Equal(perSeries, s.Detector.Samples));
        Assert.All(restored, s => Assert.Equal(start.AddSeconds(perSeries - 1).Ticks, s.Points.Last!.Value.Timestamp.Ticks));
    }

    [Fact]
    public async Task A_series_is_restored_with_its_named_detector_or_by_trying_each_kind_when_the_row_has_none()
    {
        // Rows written before the detector was named: the state itself says which settings load it.
        var store = _vigil.Services.GetRequiredService<IVigilStore>();
        var start = DateTime.UtcNow.AddHours(-1);
        var records = new[] { ("lightweight", DetectorSettings.Lightweight), ("balanced", DetectorSettings.Balanced), ("contextual", DetectorSettings.Default) }
            .Select(kind =>
            {
                var detector = new MetricAnomalyDetector(kind.Item2);
                for (var i = 0; i < 400; i++)
                {
                    detector.Update(start.AddSeconds(i), 50 + (i % 7));
                }
                return new MetricSeriesRecord(kind.Item1, "legacy_test", new Dictionary<string, string> { ["kind"] = kind.Item1 },
                    detector.ExportState(), new PointBuffer(MetricIngest.PointsKept).Encode(), DateTimeOffset.UtcNow);
            }).ToList();
        // A named row is loaded with its named detector's settings only: a lightweight state named "balanced" is
        // refused (logged; the series starts afresh when it next sends), not taken for what the trial would find.
        records.Add(records[0] with { Id = "misnamed", Labels = new Dictionary<string, string> { ["kind"] = "misnamed" }, Detector = "balanced" });
        var changes = new ChangeSet();
        changes.MetricSeries.AddRange(records);
        await store.ApplyAsync([changes], CancellationToken.None);

        var restored = IngestOf(_vigil);
        await restored.RestoreAsync(CancellationToken.None);
        Assert.Equal(["balanced", "contextual", "lightweight"],
            restored.Series.Where(s => s.Key.Name == "legacy_test").Select(s => Core.Config.MetricDetectorNames.Of(s.Kind)).Order());
        Assert.All(restored.Series.Where(s => s.Key.Name == "legacy_test"),
            s => Assert.Equal(s.Key.Labels["kind"], Core.Config.MetricDetectorNames.Of(s.Kind)));
    }

    [Fact]
    public async Task Detector_state_and_points_survive_a_restart()
    {
        var now = DateTimeOffset.UtcNow;
        await AcceptedAsync(Body("mem_used", "{\"host\":\"h1\"}", Calm(250, now)));
        var before = (await _vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]![0]!;
        var id = before["id"]!.GetValue<string>();
        await _vigil.StopAsync();
        await using var restarted = await RunningVigil.StartAsync(_vigil.Database, ownsDatabase: false, Config);

        var after = (await restarted.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]![0]!;
        Assert.Equal(id, after["id"]!.GetValue<string>());
        Assert.Equal(250, after["samples"]!.GetValue<long>());
        Assert.Equal(before["lastValue"]!.GetValue<double>(), after["lastValue"]!.GetValue<double>());
        Assert.Equal(250, (await restarted.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["points"]!.AsArray().Count);
        // The restored detector knows its last timestamp (old points are out of order) and keeps learning past warm-up.
        using var content = new StringContent(Body("mem_used", "{\"host\":\"h1\"}", [(now.AddSeconds(-10), 50), (now.AddSeconds(1), 51)]), Encoding.UTF8, "application/json");
        using var response = await restarted.Client.PostAsync("/api/v1/metrics", content);
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(1, result["accepted"]!.GetValue<int>());
        Assert.Equal(1, result["reasons"]!["out_of_order"]!.GetValue<int>());
        var detail = await restarted.Client.GetJsonAsync($"/api/v1/metrics/series/{id}");
        var all = detail["points"]!.AsArray();
        Assert.NotNull(all[all.Count - 1]!["expected"]);
    }

    [Fact]
    public async Task Capacity_forecasts_beyond_the_recent_points_come_from_hourly_means_kept_across_a_restart()
    {
        // 50 hours of one-minute samples filling 0.1 % an hour (80 -> 85): the chart keeps the last 12 hours, the hourly
        // means all 50, and 90 is ~50 hours away - further than 12 hours of points can tell.
        var now = DateTimeOffset.UtcNow;
        var random = new Random(5);
        var points = Enumerable.Range(0, 3000).Select(i => (now.AddMinutes(i - 2999), 80 + (0.1 * i / 60.0) + (random.NextDouble() * 0.05))).ToList();
        await AcceptedAsync(Body("disk_used_percent", "{\"instance\":\"db-7\"}", points));
        var id = (await _vigil.Client.GetJsonAsync("/api/v1/metrics/series?name=disk_used_percent"))["series"]![0]!["id"]!.GetValue<string>();

        async Task<(string From, DateTimeOffset At)> CapacityAsync(RunningVigil vigil)
        {
            var capacity = (await vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["forecast"]!["capacity"]!;
            return (capacity["forecastFrom"]!.GetValue<string>(), capacity["crossingAt"]!.GetValue<DateTimeOffset>());
        }
        var (from, at) = await CapacityAsync(_vigil);
        Assert.Equal("hourly means of 2 days", from);
        Assert.InRange((at - now).TotalHours, 30, 80);
        var hourly = (await _vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["hourly"]!;
        Assert.InRange(hourly["points"]!.AsArray().Count, 50, 51); // 50 hours, the first and last ones partly filled
        Assert.Equal(168, hourly["forecast"]!["points"]!.AsArray().Count); // the rule's 7 days, hour by hour
        await AcceptedAsync(Body("mem_used", "{\"instance\":\"db-7\"}", Calm(30, now)));
        var other = (await _vigil.Client.GetJsonAsync("/api/v1/metrics/series?name=mem_used"))["series"]![0]!["id"]!.GetValue<string>();
        Assert.Null((await _vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{other}"))["hourly"]); // no capacity rule, no hourly means
        await _vigil.Services.GetRequiredService<MetricIngest>().EvaluateCapacityAsync(CancellationToken.None);
        var alert = (await _vigil.Client.GetJsonAsync("/api/v2/alerts?filter=alertname%3DCapacityForecast&filter=instance%3Ddb-7")).AsArray().Single()!;
        Assert.Equal("hourly means of 2 days", alert["annotations"]!["forecast_from"]!.GetValue<string>());

        // The hourly means are stored with the series: after a restart the forecast still reaches back 50 hours.
        await _vigil.StopAsync();
        await using var restarted = await RunningVigil.StartAsync(_vigil.Database, ownsDatabase: false, Config);
        Assert.Equal((from, at), await CapacityAsync(restarted));

        // Restarted with no capacity rule for it, the series keeps no hourly means.
        await restarted.StopAsync();
        const string noCapacity = """
            route:
              receiver: default
            receivers:
              - name: default
            """;
        await using var ruleless = await RunningVigil.StartAsync(_vigil.Database, ownsDatabase: false, noCapacity);
        Assert.Null((await ruleless.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["hourly"]);
        Assert.Null(ruleless.Services.GetRequiredService<MetricIngest>().Find(id)!.Hourly);
    }

    [Fact]
    public async Task A_disk_filling_up_raises_CapacityForecast_with_the_time_left()
    {
        // 200 minutes from 30% to ~90% would take 200 min more at 0.15/min: 60% now, 90 in ~200 minutes.
        var now = DateTimeOffset.UtcNow;
        var random = new Random(3);
        var points = Enumerable.Range(0, 200).Select(i => (now.AddMinutes(i - 199), 30 + (0.15 * i) + (random.NextDouble() * 0.2))).ToList();
        await AcceptedAsync(Body("disk_used_percent", "{\"instance\":\"db-1\",\"mountpoint\":\"/data\"}", points));

        JsonNode? alert = null;
        await Eventually.TrueAsync(async () =>
        {
            alert = (await _vigil.Client.GetJsonAsync("/api/v2/alerts?filter=alertname%3DCapacityForecast")).AsArray().FirstOrDefault();
            return alert is not null;
        }, TimeSpan.FromSeconds(30), "a CapacityForecast alert");
        var summary = alert!["annotations"]!["summary"]!.GetValue<string>();
        Assert.Contains("disk_used_percent{instance=\"db-1\",mountpoint=\"/data\"} reaches 90 in ~", summary);
        Assert.Matches("in ~[0-9]+ hours", summary);
        Assert.Equal("db-1", alert["labels"]!["instance"]!.GetValue<string>());
        var id = alert["annotations"]!["series_id"]!.GetValue<string>();
        var capacity = (await _vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["forecast"]!["capacity"]!;
        Assert.Equal(90, capacity["threshold"]!.GetValue<double>());
        Assert.NotNull(capacity["crossingAt"]);
    }

    [Fact]
    public async Task A_disk_past_its_threshold_keeps_CapacityForecast_firing_and_says_since_when()
    {
        // 200 minutes rising 0.1/min from 75: past 90 for the last ~50 minutes, still rising. Before, the rule went
        // quiet the moment the disk passed 90 (only series below the threshold were forecast), so the incident opened
        // by "reaches 90 in ~…" resolved just as the disk filled, and the chart said "not expected to reach 90".
        var now = DateTimeOffset.UtcNow;
        var random = new Random(5);
        var points = Enumerable.Range(0, 200).Select(i => (T: now.AddMinutes(i - 199), V: 75 + (0.1 * i) + (random.NextDouble() * 0.2))).ToList();
        await AcceptedAsync(Body("disk_used_percent", "{\"instance\":\"db-2\",\"mountpoint\":\"/data\"}", points));
        var crossed = points[points.FindLastIndex(p => p.V < 90) + 1].T;

        await _vigil.Services.GetRequiredService<MetricIngest>().EvaluateCapacityAsync(CancellationToken.None);

        var alert = (await _vigil.Client.GetJsonAsync("/api/v2/alerts?filter=alertname%3DCapacityForecast&filter=instance%3Ddb-2")).AsArray().Single()!;
        var summary = alert["annotations"]!["summary"]!.GetValue<string>();
        Assert.Matches("^disk_used_percent\\{instance=\"db-2\",mountpoint=\"/data\"\\} reached 90 ~[0-9]+ minutes ago \\(now 9[4-5]\\.[0-9]+\\)$", summary);
        Assert.Equal(crossed.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), alert["annotations"]!["crossing_at"]!.GetValue<string>());
        var id = alert["annotations"]!["series_id"]!.GetValue<string>();
        var capacity = (await _vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["forecast"]!["capacity"]!;
        Assert.Equal(crossed.UtcDateTime, capacity["pastSince"]!.GetValue<DateTimeOffset>().UtcDateTime, TimeSpan.FromMilliseconds(1));
        Assert.Null(capacity["crossingAt"]);
    }

    [Fact]
    public async Task A_falling_rule_forecasts_free_space_running_out_and_stays_once_it_has()
    {
        // Free space falling 0.15/min from 50: ~20 now, 10 in ~an hour; a second disk already at 8.
        var now = DateTimeOffset.UtcNow;
        var falling = Enumerable.Range(0, 200).Select(i => (now.AddMinutes(i - 199), 50 - (0.15 * i))).ToList();
        var empty = Enumerable.Range(0, 200).Select(i => (now.AddMinutes(i - 199), i < 150 ? 30.0 : 8.0)).ToList();
        await AcceptedAsync(Body("disk_free_percent", "{\"instance\":\"db-5\"}", falling));
        await AcceptedAsync(Body("disk_free_percent", "{\"instance\":\"db-6\"}", empty));

        await _vigil.Services.GetRequiredService<MetricIngest>().EvaluateCapacityAsync(CancellationToken.None);

        var soon = (await _vigil.Client.GetJsonAsync("/api/v2/alerts?filter=alertname%3DCapacityForecast&filter=instance%3Ddb-5")).AsArray().Single()!;
        Assert.Matches("reaches 10 in ~[0-9]+ minutes \\(now 20\\.15\\)$", soon["annotations"]!["summary"]!.GetValue<string>());
        var past = (await _vigil.Client.GetJsonAsync("/api/v2/alerts?filter=alertname%3DCapacityForecast&filter=instance%3Ddb-6")).AsArray().Single()!;
        Assert.Matches("reached 10 ~49 minutes ago \\(now 8\\)$", past["annotations"]!["summary"]!.GetValue<string>());
        var capacity = (await _vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{past["annotations"]!["series_id"]!.GetValue<string>()}"))["forecast"]!["capacity"]!;
        Assert.Equal("falling", capacity["direction"]!.GetValue<string>());
        Assert.NotNull(capacity["pastSince"]);
    }

    [Fact]
    public async Task A_series_that_stopped_sending_raises_no_CapacityForecast()
    {
        // It stopped three hours ago at 89.9, rising 0.15/min: its forecast "reaches 90" a minute after its last point,
        // i.e. in the past — before, that was an alert "reaches 90 in ~now" every round until the series was forgotten.
        var end = DateTimeOffset.UtcNow.AddHours(-3);
        var random = new Random(9);
        var points = Enumerable.Range(0, 200).Select(i => (end.AddMinutes(i - 199), 60 + (0.15 * i) + (random.NextDouble() * 0.05))).ToList();
        await AcceptedAsync(Body("disk_used_percent", "{\"instance\":\"db-3\",\"mountpoint\":\"/data\"}", points));

        await _vigil.Services.GetRequiredService<MetricIngest>().EvaluateCapacityAsync(CancellationToken.None);

        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/alerts?filter=alertname%3DCapacityForecast&filter=instance%3Ddb-3")).AsArray());
    }

    [Fact]
    public async Task A_disk_that_filled_and_then_stopped_sending_keeps_its_CapacityForecast()
    {
        // A disk that fills often takes its exporter (or its host) down with it: the alert stays, and says data stopped.
        var end = DateTimeOffset.UtcNow.AddHours(-3);
        var points = Enumerable.Range(0, 200).Select(i => (end.AddMinutes(i - 199), 70 + (0.15 * i))).ToList();
        await AcceptedAsync(Body("disk_used_percent", "{\"instance\":\"db-4\",\"mountpoint\":\"/data\"}", points));

        await _vigil.Services.GetRequiredService<MetricIngest>().EvaluateCapacityAsync(CancellationToken.None);

        var alert = (await _vigil.Client.GetJsonAsync("/api/v2/alerts?filter=alertname%3DCapacityForecast&filter=instance%3Ddb-4")).AsArray().Single()!;
        Assert.Matches("reached 90 ~[0-9]+ hours ago \\(last value 99\\.85, no data for ~3 hours\\)$", alert["annotations"]!["summary"]!.GetValue<string>());
    }
}

public sealed class MetricsApiOnSqlite() : MetricsApiTests(Backend.Sqlite);

public sealed class MetricsApiOnPostgres() : MetricsApiTests(Backend.Postgres);
