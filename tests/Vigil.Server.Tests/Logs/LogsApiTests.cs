using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Logs;

/// <summary>Log ingest over HTTP into real storage: formats, bad input, restart, alerts.</summary>
public abstract class LogsApiTests(Backend backend) : IAsyncLifetime
{
    private const string FastGroups = """
        route:
          receiver: default
          group_by: [alertname, service]
          group_wait: 0s
          group_interval: 1s
        receivers:
          - name: default
        logs:
          sources:
            - name: hdfs-formatted
              format: '<Date> <Time> <Pid> <Level> <Component>: <Content>'
        """;

    private static readonly string[] Hdfs = File.ReadLines("/work/shared/data/loghub-2k/HDFS/HDFS_2k.log").Take(300).ToArray();

    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(backend, FastGroups);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    private static ByteArrayContent Body(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static ByteArrayContent Text(string text) => Body(Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8");

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path, HttpContent content)
    {
        using var response = await _vigil.Client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private async Task<JsonNode> AcceptedAsync(string path, HttpContent content)
    {
        var (status, body) = await PostAsync(path, content);
        Assert.True(status == HttpStatusCode.OK, $"{path} → {(int)status}: {body}");
        return body!;
    }

    private async Task<JsonArray> TemplatesAsync(string source, string sort = "count") =>
        (await _vigil.Client.GetJsonAsync($"/api/v1/logs/templates?source={source}&sort={sort}"))["templates"]!.AsArray();

    [Fact]
    public async Task Text_lines_are_mined_into_templates_with_counts_and_sparklines()
    {
        var result = await AcceptedAsync("/api/v1/logs?source=hdfs&service=storage", Text(string.Join('\n', Hdfs) + "\n"));
        Assert.Equal(Hdfs.Length, result["accepted"]!.GetValue<int>());
        Assert.Equal(0, result["skipped"]!.GetValue<int>());

        var source = (await _vigil.Client.GetJsonAsync("/api/v1/logs/sources")).AsArray().Single()!;
        Assert.Equal("hdfs", source["source"]!.GetValue<string>());
        Assert.Equal(Hdfs.Length, source["lines"]!.GetValue<long>());
        var templates = await TemplatesAsync("hdfs");
        Assert.InRange(templates.Count, 3, 60);
        Assert.Equal(source["templates"]!.GetValue<int>(), templates.Count);
        Assert.Equal(Hdfs.Length, templates.Sum(t => t!["count"]!.GetValue<long>()));
        var top = templates[0]!;
        Assert.Contains("<*>", top["template"]!.GetValue<string>());
        Assert.Equal("storage", top["service"]!.GetValue<string>());
        Assert.Equal("info", top["level"]!.GetValue<string>());
        var sparkline = top["perMinute"]!.AsArray();
        Assert.Equal(60, sparkline.Count);
        Assert.Equal(top["count"]!.GetValue<long>(), sparkline.Sum(c => c!.GetValue<long>()));

        var detail = await _vigil.Client.GetJsonAsync($"/api/v1/logs/templates/hdfs/{top["id"]}");
        var examples = detail["examples"]!.AsArray();
        Assert.InRange(examples.Count, 1, 5);
        Assert.Contains(examples[0]!.GetValue<string>(), Hdfs);
    }

    [Fact]
    public async Task Configured_format_mines_only_the_content_and_counts_lines_that_do_not_fit()
    {
        var result = await AcceptedAsync("/api/v1/logs?source=hdfs-formatted", Text(string.Join('\n', Hdfs.Take(50)) + "\nnot an hdfs line\n"));
        Assert.Equal(50, result["accepted"]!.GetValue<int>());
        Assert.Equal(1, result["reasons"]!["format_mismatch"]!.GetValue<int>());
        var templates = await TemplatesAsync("hdfs-formatted");
        Assert.DoesNotContain(templates, t => t!["template"]!.GetValue<string>().Contains("dfs.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reload_applies_new_masks_and_format_to_later_lines_and_keeps_template_ids()
    {
        await AcceptedAsync("/api/v1/logs?source=app", Text("session 7 opened by alice\nsession 8 opened by alice\n"));
        var before = Assert.Single(await TemplatesAsync("app"))!;
        Assert.Equal("session <*> opened by alice", before["template"]!.GetValue<string>());

        // The user names become a variable by a mask, and lines get a header to split off.
        var file = Path.Combine(_vigil.Database.DataDirectory, "test-config.yml");
        await File.WriteAllTextAsync(file, FastGroups + """

                - name: app
                  format: '<Level> <Content>'
                  masks: ['by \w+']
            """);
        using (var reload = await _vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.Equal(HttpStatusCode.OK, reload.StatusCode);
        }
        var result = await AcceptedAsync("/api/v1/logs?source=app", Text("INFO session 9 opened by carol\nINFO session 10 opened by dave\n"));
        Assert.Equal(2, result["accepted"]!.GetValue<int>());

        var templates = await TemplatesAsync("app");
        var masked = Assert.Single(templates, t => t!["template"]!.GetValue<string>() == "session <*> opened <*>")!;
        Assert.Equal(2, masked["count"]!.GetValue<long>());
        // The template learned before the reload keeps its id and count.
        var kept = Assert.Single(templates, t => t!["id"]!.ToJsonString() == before["id"]!.ToJsonString())!;
        Assert.Equal(before["count"]!.GetValue<long>(), kept["count"]!.GetValue<long>());
    }

    [Fact]
    public async Task Templates_that_merge_keep_their_minutes_under_the_survivor()
    {
        await AcceptedAsync("/api/v1/logs?source=auth", Text("user alice logged in\nuser alice logged in\nuser bob logged in\n"));
        Assert.Equal(2, (await TemplatesAsync("auth")).Count);

        // A third user makes the position a variable: the two templates merge, and bob's stored minute goes along.
        await AcceptedAsync("/api/v1/logs?source=auth", Text("user carol logged in\n"));
        var merged = Assert.Single(await TemplatesAsync("auth"))!;
        Assert.Equal("user <*> logged in", merged["template"]!.GetValue<string>());
        Assert.Equal(4, merged["count"]!.GetValue<long>());
        Assert.Equal(4, merged["perMinute"]!.AsArray().Sum(m => m!.GetValue<long>()));
    }

    [Fact]
    public async Task Json_lines_carry_their_own_source_service_and_level()
    {
        var ndjson = """
            {"source":"api","service":"checkout","message":"GET /cart 200 in 12ms","level":"info"}

            {"source":"api","service":"checkout","message":"GET /cart 200 in 15ms","timestamp":"2026-01-01T00:00:00Z","labels":{"pod":"a"}}
            {"source":"worker","message":"job 17 done"}
            """;
        var result = await AcceptedAsync("/api/v1/logs", Body(Encoding.UTF8.GetBytes(ndjson), "application/x-ndjson"));
        Assert.Equal(3, result["accepted"]!.GetValue<int>());
        Assert.Equal(1, result["reasons"]!["empty_line"]!.GetValue<int>());
        var api = Assert.Single(await TemplatesAsync("api"))!;
        Assert.Equal(2, api["count"]!.GetValue<long>());
        Assert.Equal("checkout", api["service"]!.GetValue<string>());
        Assert.Equal("worker", Assert.Single(await TemplatesAsync("worker"))!["service"]!.GetValue<string>());
    }

    [Fact]
    public async Task Loki_push_json_is_accepted_and_protobuf_is_refused_with_a_reason()
    {
        var push = new
        {
            streams = new object[]
            {
                new { stream = new Dictionary<string, string> { ["job"] = "nginx", ["app"] = "web" },
                      values = new[] { new[] { "1700000000000000000", "GET /index.html 200" }, new[] { "1700000000000000001", "GET /about.html 200" } } },
                new { stream = new Dictionary<string, string> { ["source"] = "db", ["level"] = "warn" },
                      values = new[] { new[] { "1700000000000000002", "slow query took 3s" } } },
            },
        };
        var result = await AcceptedAsync("/loki/api/v1/push", Http.Json(push));
        Assert.Equal(3, result["accepted"]!.GetValue<int>());
        Assert.Equal("web", Assert.Single(await TemplatesAsync("nginx"))!["service"]!.GetValue<string>());
        Assert.Equal("warn", Assert.Single(await TemplatesAsync("db"))!["level"]!.GetValue<string>());

        var (status, body) = await PostAsync("/loki/api/v1/push", Body([0x0a, 0x01, 0x02], "application/x-protobuf"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("protobuf", body!["detail"]!.GetValue<string>());
        (status, body) = await PostAsync("/loki/api/v1/push", Http.Json("""{"streams":[{"stream":{"app":"x"},"values":[["1","a"]]}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("source", body!["detail"]!.GetValue<string>());
        (status, body) = await PostAsync("/loki/api/v1/push", Http.Json("""{"streams":[{"stream":{"job":"x"},"values":[["yesterday","a"]]}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("streams[0].values[0]", body!["detail"]!.GetValue<string>());
        // Label values that are not strings were read as no label (the line went in without its app or level).
        foreach (var (labels, named) in new[] { ("""{"job":"x","app":[1,2]}""", "streams[0].stream.app"), ("""{"job":"x","level":{}}""", "streams[0].stream.level"), ("""{"job":"x","n":7}""", "streams[0].stream.n") })
        {
            (status, body) = await PostAsync("/loki/api/v1/push", Http.Json($$"""{"streams":[{"stream":{{labels}},"values":[["1","a"]]}]}"""));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains(named, body!["detail"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_4xx_or_is_counted_and_skipped_never_a_500()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        var (status, body) = await PostAsync("/api/v1/logs?source=x", Body(garbage, "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("UTF-8", body!["detail"]!.GetValue<string>());

        (status, body) = await PostAsync("/api/v1/logs?source=x", Body([.. "ok line\n"u8, 0xC3, 0x28, .. "\n"u8], "text/plain"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("line 2", body!["detail"]!.GetValue<string>());

        var huge = new string('a', 1024 * 1024);
        var result = await AcceptedAsync("/api/v1/logs?source=x", Text($"first line\n{huge}\n\n   \nlast line 2\nnul\0byte\n"));
        Assert.Equal(2, result["accepted"]!.GetValue<int>());
        Assert.Equal(1, result["reasons"]!["line_too_long"]!.GetValue<int>());
        Assert.Equal(2, result["reasons"]!["empty_line"]!.GetValue<int>());
        Assert.Equal(1, result["reasons"]!["binary_data"]!.GetValue<int>());

        (status, body) = await PostAsync("/api/v1/logs", Body("{\"source\":\"a\",\"message\":\"fine\"}\n{\"source\":\"a\",\"message\":\n"u8.ToArray(), "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("line 2: malformed JSON", body!["detail"]!.GetValue<string>());
        (status, body) = await PostAsync("/api/v1/logs", Body("{\"message\":\"no source\"}"u8.ToArray(), "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("source is required", body!["detail"]!.GetValue<string>());
        (status, body) = await PostAsync("/api/v1/logs", Body("[1,2]"u8.ToArray(), "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        (status, body) = await PostAsync("/api/v1/logs", Text("a line without a source"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("?source=", body!["detail"]!.GetValue<string>());
        (status, _) = await PostAsync("/api/v1/logs?source=x", Text(""));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        (status, _) = await PostAsync("/api/v1/logs?source=x", Body(new byte[6 * 1024 * 1024], "text/plain"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        (status, _) = await PostAsync("/api/v1/logs?source=x", Body("a"u8.ToArray(), "application/octet-stream"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        var gzip = Text("a");
        gzip.Headers.ContentEncoding.Add("gzip");
        (status, _) = await PostAsync("/api/v1/logs?source=x", gzip);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        (status, _) = await PostAsync("/api/v1/logs?source=x", Http.Json(new { }));
        Assert.Equal(HttpStatusCode.BadRequest, status);

        using var templates = await _vigil.Client.GetAsync("/api/v1/logs/templates?source=x&sort=oldest");
        Assert.Equal(HttpStatusCode.BadRequest, templates.StatusCode);
        using var unknown = await _vigil.Client.GetAsync("/api/v1/logs/templates?source=nope");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var missing = await _vigil.Client.GetAsync("/api/v1/logs/templates/x/999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var anonymous = _vigil.NewClient(null);
        using var denied = await anonymous.PostAsync("/api/v1/logs?source=x", Text("hello"));
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
    }

    [Fact]
    public async Task Templates_and_their_ids_survive_a_restart()
    {
        await AcceptedAsync("/api/v1/logs?source=hdfs", Text(string.Join('\n', Hdfs)));
        var before = (await TemplatesAsync("hdfs")).ToDictionary(t => t!["template"]!.GetValue<string>(), t => t!["id"]!.GetValue<long>());
        var maxId = before.Values.Max();
        await _vigil.StopAsync();
        await using var restarted = await RunningVigil.StartAsync(_vigil.Database, ownsDatabase: false, FastGroups);

        using (var again = await restarted.Client.PostAsync("/api/v1/logs?source=hdfs", Text(string.Join('\n', Hdfs) + "\nA completely new kind of line here\n")))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        var after = (await restarted.Client.GetJsonAsync("/api/v1/logs/templates?source=hdfs&sort=count&limit=1000"))["templates"]!.AsArray();
        foreach (var (template, id) in before)
        {
            var same = after.Single(t => t!["id"]!.GetValue<long>() == id)!;
            Assert.Equal(template, same["template"]!.GetValue<string>());
        }
        Assert.Equal(Hdfs.Length * 2 + 1, after.Sum(t => t!["count"]!.GetValue<long>()));
        var added = Assert.Single(after, t => !before.ContainsValue(t!["id"]!.GetValue<long>()))!;
        Assert.True(added["id"]!.GetValue<long>() > maxId);
    }

    [Fact]
    public async Task A_new_error_template_raises_an_alert_that_becomes_an_incident()
    {
        await AcceptedAsync("/api/v1/logs?source=payments&service=billing", Text("2026-01-01 10:00:00 INFO charge 42 ok\n"));
        Assert.Empty((await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray());

        await AcceptedAsync("/api/v1/logs?source=payments&service=billing",
            Text("2026-01-01 10:00:01 ERROR connection refused to db-1:5432\n2026-01-01 10:00:02 ERROR connection refused to db-2:5432\n"));

        var alert = (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray().Single()!;
        Assert.Equal("LogNewErrorPattern", alert["labels"]!["alertname"]!.GetValue<string>());
        Assert.Equal("payments", alert["labels"]!["source"]!.GetValue<string>());
        Assert.Equal("billing", alert["labels"]!["service"]!.GetValue<string>());
        Assert.Equal("warning", alert["labels"]!["severity"]!.GetValue<string>());
        Assert.Contains("connection refused", alert["annotations"]!["template"]!.GetValue<string>());
        Assert.Contains("db-1:5432", alert["annotations"]!["example_lines"]!.GetValue<string>());
        Assert.Equal("2", alert["annotations"]!["count"]!.GetValue<string>());

        await Eventually.TrueAsync(async () =>
        {
            var incidents = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray();
            return incidents.Any(i => i!["title"]!.GetValue<string>().Contains("LogNewErrorPattern", StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(30), "an incident for the new error pattern");
    }
}

public sealed class LogsApiOnSqlite() : LogsApiTests(Backend.Sqlite);

public sealed class LogsApiOnPostgres() : LogsApiTests(Backend.Postgres);
