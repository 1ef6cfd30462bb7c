using System.Security.Cryptography;
using System.Text;
using Vigil.Core.Config;
using Vigil.Core.Security;
using Vigil.Core.Store;

namespace Vigil.Server.Api.PagerDuty;

/// <summary>
/// The routing keys Vigil issued (<c>POST /api/v1/integrations</c>, <c>vigil integrations create</c>), in memory after
/// the first event: an event is authenticated without a database read. Updated only after a change is committed.
/// </summary>
public sealed class IssuedIntegrationKeys(IVigilStore store)
{
    private readonly SemaphoreSlim _load = new(1, 1);
    private volatile IReadOnlyList<IntegrationKey>? _keys;

    public async Task<IReadOnlyList<IntegrationKey>> AllAsync(CancellationToken ct)
    {
        if (_keys is { } keys)
        {
            return keys;
        }
        await _load.WaitAsync(ct);
        try
        {
            return _keys ??= await store.ListIntegrationKeysAsync(ct);
        }
        finally
        {
            _load.Release();
        }
    }

    /// <summary>Records a committed create or revoke.</summary>
    public async Task PutAsync(IntegrationKey key, CancellationToken ct)
    {
        var all = await AllAsync(ct);
        _keys = all.Where(k => k.Id != key.Id).Append(key).OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).ToList();
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
