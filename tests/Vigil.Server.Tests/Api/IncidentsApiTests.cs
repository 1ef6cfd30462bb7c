using System.Net;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Api;

/// <summary>Alert groups become incidents, and people move them through their lifecycle — over real HTTP.</summary>
public abstract class IncidentsApiTests(Backend backend) : IAsyncLifetime
{
    private const string Config = """
        route:
          receiver: ops
          group_by: [alertname, service]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        inhibit_rules:
          - source_matchers: ['severity="critical"']
            target_matchers: ['severity="warning"']
            equal: [service]
        receivers:
          - name: ops
        """;

    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(backend, Config);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    [Fact]
    public async Task An_alert_group_becomes_an_incident_that_people_acknowledge_resolve_and_reopen()
    {
        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[] { Alert("DiskFull", "checkout", "critical", "db-1") });
        var id = await WaitForIncidentAsync("DiskFull");
        var incident = await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}");
        Assert.Equal("triggered", Text(incident, "status"));
        Assert.Equal("critical", Text(incident, "severity"));
        Assert.Equal("P1", Text(incident, "priority"));
        Assert.Equal("db-1", incident["alerts"]!.AsArray().Single()!["labels"]!["instance"]!.GetValue<string>());
        Assert.Contains("created", Kinds(incident));
        Assert.Contains("alert_added", Kinds(incident));

        incident = await ActAsync(id, "acknowledge", HttpStatusCode.OK, new { comment = "looking" });
        Assert.Equal("acknowledged", Text(incident, "status"));
        Assert.Equal("test-admin", Text(incident, "acknowledgedBy"));
        await ActAsync(id, "acknowledge", HttpStatusCode.Conflict);

        using (var note = await _vigil.Client.PostAsync($"/api/v1/incidents/{id}/notes", Http.Json(new { text = "disk grew 20 GB overnight" })))
        {
            Assert.Equal(HttpStatusCode.OK, note.StatusCode);
        }
        using (var priority = await _vigil.Client.PutAsync($"/api/v1/incidents/{id}/priority", Http.Json(new { priority = "P2" })))
        {
            Assert.Equal(HttpStatusCode.OK, priority.StatusCode);
        }
        using (var badPriority = await _vigil.Client.PutAsync($"/api/v1/incidents/{id}/priority", Http.Json(new { priority = "urgent" })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badPriority.StatusCode);
            Assert.Contains("P1", await badPriority.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        incident = await ActAsync(id, "resolve", HttpStatusCode.OK);
        Assert.Equal("resolved", Text(incident, "status"));
        await ActAsync(id, "resolve", HttpStatusCode.Conflict);
        incident = await ActAsync(id, "reopen", HttpStatusCode.OK);
        Assert.Equal("triggered", Text(incident, "status"));
        Assert.Equal("P2", Text(incident, "priority"));
        var kinds = Kinds(incident);
        foreach (var kind in new[] { "acknowledged", "note", "priority_changed", "resolved", "reopened" })
        {
            Assert.Contains(kind, kinds);
        }

        var audit = (await _vigil.Client.GetJsonAsync("/api/v1/audit?limit=50")).AsArray().Select(a => Text(a!, "action")).ToList();
        Assert.Contains(audit, a => a.Contains("acknowledge", StringComparison.Ordinal));
        Assert.Contains(audit, a => a.Contains("reopen", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_incident_resolves_itself_when_all_its_alerts_resolve()
    {
        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[] { Alert("HighLatency", "search", "warning", "web-1"), Alert("HighLatency", "search", "warning", "web-2") });
        var id = await WaitForIncidentAsync("HighLatency");
        var resolved = DateTimeOffset.UtcNow.AddSeconds(-1);
        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[] { Alert("HighLatency", "search", "warning", "web-1", resolved) });
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal("triggered", Text(await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"), "status"));

        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[] { Alert("HighLatency", "search", "warning", "web-2", resolved) });
        await Eventually.TrueAsync(
            async () => Text(await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"), "status") == "resolved",
            TimeSpan.FromSeconds(20), "the incident resolves after its last alert resolved");
        var incident = await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}");
        Assert.Contains("alert_resolved", Kinds(incident));
        Assert.Contains("auto_resolved", Kinds(incident));
    }

    [Fact]
    public async Task Inhibited_alerts_are_flagged_and_listed_only_when_asked_for()
    {
        await _vigil.Client.PostOkAsync("/api/v2/alerts", new[]
        {
            Alert("ServiceDown", "payments", "critical", "pay-1"),
            Alert("SlowRequests", "payments", "warning", "pay-1"),
            Alert("SlowRequests", "search", "warning", "web-1"),
        });

        var all = (await _vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray();
        var inhibited = all.Where(a => a!["status"]!["inhibitedBy"]!.AsArray().Count > 0).ToList();
        var muted = Assert.Single(inhibited)!;
        Assert.Equal("payments", muted["labels"]!["service"]!.GetValue<string>());
        Assert.Equal("suppressed", Text(muted["status"]!, "state"));
        Assert.Equal(2, (await _vigil.Client.GetJsonAsync("/api/v2/alerts?inhibited=false")).AsArray().Count);
    }

    [Fact]
    public async Task Unknown_incidents_answer_404_and_bad_ids_400()
    {
        using var missing = await _vigil.Client.PostAsync("/api/v1/incidents/424242/acknowledge", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var noBody = await _vigil.Client.PostAsync("/api/v1/incidents/424242/notes", Http.Json("{}"));
        Assert.True(noBody.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"got {noBody.StatusCode}");
        using var badStatus = await _vigil.Client.GetAsync("/api/v1/incidents?status=sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Contains("sleeping", await badStatus.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_reload_keeps_the_previous_configuration_and_a_valid_one_replaces_it()
    {
        var file = Path.Combine(_vigil.Database.DataDirectory, "test-config.yml");
        await File.WriteAllTextAsync(file, "route:\n  receiver: ops\n  group_wait: soon\nreceivers:\n  - name: ops\n");
        using (var invalid = await _vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            var detail = await invalid.Content.ReadAsStringAsync();
            Assert.Contains("test-config.yml", detail, StringComparison.Ordinal);
            Assert.Contains("group_wait", detail, StringComparison.Ordinal);
            Assert.Contains(":3", detail, StringComparison.Ordinal);
        }
        var status = await _vigil.Client.GetJsonAsync("/api/v2/status");
        Assert.Contains("inhibit_rules", status["config"]!["original"]!.GetValue<string>(), StringComparison.Ordinal);

        await File.WriteAllTextAsync(file, Config.Replace("name: ops", "name: ops\n  - name: pager", StringComparison.Ordinal));
        using (var valid = await _vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        }
        var receivers = (await _vigil.Client.GetJsonAsync("/api/v2/receivers")).AsArray().Select(r => Text(r!, "name")).ToList();
        Assert.Equal(["ops", "pager"], receivers.Order());
        var audit = (await _vigil.Client.GetJsonAsync("/api/v1/audit?limit=10")).AsArray();
        Assert.Contains(audit, a => Text(a!, "action") == "config.reload");
    }

    [Fact]
    public async Task A_reload_that_cannot_read_a_file_answers_400_with_file_and_line()
    {
        // Reading a directory raised UnauthorizedAccessException, which answered 500 with a stack trace.
        var file = Path.Combine(_vigil.Database.DataDirectory, "test-config.yml");
        Directory.CreateDirectory(Path.Combine(_vigil.Database.DataDirectory, "keydir"));
        await File.WriteAllTextAsync(file, Config + "\nintegrations:\n  - {name: a, service: s, routing_key_file: keydir}\n");
        using (var keyDir = await _vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, keyDir.StatusCode);
            var detail = await keyDir.Content.ReadAsStringAsync();
            Assert.Contains("test-config.yml:14:", detail, StringComparison.Ordinal);
            Assert.Contains("keydir is a directory, not a file", detail, StringComparison.Ordinal);
        }

        File.Delete(file);
        Directory.CreateDirectory(file);
        using var configDir = await _vigil.Client.PostAsync("/-/reload", null);
        Assert.Equal(HttpStatusCode.BadRequest, configDir.StatusCode);
        Assert.Contains("test-config.yml:1:1: cannot read the config file", await configDir.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reload_of_yaml_nested_100000_levels_deep_answers_400_and_the_server_keeps_running()
    {
        // The stack overflowed inside YamlDotNet and took the running server with it.
        var file = Path.Combine(_vigil.Database.DataDirectory, "test-config.yml");
        await File.WriteAllTextAsync(file, Config + "\ntemplates: " + new string('[', 100_000) + new string(']', 100_000) + "\n");
        using (var deep = await _vigil.Client.PostAsync("/-/reload", null))
        {
            Assert.Equal(HttpStatusCode.BadRequest, deep.StatusCode);
            Assert.Contains("test-config.yml:13:", await deep.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var status = await _vigil.Client.GetJsonAsync("/api/v2/status");
        Assert.Contains("inhibit_rules", status["config"]!["original"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static object Alert(string name, string service, string severity, string instance, DateTimeOffset? endsAt = null) => new
    {
        labels = new Dictionary<string, string> { ["alertname"] = name, ["service"] = service, ["severity"] = severity, ["instance"] = instance },
        annotations = new Dictionary<string, string> { ["summary"] = $"{name} on {instance}" },
        startsAt = DateTimeOffset.UtcNow.AddMinutes(-1),
        endsAt,
        generatorURL = "http://prometheus/graph",
    };

    private async Task<long> WaitForIncidentAsync(string alertName)
    {
        long id = 0;
        await Eventually.TrueAsync(async () =>
        {
            var incidents = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray();
            var match = incidents.FirstOrDefault(i => i!["groupLabels"]!["alertname"]?.GetValue<string>() == alertName);
            id = match?["id"]!.GetValue<long>() ?? 0;
            return match is not null;
        }, TimeSpan.FromSeconds(20), $"an incident for {alertName} after group_wait");
        return id;
    }

    private async Task<JsonNode> ActAsync(long id, string action, HttpStatusCode expected, object? body = null)
    {
        using var response = await _vigil.Client.PostAsync($"/api/v1/incidents/{id}/{action}", body is null ? null : Http.Json(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{action} → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static string Text(JsonNode node, string property) => node[property]!.GetValue<string>();

    private static List<string> Kinds(JsonNode incident) =>
        incident["timeline"]!.AsArray().Select(e => Text(e!, "kind")).ToList();
}

public sealed class IncidentsApiOnSqlite() : IncidentsApiTests(Backend.Sqlite);

public sealed class IncidentsApiOnPostgres() : IncidentsApiTests(Backend.Postgres);
