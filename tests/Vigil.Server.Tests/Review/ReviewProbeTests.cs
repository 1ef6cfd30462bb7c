using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Server.Auth;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Review;

/// <summary>Reproductions from review1 (auth and on-call). Each test asserts the CORRECT behaviour, so it fails today.</summary>
public sealed class ReviewProbeTests
{
    /// <summary>Finding: a token revoked on one replica (same database) keeps working on another replica.</summary>
    [Fact]
    public async Task A_token_revoked_through_one_server_is_refused_by_another_on_the_same_database()
    {
        await using var database = await TestDatabase.CreateAsync(Backend.Sqlite);
        await using var a = await RunningVigil.StartAsync(database, ownsDatabase: false);
        await using var b = await RunningVigil.StartAsync(database, ownsDatabase: false);

        using var created = await a.Client.PostAsync("/api/v1/tokens", Http.Json(new { name = "ci", role = "responder" }));
        var body = await created.ReadJsonAsync();
        using var onB = b.NewClient((string)body["token"]!);
        using (var before = await onB.GetAsync("/api/v1/whoami"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var revoke = await a.Client.DeleteAsync($"/api/v1/tokens/{body["id"]}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);

        using var after = await onB.GetAsync("/api/v1/whoami");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    /// <summary>Finding: a lookup in flight while the token is revoked re-caches the unrevoked row after Invalidate().</summary>
    [Fact]
    public async Task A_lookup_racing_a_revocation_does_not_cache_the_token_as_valid()
    {
        await using var database = await TestDatabase.CreateAsync(Backend.Sqlite);
        var secret = await RunningVigil.CreateTokenAsync(database, "racer", Role.Responder);
        await using var real = Vigil.Storage.StoreFactory.Open(null, database.DataDirectory);
        await real.MigrateAsync();
        var gate = new TaskCompletionSource();
        var store = SlowTokenLookup.Wrap(real, gate.Task);
        var authenticator = new TokenAuthenticator(store);

        var inFlight = authenticator.AuthenticateAsync(secret, CancellationToken.None).AsTask(); // reads the row, then waits
        await Task.Delay(200);
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

    public static IVigilStore Wrap(IVigilStore inner, Task gate)
    {
        var store = Create<IVigilStore, SlowTokenLookup>();
        var self = (SlowTokenLookup)(object)store;
        self._inner = inner;
        self._gate = gate;
        return store;
    }

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
        await gate;
        return row;
    }
}
