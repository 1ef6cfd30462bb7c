using System.Net;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Api.PagerDuty;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.PagerDuty;

/// <summary>
/// Issued routing keys are cached (every event authenticates), for <see cref="IssuedIntegrationKeys.CacheLifetime"/>
/// only: a key revoked or issued through another server on the same database is refused or accepted here once the
/// cache has aged. (Found by review: the list was loaded once, so a revoked key kept paging through every other
/// server until it restarted, and a new key was refused there.)
/// </summary>
public sealed class IntegrationKeyCacheTests
{
    private const string Config = """
        route:
          receiver: ops
        receivers:
          - name: ops
        """;

    [Fact]
    public async Task A_key_revoked_or_issued_through_one_server_is_refused_or_accepted_by_another_once_its_cache_ages()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var database = await TestDatabase.CreateAsync(Backend.Sqlite);
        await using var a = await RunningVigil.StartAsync(database, ownsDatabase: false, Config);
        await using var b = await RunningVigil.StartAsync(database, ownsDatabase: false, Config, time: clock);
        using var anonymousB = b.NewClient(null);
        Assert.Equal(HttpStatusCode.BadRequest, await TriggerAsync(anonymousB, "00000000000000000000000000000000", "warm-up")); // B reads the (empty) list

        using var created = await a.Client.PostAsync("/api/v1/integrations", Http.Json(new { name = "ci-pager", service = "billing" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var issued = await created.ReadJsonAsync();
        var key = issued["routingKey"]!.GetValue<string>();
        clock.Advance(IssuedIntegrationKeys.CacheLifetime);
        Assert.Equal(HttpStatusCode.Accepted, await TriggerAsync(anonymousB, key, "issued-elsewhere"));

        using (var revoke = await a.Client.DeleteAsync($"/api/v1/integrations/{issued["id"]!.GetValue<string>()}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, await TriggerAsync(a.NewClient(null), key, "revoked-here"));
        clock.Advance(IssuedIntegrationKeys.CacheLifetime);
        Assert.Equal(HttpStatusCode.BadRequest, await TriggerAsync(anonymousB, key, "revoked-elsewhere"));
    }

    private static async Task<HttpStatusCode> TriggerAsync(HttpClient client, string key, string dedup)
    {
        using var response = await client.PostAsync("/v2/enqueue", Http.Json(new
        {
            routing_key = key,
            event_action = "trigger",
            dedup_key = dedup,
            payload = new { summary = "Billing export failed", source = "ci", severity = "error" },
        }));
        return response.StatusCode;
    }
}
