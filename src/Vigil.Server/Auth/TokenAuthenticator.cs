using System.Collections.Concurrent;
using Vigil.Core.Security;
using Vigil.Core.Store;

namespace Vigil.Server.Auth;

/// <summary>
/// Resolves a bearer secret to its token. Only SHA-256 hashes are stored, so a lookup hashes the presented secret;
/// results are cached because every ingest request authenticates.
/// </summary>
public sealed class TokenAuthenticator(IVigilStore store)
{
    private readonly ConcurrentDictionary<string, ApiToken?> _byHash = new(StringComparer.Ordinal);

    public async ValueTask<ApiToken?> AuthenticateAsync(string secret, CancellationToken ct)
    {
        var hash = TokenSecrets.Hash(secret);
        if (!_byHash.TryGetValue(hash, out var token))
        {
            token = await store.FindTokenByHashAsync(hash, ct);
            // Cache only hits: caching misses would let a flood of random tokens grow the cache without bound.
            if (token is not null)
            {
                _byHash[hash] = token;
            }
        }
        return token is { RevokedAt: null } ? token : null;
    }

    /// <summary>Forget cached tokens after a token is created or revoked.</summary>
    public void Invalidate() => _byHash.Clear();
}
