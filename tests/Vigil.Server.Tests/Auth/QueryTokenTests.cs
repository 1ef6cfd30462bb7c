using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Auth;

/// <summary>
/// <c>?access_token=</c> is for reads that cannot send a header (the browser's event stream, calendar apps). A write
/// must carry its token in the Authorization header: URLs are kept in proxy and browser logs, and a token in a write's
/// URL was accepted like a header.
/// </summary>
public sealed class QueryTokenTests : IAsyncLifetime
{
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(Backend.Sqlite);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    [Fact]
    public async Task A_token_in_the_url_reads_but_does_not_write()
    {
        var token = Uri.EscapeDataString(await _vigil.IssueTokenAsync("query-token", "admin"));
        using var anonymous = _vigil.NewClient(null);

        using var read = await anonymous.GetAsync($"/api/v1/incidents?access_token={token}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        using var write = await anonymous.PostAsJsonAsync($"/api/v1/tokens?access_token={token}", new { name = "minted", role = "viewer" });
        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
        var problem = await write.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Contains("accepted on reads only", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        using var tokens = _vigil.NewClient(await _vigil.IssueTokenAsync("lister", "admin"));
        var list = await tokens.GetFromJsonAsync<JsonNode>("/api/v1/tokens");
        Assert.DoesNotContain("minted", list!.ToJsonString(), StringComparison.Ordinal);
    }
}
