using Vigil.Core.Security;
using static Vigil.Storage.Tests.TestData;

namespace Vigil.Storage.Tests;

/// <summary>Issued integration keys: stored by id with only their hash, revoked by a later write, kept in order.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Integration_keys_round_trip_and_revoke()
    {
        Assert.Empty(await Store.ListIntegrationKeysAsync());
        var at = new DateTimeOffset(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
        var first = new IntegrationKey("ik_1", "alertmanager", "checkout", TokenSecrets.Hash("key-one"), at, "admin");
        var second = new IntegrationKey("ik_2", "ci", "payments", TokenSecrets.Hash("key-two"), at.AddMinutes(1), "admin");
        await Apply(Changes(c => c.IntegrationKeys.AddRange([first, second])));

        await ReopenAsync();
        Assert.Equal([first, second], await Store.ListIntegrationKeysAsync());

        var revoked = first with { RevokedAt = at.AddHours(1) };
        await Apply(Changes(c => c.IntegrationKeys.Add(revoked)));
        Assert.Equal([revoked, second], await Store.ListIntegrationKeysAsync());
    }
}
