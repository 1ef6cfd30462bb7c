using System.Collections.Concurrent;
using Vigil.Core.Security;
using Vigil.Core.Store;

namespace Vigil.Server.Auth;

/// <summary>
/// Resolves a bearer secret to its token. Only SHA-256 hashes are stored, so a lookup hashes the presented secret;
/// results are cached because every ingest request authenticates — for <see cref="CacheLifetime"/> only, because a
/// revocation committed through another server on the same database reaches this one only through its store.
/// </summary>
public sealed class TokenAuthenticator(IVigilStore store, TimeProvider time)
{
    /// <summary>How long a token read from the store is trusted without reading it again: the longest a token revoked
    /// through another replica keeps working here (on the server that revoked it, not at all).</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Cached> _byHash = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _generation;

    private sealed record Cached(ApiToken Token, DateTimeOffset ReadAt);

    public async ValueTask<ApiToken?> AuthenticateAsync(string secret, CancellationToken ct)
    {
        var hash = TokenSecrets.Hash(secret);
        var now = time.GetUtcNow();
        if (_byHash.TryGetValue(hash, out var cached) && now - cached.ReadAt < CacheLifetime && now >= cached.ReadAt)
        {
            return Valid(cached.Token);
        }
        var generation = Volatile.Read(ref _generation);
        var token = await store.FindTokenByHashAsync(hash, ct);
        lock (_gate)
        {
            // A lookup that began before a revocation may have read the row as it was; it answers its own request
            // (which raced the revocation) but must not be remembered past the Invalidate that followed the commit.
            // Misses are not cached: a flood of random tokens would grow the cache without bound.
            if (token is not null && generation == _generation)
            {
                _byHash[hash] = new Cached(token, now);
            }
            else
            {
                _byHash.TryRemove(hash, out _);
            }
        }
        return Valid(token);
    }

    /// <summary>Forget cached tokens after a token is created or revoked (and any lookup still in flight).</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _generation++;
            _byHash.Clear();
        }
    }

    private static ApiToken? Valid(ApiToken? token) => token is { RevokedAt: null } ? token : null;
}
