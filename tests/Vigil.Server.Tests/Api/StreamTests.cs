using System.Net;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Api;

/// <summary>
/// GET /api/v1/stream checks its token again before everything it sends: a stream whose token is revoked ends at its
/// next event or keep-alive. (Found by review: it authenticated once and kept delivering incident ids for as long as
/// the connection lasted.)
/// </summary>
public sealed class StreamTests
{
    private const string Config = """
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: ops
        """;

    [Fact]
    public async Task An_open_event_stream_ends_when_its_token_is_revoked()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, Config);
        using var created = await vigil.Client.PostAsync("/api/v1/tokens", Http.Json(new { name = "wallboard", role = "viewer" }));
        var token = await created.ReadJsonAsync();
        using var viewer = vigil.NewClient(null);
        viewer.Timeout = Timeout.InfiniteTimeSpan;
        using var stream = await viewer.GetAsync($"/api/v1/stream?access_token={Uri.EscapeDataString(token["token"]!.GetValue<string>())}",
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.Equal(": connected", await reader.ReadLineAsync());
        await vigil.Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("BeforeRevoke", "host-1")));
        using var first = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await reader.ReadLineAsync(first.Token) is { } line && !line.StartsWith("event: changed", StringComparison.Ordinal))
        {
        }

        using (var revoke = await vigil.Client.DeleteAsync($"/api/v1/tokens/{token["id"]!.GetValue<string>()}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        await vigil.Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("AfterRevoke", "host-1")));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var eventsAfterRevoke = 0;
        try
        {
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("event: changed", StringComparison.Ordinal))
                {
                    eventsAfterRevoke++;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the stream of a revoked token is still open 30 s after the revocation ({eventsAfterRevoke} change events delivered meanwhile)");
        }
        catch (IOException)
        {
            // closed by the server
        }
        Assert.Equal(0, eventsAfterRevoke);
    }

    /// <summary>One token holds at most StreamSlots.PerToken open streams (429 after, with why); a closed stream
    /// frees its slot, and other tokens are not affected.</summary>
    [Fact]
    public async Task A_token_holds_a_bounded_number_of_open_streams()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, Config);
        using var client = vigil.NewClient(vigil.AdminToken);
        client.Timeout = Timeout.InfiniteTimeSpan;
        var open = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < Vigil.Server.Api.Native.StreamSlots.PerToken; i++)
            {
                var stream = await client.GetAsync("/api/v1/stream", HttpCompletionOption.ResponseHeadersRead);
                open.Add(stream);
                Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            }

            using (var refused = await client.GetAsync("/api/v1/stream", HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.Contains("open event streams", (await refused.ReadJsonAsync())["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            }
            using (var created = await vigil.Client.PostAsync("/api/v1/tokens", Http.Json(new { name = "wallboard", role = "viewer" })))
            {
                using var other = vigil.NewClient((await created.ReadJsonAsync())["token"]!.GetValue<string>());
                using var allowed = await other.GetAsync("/api/v1/stream", HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            }

            open[0].Dispose();
            open.RemoveAt(0);
            await Eventually.TrueAsync(async () =>
            {
                var again = await client.GetAsync("/api/v1/stream", HttpCompletionOption.ResponseHeadersRead);
                if (again.StatusCode == HttpStatusCode.OK)
                {
                    open.Add(again);
                    return true;
                }
                again.Dispose();
                return false;
            }, TimeSpan.FromSeconds(30), "a slot freed by the closed stream");
        }
        finally
        {
            open.ForEach(r => r.Dispose());
        }
    }
}
