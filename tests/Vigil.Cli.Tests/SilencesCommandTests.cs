using System.Text.Json;

namespace Vigil.Cli.Tests;

public sealed class SilencesCommandTests : IAsyncLifetime
{
    private const string Silences = """
        [{"id":"5f2c7a1e-0000-4000-8000-000000000001","status":{"state":"active"},"updatedAt":"2026-03-01T11:00:00Z",
          "comment":"DB maintenance","createdBy":"bob","startsAt":"2026-03-01T11:00:00Z","endsAt":"2026-03-01T14:00:00Z",
          "matchers":[{"name":"service","value":"db","isRegex":false,"isEqual":true},{"name":"env","value":"dev.*","isRegex":true,"isEqual":false}]},
         {"id":"5f2c7a1e-0000-4000-8000-000000000002","status":{"state":"expired"},"updatedAt":"2026-02-01T11:00:00Z",
          "comment":"old one","createdBy":"carol","startsAt":"2026-02-01T11:00:00Z","endsAt":"2026-02-01T12:00:00Z",
          "matchers":[{"name":"job","value":"x","isRegex":false,"isEqual":true}]}]
        """;

    private readonly Cli _cli = new();
    private FakeServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeServer.StartAsync();
        _server.On("POST", "/api/v2/silences", 200, """{"silenceID":"0c1d2e3f-aaaa-4bbb-8ccc-123456789abc"}""");
        _cli.Environment["VIGIL_URL"] = _server.Url;
        _cli.Environment["VIGIL_TOKEN"] = "vgl_t";
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AddPostsMatchersTimesAuthorAndComment()
    {
        var result = await _cli.RunAsync("silences", "add", "service=checkout", "env!~\"dev|test\"", "{team=\"payments\",dc!=eu}",
            "--duration", "2h", "--comment", "deploying");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("0c1d2e3f-aaaa-4bbb-8ccc-123456789abc" + Environment.NewLine, result.Out);
        var request = _server.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v2/silences", request.Path);
        Assert.Equal("Bearer vgl_t", request.Authorization);
        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("2026-03-01T12:00:00+00:00", root.GetProperty("startsAt").GetString());
        Assert.Equal("2026-03-01T14:00:00+00:00", root.GetProperty("endsAt").GetString());
        Assert.Equal("alice", root.GetProperty("createdBy").GetString());
        Assert.Equal("deploying", root.GetProperty("comment").GetString());
        Assert.False(root.TryGetProperty("id", out _));
        var matchers = root.GetProperty("matchers").EnumerateArray()
            .Select(m => (m.GetProperty("name").GetString(), m.GetProperty("value").GetString(),
                m.GetProperty("isRegex").GetBoolean(), m.GetProperty("isEqual").GetBoolean()))
            .ToArray();
        Assert.Equal(
            [("service", "checkout", false, true), ("env", "dev|test", true, false), ("team", "payments", false, true), ("dc", "eu", false, false)],
            matchers);
    }

    [Fact]
    public async Task AddWithEndsAtAuthorAndBareAlertname()
    {
        var result = await _cli.RunAsync("silences", "add", "DiskFull", "--ends-at", "2026-03-02T08:30:00+01:00",
            "--comment", "c", "--author", "ops");

        Assert.Equal(0, result.ExitCode);
        using var body = JsonDocument.Parse(_server.Single().Body);
        Assert.Equal("2026-03-02T07:30:00+00:00", body.RootElement.GetProperty("endsAt").GetString());
        Assert.Equal("ops", body.RootElement.GetProperty("createdBy").GetString());
        var matcher = body.RootElement.GetProperty("matchers")[0];
        Assert.Equal("alertname", matcher.GetProperty("name").GetString());
        Assert.Equal("DiskFull", matcher.GetProperty("value").GetString());
    }

    [Fact]
    public async Task AddDefaultsToOneHour()
    {
        await _cli.RunAsync("silences", "add", "job=api", "-c", "c");
        using var body = JsonDocument.Parse(_server.Single().Body);
        Assert.Equal("2026-03-01T13:00:00+00:00", body.RootElement.GetProperty("endsAt").GetString());
    }

    [Fact]
    public async Task AddRejectedByServer()
    {
        _server.On("POST", "/api/v2/silences", 400, """{"title":"Bad Request","status":400,"detail":"silence would mute everything"}""",
            "application/problem+json");
        var result = await _cli.RunAsync("silences", "add", "job=api", "-c", "c");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("silence would mute everything", result.Error);
    }

    [Fact]
    public async Task ListHidesExpiredUnlessAsked()
    {
        _server.On("GET", "/api/v2/silences", 200, Silences);

        var result = await _cli.RunAsync("silences", "list");
        var all = await _cli.RunAsync("silences", "list", "--expired");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("5f2c7a1e-0000-4000-8000-000000000001", result.Out);
        Assert.Contains("service=\"db\" env!~\"dev.*\"", result.Out);
        Assert.Contains("DB maintenance", result.Out);
        Assert.DoesNotContain("old one", result.Out);
        Assert.Contains("old one", all.Out);
    }

    [Fact]
    public async Task ExpireDeletesEachSilence()
    {
        _server.On("DELETE", "/api/v2/silence/abc", 200);
        _server.On("DELETE", "/api/v2/silence/def", 200);

        var result = await _cli.RunAsync("silences", "expire", "abc", "def");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["DELETE /api/v2/silence/abc", "DELETE /api/v2/silence/def"], _server.Requests.Select(r => $"{r.Method} {r.Path}"));
        Assert.Contains("Silence abc expired.", result.Out);
    }

    [Fact]
    public async Task ExpireUnknownSilence()
    {
        var result = await _cli.RunAsync("silences", "expire", "nope");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("404", result.Error);
    }
}
