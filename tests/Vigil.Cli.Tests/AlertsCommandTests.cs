using System.Text.Json;

namespace Vigil.Cli.Tests;

public sealed class AlertsCommandTests : IAsyncLifetime
{
    private const string Alerts = """
        [{"labels":{"alertname":"HighLatency","severity":"critical","service":"checkout"},
          "annotations":{"summary":"Checkout p99 > 2s"},"startsAt":"2026-03-01T11:00:00Z","endsAt":"2026-03-01T13:00:00Z",
          "updatedAt":"2026-03-01T11:00:00Z","fingerprint":"a1b2c3d4e5f60718","generatorURL":"http://prom/graph",
          "receivers":[{"name":"pager"}],"status":{"state":"active","silencedBy":[],"inhibitedBy":[]}}]
        """;

    private readonly Cli _cli = new();
    private FakeServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeServer.StartAsync();
        _server.On("GET", "/api/v2/alerts", 200, Alerts);
        _cli.Environment["VIGIL_URL"] = _server.Url;
        _cli.Environment["VIGIL_TOKEN"] = "vgl_fromenv";
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ListSendsAmtoolStyleQueryAndBearerToken()
    {
        var result = await _cli.RunAsync("alerts", "list", "--filter", "severity=critical", "-f", "job=~\"api.*\"");

        Assert.Equal(0, result.ExitCode);
        var request = _server.Single();
        Assert.Equal("GET", request.Method);
        Assert.Equal("/api/v2/alerts", request.Path);
        Assert.Equal("?active=true&filter=severity%3D%22critical%22&filter=job%3D~%22api.%2A%22&inhibited=false&silenced=false&unprocessed=false",
            request.Query);
        Assert.Equal("Bearer vgl_fromenv", request.Authorization);
        Assert.Contains("HighLatency", result.Out);
        Assert.Contains("Checkout p99 > 2s", result.Out);
        Assert.Contains("2026-03-01 11:00:00Z", result.Out);
        Assert.Contains("service=checkout", result.Out);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task AllAndStateFlags()
    {
        await _cli.RunAsync("alerts", "list", "--all");
        await _cli.RunAsync("alerts", "list", "--silenced");
        await _cli.RunAsync("alerts", "list", "--inhibited");

        var queries = _server.Requests.Select(r => r.Query).ToArray();
        Assert.Equal("?active=true&inhibited=true&silenced=true&unprocessed=true", queries[0]);
        Assert.Equal("?active=true&inhibited=false&silenced=true&unprocessed=false", queries[1]);
        Assert.Equal("?active=true&inhibited=true&silenced=false&unprocessed=false", queries[2]);
    }

    [Fact]
    public async Task TokenOptionWinsOverEnvironmentAndServerOptionWinsOverVigilUrl()
    {
        await using var other = await FakeServer.StartAsync();
        other.On("GET", "/api/v2/alerts", 200, "[]");

        var result = await _cli.RunAsync("alerts", "list", "--server", other.Url, "--token", "vgl_explicit");

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(_server.Requests);
        Assert.Equal("Bearer vgl_explicit", other.Single().Authorization);
        Assert.Contains("No alerts.", result.Out);
    }

    [Fact]
    public async Task ServerUrlWithBasePath()
    {
        _server.On("GET", "/vigil/api/v2/alerts", 200, "[]");
        var result = await _cli.RunAsync("alerts", "list", "--server", _server.Url + "/vigil");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("/vigil/api/v2/alerts", _server.Single().Path);
    }

    [Fact]
    public async Task NoTokenSendsNoAuthorizationHeader()
    {
        _cli.Environment.Remove("VIGIL_TOKEN");
        await _cli.RunAsync("alerts", "list");
        Assert.Null(_server.Single().Authorization);
    }

    [Fact]
    public async Task JsonOutputIsTheServersAnswer()
    {
        var result = await _cli.RunAsync("alerts", "list", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        using var printed = JsonDocument.Parse(result.Out);
        Assert.Equal("a1b2c3d4e5f60718", printed.RootElement[0].GetProperty("fingerprint").GetString());
        Assert.Equal("http://prom/graph", printed.RootElement[0].GetProperty("generatorURL").GetString());
    }

    [Fact]
    public async Task UnauthorizedExitsWith1WithProblemDetailAndHint()
    {
        _server.On("GET", "/api/v2/alerts", 401,
            """{"type":"about:blank","title":"Unauthorized","status":401,"detail":"missing bearer token"}""", "application/problem+json");

        var result = await _cli.RunAsync("alerts", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("401", result.Error);
        Assert.Contains("missing bearer token", result.Error);
        Assert.Contains("VIGIL_TOKEN", result.Error);
        Assert.Equal("", result.Out);
    }
}
