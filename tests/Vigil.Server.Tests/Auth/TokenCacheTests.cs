using System.Net;
using System.Reflection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Server.Auth;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Auth;

/// <summary>
/// Valid tokens are cached (every ingest request authenticates), but a revocation must win: at once on the server that
/// revoked it, within <see cref="TokenAuthenticator.CacheLifetime"/> on another server on the same database, and a
/// lookup racing the revocation must not put the old row back. (Found by review: a revoked token kept working on the
/// other replica until it restarted, and for ever after such a race.)
/// </summary>
public sealed class TokenCacheTests
{
    [Fact]
    public async Task A_token_revoked_through_one_server_is_refused_by_another_on_the_same_database_once_its_cache_ages()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var database = await TestDatabase.CreateAsync(Backend.Sqlite);
        await using var a = await RunningVigil.StartAsync(database, ownsDatabase: false);
        await using var b = await RunningVigil.StartAsync(database, ownsDatabase: false, time: clock);

        using var created = await a.Client.PostAsync("/api/v1/tokens", Http.Json(new { name = "ci", role = "responder" }));
        var body = await created.ReadJsonAsync();
        using var onB = b.NewClient((string)body["token"]!);
        using (var before = await onB.GetAsync("/api/v1/whoami"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var revoke = await a.Client.DeleteAsync($"/api/v1/tokens/{body["id"]}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using (var onA = a.NewClient((string)body["token"]!))
        using (var refusedByA = await onA.GetAsync("/api/v1/whoami"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refusedByA.StatusCode);
        }

        clock.Advance(TokenAuthenticator.CacheLifetime);
        using var after = await onB.GetAsync("/api/v1/whoami");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task A_lookup_racing_a_revocation_does_not_cache_the_token_as_valid()
    {
        await using var database = await TestDatabase.CreateAsync(Backend.Sqlite);
        var secret = await RunningVigil.CreateTokenAsync(database, "racer", Role.Responder);
        await using var real = Vigil.Storage.StoreFactory.Open(null, database.DataDirectory);
        await real.MigrateAsync();
        var gate = new TaskCompletionSource();
        var store = SlowTokenLookup.Wrap(real, gate.Task);
        var authenticator = new TokenAuthenticator(store, new FakeTimeProvider(DateTimeOffset.UtcNow));

        var inFlight = authenticator.AuthenticateAsync(secret, CancellationToken.None).AsTask(); // reads the row, then waits
        await ((SlowTokenLookup)(object)store).RowRead.WaitAsync(TimeSpan.FromSeconds(30));
        var token = (await real.ListTokensAsync()).Single(t => t.Name == "racer");
        var changes = new ChangeSet();
        changes.Tokens.Add(token with { RevokedAt = DateTimeOffset.UtcNow });
        await real.ApplyAsync([changes]);
        authenticator.Invalidate(); // what DELETE /api/v1/tokens/{id} does after its commit
        gate.SetResult();
        await inFlight;

        Assert.Null(await authenticator.AuthenticateAsync(secret, CancellationToken.None));
    }
}

/// <summary>The real store, with FindTokenByHashAsync answering only once a gate opens (after it has read the row).</summary>
public class SlowTokenLookup : DispatchProxy
{
    private IVigilStore _inner = null!;
    private Task _gate = Task.CompletedTask;
    private readonly TaskCompletionSource _read = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static IVigilStore Wrap(IVigilStore inner, Task gate)
    {
        var store = Create<IVigilStore, SlowTokenLookup>();
        var self = (SlowTokenLookup)(object)store;
        self._inner = inner;
        self._gate = gate;
        return store;
    }

    /// <summary>Completes once the wrapped store has read the token's row (before the gate).</summary>
    public Task RowRead => _read.Task;

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method!.Name == nameof(IVigilStore.FindTokenByHashAsync))
        {
            return Delayed((string)args![0]!, (CancellationToken)args[1]!);
        }
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw ex.InnerException;
        }
    }

    private async Task<ApiToken?> Delayed(string hash, CancellationToken ct)
    {
        var row = await _inner.FindTokenByHashAsync(hash, ct);
        var gate = _gate;
        _gate = Task.CompletedTask;
        _read.TrySetResult();
        await gate;
        return row;
    }
}
