using System.Text.Json;

namespace Vigil.Cli.Tests;

public sealed class IncidentsCommandTests : IAsyncLifetime
{
    private const string Summary = """
        {"id":42,"title":"Checkout latency","status":"triggered","severity":"critical","priority":"P1",
         "groupKey":"{}:{service=\"checkout\"}","groupLabels":{"service":"checkout"},"receiver":"pager",
         "createdAt":"2026-03-01T11:00:00Z","updatedAt":"2026-03-01T11:05:00Z","acknowledgedAt":null,"acknowledgedBy":null,
         "resolvedAt":null,"resolvedBy":null,"alertCount":3,"firingCount":2}
        """;

    private static readonly string Detail = Summary.TrimEnd()[..^1] + """
        ,"alerts":[{"fingerprint":"a1b2c3d4e5f60718","labels":{"alertname":"HighLatency","severity":"critical","service":"checkout"},
          "annotations":{"summary":"p99 above 2s"},"startsAt":"2026-03-01T11:00:00Z","endsAt":"0001-01-01T00:00:00Z",
          "generatorURL":"","status":"firing","silenced":false,"inhibited":true}],
         "timeline":[{"sequence":1,"at":"2026-03-01T11:00:00Z","kind":"created","actor":"system","message":"Incident opened"},
                     {"sequence":2,"at":"2026-03-01T11:05:00Z","kind":"note","actor":"alice","message":"Looking at the DB"}]}
        """;

    private readonly Cli _cli = new();
    private FakeServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeServer.StartAsync();
        _cli.Environment["VIGIL_URL"] = _server.Url;
        _cli.Environment["VIGIL_TOKEN"] = "vgl_t";
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ListSendsStatusAndLimit()
    {
        _server.On("GET", "/api/v1/incidents", 200, "[" + Summary + "]");

        var result = await _cli.RunAsync("incidents", "list", "--status", "Triggered, acknowledged", "--limit", "5");

        Assert.Equal(0, result.ExitCode);
        var request = _server.Single();
        Assert.Equal("?status=triggered%2Cacknowledged&limit=5", request.Query);
        Assert.Equal("Bearer vgl_t", request.Authorization);
        Assert.Contains("42", result.Out);
        Assert.Contains("Checkout latency", result.Out);
        Assert.Contains("2/3", result.Out);
        Assert.Contains("P1", result.Out);
    }

    [Fact]
    public async Task ListWithoutFiltersSendsNoQuery()
    {
        _server.On("GET", "/api/v1/incidents", 200, "[]");
        var result = await _cli.RunAsync("incidents", "list");
        Assert.Equal("", _server.Single().Query);
        Assert.Contains("No incidents.", result.Out);
    }

    [Fact]
    public async Task ShowPrintsAlertsAndTimeline()
    {
        _server.On("GET", "/api/v1/incidents/42", 200, Detail);

        var result = await _cli.RunAsync("incidents", "show", "42");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("GET", _server.Single().Method);
        foreach (var expected in new[] { "#42 Checkout latency", "service=checkout", "2 firing of 3", "HighLatency",
                     "p99 above 2s", "firing (inhibited)", "Incident opened", "Looking at the DB", "alice", "2026-03-01 11:05:00Z" })
        {
            Assert.Contains(expected, result.Out);
        }
    }

    [Fact]
    public async Task ShowJson()
    {
        _server.On("GET", "/api/v1/incidents/42", 200, Detail);
        var result = await _cli.RunAsync("incidents", "show", "42", "--output", "json");
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(2, json.RootElement.GetProperty("timeline").GetArrayLength());
    }

    [Theory]
    [InlineData("ack", "acknowledge", "acknowledged")]
    [InlineData("unack", "unacknowledge", "unacknowledged")]
    [InlineData("resolve", "resolve", "resolved")]
    [InlineData("reopen", "reopen", "reopened")]
    public async Task TransitionsPostWithOptionalComment(string command, string action, string pastTense)
    {
        _server.On("POST", $"/api/v1/incidents/7/{action}", 200, Detail.Replace("\"id\":42", "\"id\":7", StringComparison.Ordinal));

        var withComment = await _cli.RunAsync("incidents", command, "7", "--comment", "on it");
        var without = await _cli.RunAsync("incidents", command, "7");

        Assert.Equal(0, withComment.ExitCode);
        Assert.Equal(0, without.ExitCode);
        var requests = _server.Requests.ToArray();
        Assert.All(requests, r => Assert.Equal("POST", r.Method));
        Assert.All(requests, r => Assert.StartsWith("application/json", r.ContentType));
        Assert.Equal("""{"comment":"on it"}""", requests[0].Body);
        Assert.Equal("{}", requests[1].Body);
        Assert.Contains($"Incident 7 {pastTense}: Checkout latency", withComment.Out);
    }

    [Fact]
    public async Task NotePostsText()
    {
        _server.On("POST", "/api/v1/incidents/42/notes", 200, Detail);

        var result = await _cli.RunAsync("incidents", "note", "42", "Rolled back \"v2\"");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("""{"text":"Rolled back \u0022v2\u0022"}""", _server.Single().Body);
    }

    [Fact]
    public async Task ForbiddenExitsWith1AndPrintsDetail()
    {
        _server.On("POST", "/api/v1/incidents/42/acknowledge", 403,
            """{"type":"about:blank","title":"Forbidden","status":403,"detail":"role viewer cannot acknowledge incidents"}""",
            "application/problem+json");

        var result = await _cli.RunAsync("incidents", "ack", "42");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("403", result.Error);
        Assert.Contains("role viewer cannot acknowledge incidents", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task ValidationProblemPrintsFieldErrors()
    {
        _server.On("POST", "/api/v1/incidents/42/notes", 400,
            """{"title":"One or more validation errors occurred.","status":400,"errors":{"text":["must not be longer than 4096 characters"]}}""",
            "application/problem+json");

        var result = await _cli.RunAsync("incidents", "note", "42", "x");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("One or more validation errors occurred.", result.Error);
        Assert.Contains("text: must not be longer than 4096 characters", result.Error);
    }

    [Fact]
    public async Task NotFoundWithPlainTextBody()
    {
        _server.On("GET", "/api/v1/incidents/9", 500, "boom", "text/plain");
        var result = await _cli.RunAsync("incidents", "show", "9");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("500", result.Error);
        Assert.Contains("boom", result.Error);
    }

    [Fact]
    public async Task GarbageAnswerIsReportedNotThrown()
    {
        _server.On("GET", "/api/v1/incidents/9", 200, "<html>proxy login</html>", "text/html");
        var result = await _cli.RunAsync("incidents", "show", "9");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unexpected answer", result.Error);
    }
}
