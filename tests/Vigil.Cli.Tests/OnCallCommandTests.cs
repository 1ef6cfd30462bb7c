using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil oncall</c>, <c>vigil schedules show</c>, <c>vigil swaps ...</c> and <c>tokens create --user</c>: requests and output.</summary>
public sealed class OnCallCommandTests : IAsyncLifetime
{
    private readonly Cli _cli = new();
    private FakeServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeServer.StartAsync();
        _server.On("GET", "/api/v1/oncall", 200, """
            {"at":"2025-01-13T10:00:00Z","onCall":[
              {"schedule":"primary","user":"bob","fullName":"Bob Marley","source":"layer","layer":"weekly","start":"2025-01-13T00:00:00Z","end":"2025-01-20T00:00:00Z"},
              {"schedule":"business","user":null,"fullName":null,"source":null,"layer":null,"start":null,"end":null}]}
            """);
        _server.On("GET", "/api/v1/schedules/primary/final", 200, """
            {"schedule":"primary","timeZone":"UTC","from":"2025-01-13T00:00:00Z","to":"2025-01-15T00:00:00Z",
             "entries":[{"user":"bob","fullName":"Bob Marley","start":"2025-01-13T00:00:00Z","end":"2025-01-14T00:00:00Z","source":"layer","layer":"weekly","referenceId":null}],
             "gaps":[{"start":"2025-01-14T00:00:00Z","end":"2025-01-15T00:00:00Z"}],"overrides":[],"swaps":[]}
            """);
        _server.On("POST", "/api/v1/swaps/take", 201, """
            {"id":"sw_1","schedule":"primary","start":"2025-01-14T00:00:00Z","end":"2025-01-15T00:00:00Z","from":"bob","to":"carol","status":"accepted","kind":"take"}
            """);
        _server.On("POST", "/api/v1/tokens", 201, """{"id":"tok_1","name":"alice-cli","role":"responder","token":"vgl_secret","user":"alice"}""");
        _cli.Environment["VIGIL_URL"] = _server.Url;
        _cli.Environment["VIGIL_TOKEN"] = "vgl_t";
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Oncall_lists_who_is_on_call_per_schedule_and_passes_schedule_and_at()
    {
        var result = await _cli.RunAsync("oncall", "--schedule", "primary", "--at", "2025-01-13T10:00:00Z");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Bob Marley (bob)", result.Out, StringComparison.Ordinal);
        Assert.Contains("(nobody)", result.Out, StringComparison.Ordinal);
        var request = _server.Single();
        Assert.Contains("schedule=primary", request.Query, StringComparison.Ordinal);
        Assert.Contains("at=2025-01-13T10%3A00%3A00", request.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedules_show_prints_entries_and_gaps()
    {
        var result = await _cli.RunAsync("schedules", "show", "primary", "--from", "2025-01-13T00:00:00Z", "--to", "2025-01-15T00:00:00Z");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("layer weekly", result.Out, StringComparison.Ordinal);
        Assert.Contains("GAP: nobody on call", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Swaps_take_posts_schedule_range_and_owner()
    {
        var result = await _cli.RunAsync("swaps", "take", "--schedule", "primary", "--owner", "bob", "--from", "2025-01-14T00:00:00Z", "--to", "2025-01-15T00:00:00Z");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Swap sw_1 on primary: bob → carol", result.Out, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(_server.Single().Body);
        Assert.Equal(("primary", "bob"), (body.RootElement.GetProperty("schedule").GetString(), body.RootElement.GetProperty("from").GetString()));
    }

    [Fact]
    public async Task Tokens_create_binds_the_token_to_a_user()
    {
        var result = await _cli.RunAsync("tokens", "create", "--name", "alice-cli", "--role", "responder", "--user", "alice");

        Assert.Equal(0, result.ExitCode);
        using var body = JsonDocument.Parse(_server.Single().Body);
        Assert.Equal("alice", body.RootElement.GetProperty("user").GetString());
    }
}
