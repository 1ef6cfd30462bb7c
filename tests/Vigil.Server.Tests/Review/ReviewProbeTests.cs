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
    private const string OnCallConfig = """
        route:
          receiver: default
        receivers:
          - name: default
        users:
          - {name: alice, full_name: Alice}
          - {name: bob, full_name: Bob}
          - {name: carol, full_name: Carol}
          - {name: dave, full_name: Dave}
        teams:
          - name: payments
            members: [{user: alice, role: manager}, bob, carol, dave]
        schedules:
          - name: primary
            team: payments
            time_zone: UTC
            layers:
              - name: weekly
                users: [alice, bob, carol]
                rotation: 1w
                start: 2025-01-06 00:00
        """;

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

    /// <summary>Finding: accept and cancel of one swap both answer 200; the last commit silently wins.</summary>
    [Fact]
    public async Task A_swap_is_not_both_cancelled_and_accepted()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, OnCallConfig);
        var bob = await ClientForAsync(vigil, "bob");
        var carol = await ClientForAsync(vigil, "carol");
        var dave = await ClientForAsync(vigil, "dave");
        var start = new DateTimeOffset(2025, 1, 13, 0, 0, 0, TimeSpan.Zero);
        var doubled = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var s = start.AddHours(i);
            using var requested = await bob.PostAsync("/api/v1/swaps",
                Http.Json(new { schedule = "primary", start = s.ToString("O"), end = s.AddHours(1).ToString("O") }));
            Assert.Equal(HttpStatusCode.Created, requested.StatusCode);
            var id = (string)(await requested.ReadJsonAsync())["id"]!;
            var withCancel = i % 2 == 1;
            var calls = new List<Task<HttpResponseMessage>>
            {
                carol.PostAsync($"/api/v1/swaps/{id}/accept", null),
                withCancel ? bob.PostAsync($"/api/v1/swaps/{id}/cancel", null) : dave.PostAsync($"/api/v1/swaps/{id}/accept", null),
            };
            var answers = await Task.WhenAll(calls);
            var stored = (await vigil.Client.GetJsonAsync("/api/v1/swaps?schedule=primary&from=2025-01-13T00:00:00Z&to=2025-01-16T00:00:00Z"))
                .AsArray().Single(x => (string?)x!["id"] == id)!;
            var codes = string.Join(",", answers.Select(r => (int)r.StatusCode));
            // Two accepts: only one may be told it got the shift. Accept + cancel: if both were told 200, the cancel must
            // be the later one (an accepted swap may be cancelled), so the stored swap must be cancelled.
            if (!withCancel && answers.All(r => r.StatusCode == HttpStatusCode.OK))
            {
                doubled.Add($"{id}: two acceptors both got 200, stored to={stored["to"]}");
            }
            if (withCancel && answers.All(r => r.StatusCode == HttpStatusCode.OK) && (string?)stored["status"] != "cancelled")
            {
                doubled.Add($"{id}: cancel answered 200 but the stored swap is {stored["status"]} to={stored["to"]}");
            }
            foreach (var r in answers)
            {
                r.Dispose();
            }
        }
        Assert.True(doubled.Count == 0, string.Join("\n", doubled));
    }

    private static async Task<HttpClient> ClientForAsync(RunningVigil vigil, string user)
    {
        using var response = await vigil.Client.PostAsync("/api/v1/tokens", Http.Json(new { name = user + "-token", role = "responder", user }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return vigil.NewClient((string)(await response.ReadJsonAsync())["token"]!);
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
