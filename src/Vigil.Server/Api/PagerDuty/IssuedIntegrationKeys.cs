using System.Security.Cryptography;
using System.Text;
using Vigil.Core.Config;
using Vigil.Core.Security;
using Vigil.Core.Store;

namespace Vigil.Server.Api.PagerDuty;

/// <summary>
/// The routing keys Vigil issued (<c>POST /api/v1/integrations</c>, <c>vigil integrations create</c>), in memory so an
/// event is authenticated without a database read — for <see cref="CacheLifetime"/> only: a key issued or revoked
/// through another server on the same database reaches this one only through the store. A create or revoke through
/// this server takes effect here at once (<see cref="Invalidate"/>).
/// </summary>
public sealed class IssuedIntegrationKeys(IVigilStore store, TimeProvider time)
{
    /// <summary>The longest a key revoked (or issued) through another replica is still accepted (refused) here.</summary>
    public static readonly TimeSpan CacheLifetime = Auth.TokenAuthenticator.CacheLifetime;

    private readonly SemaphoreSlim _load = new(1, 1);
    private readonly Lock _gate = new();
    private volatile Snapshot? _snapshot;
    private long _generation;

    private sealed record Snapshot(IReadOnlyList<IntegrationKey> Keys, DateTimeOffset ReadAt);

    public async Task<IReadOnlyList<IntegrationKey>> AllAsync(CancellationToken ct)
    {
        if (Fresh() is { } keys)
        {
            return keys;
        }
        await _load.WaitAsync(ct);
        try
        {
            if (Fresh() is { } loaded)
            {
                return loaded;
            }
            long generation;
            lock (_gate)
            {
                generation = _generation;
            }
            var readAt = time.GetUtcNow();
            var read = await store.ListIntegrationKeysAsync(ct);
            // A read that began before a create or revoke committed may miss it: it answers its own caller but is not
            // kept. Checked and stored under the lock Invalidate takes, so an Invalidate cannot fall between the two.
            lock (_gate)
            {
                if (_generation == generation)
                {
                    _snapshot = new Snapshot(read, readAt);
                }
            }
            return read;
        }
        finally
        {
            _load.Release();
        }
    }

    /// <summary>Forgets the keys after a committed create or revoke: the next event reads them again.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _generation++;
            _snapshot = null;
        }
    }

    private IReadOnlyList<IntegrationKey>? Fresh()
    {
        var now = time.GetUtcNow();
        return _snapshot is { } snapshot && now - snapshot.ReadAt < CacheLifetime && now >= snapshot.ReadAt ? snapshot.Keys : null;
    }

    /// <summary>
    /// The integration a routing key belongs to: a key declared in the config's <c>integrations:</c>, else a key Vigil
    /// issued and nobody revoked. Compared by hash in constant time.
    /// </summary>
    public async Task<PagerDutyIntegration?> FindAsync(VigilConfig config, string routingKey, CancellationToken ct)
    {
        var hash = Encoding.ASCII.GetBytes(TokenSecrets.Hash(routingKey));
        foreach (var integration in config.Integrations)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(integration.RoutingKeyHash), hash))
            {
                return integration;
            }
        }
        foreach (var key in await AllAsync(ct))
        {
            if (key.RevokedAt is null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(key.KeyHash), hash))
            {
                return new PagerDutyIntegration(key.Name, key.Service, key.KeyHash);
            }
        }
        return null;
    }
}
