using System.Net;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.OnCall;

/// <summary>
/// Accepts and cancels of one swap sent at the same time, to one server and to two servers on one database. A review
/// found both accepts of a request answered 200 (the last commit won), and a cancel answered 200 while the stored swap
/// stayed accepted. Now exactly one decision wins; the other gets 409.
/// </summary>
public abstract class SwapRaceTests(Backend backend)
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

    private static readonly DateTimeOffset Start = new(2025, 1, 13, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Finding: accept and cancel of one swap both answer 200; the last commit silently wins.</summary>
    [Fact]
    public async Task A_swap_is_not_both_cancelled_and_accepted()
    {
        await using var vigil = await RunningVigil.StartAsync(backend, OnCallConfig);
        using var bob = vigil.NewClient(await TokenForAsync(vigil, "bob"));
        using var carol = vigil.NewClient(await TokenForAsync(vigil, "carol"));
        using var dave = vigil.NewClient(await TokenForAsync(vigil, "dave"));

        var problems = await RaceAsync(vigil, bob, bob, carol, dave, 40);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>A lock inside one server would not do: the decisions are conditional writes in the shared database.</summary>
    [Fact]
    public async Task Two_servers_on_one_database_do_not_both_decide_a_swap()
    {
        await using var database = await TestDatabase.CreateAsync(backend);
        await using var a = await RunningVigil.StartAsync(database, ownsDatabase: false, OnCallConfig);
        await using var b = await RunningVigil.StartAsync(database, ownsDatabase: false, OnCallConfig);
        var bobToken = await TokenForAsync(a, "bob");
        using var bob = a.NewClient(bobToken);
        using var carol = a.NewClient(await TokenForAsync(a, "carol"));
        using var bobOnB = b.NewClient(bobToken);
        using var daveOnB = b.NewClient(await TokenForAsync(a, "dave"));

        var problems = await RaceAsync(a, bob, bobOnB, carol, daveOnB, 20);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// Requests <paramref name="rounds"/> swaps as bob; for each, carol accepts while dave accepts (even rounds) or bob
    /// cancels (odd rounds) at the same moment. Returns what went wrong.
    /// </summary>
    private static async Task<List<string>> RaceAsync(RunningVigil vigil, HttpClient bob, HttpClient bobRacing, HttpClient carol, HttpClient dave, int rounds)
    {
        var problems = new List<string>();
        for (var i = 0; i < rounds; i++)
        {
            var s = Start.AddHours(i);
            using var requested = await bob.PostAsync("/api/v1/swaps",
                Http.Json(new { schedule = "primary", start = s.ToString("O"), end = s.AddHours(1).ToString("O") }));
            Assert.Equal(HttpStatusCode.Created, requested.StatusCode);
            var id = (string)(await requested.ReadJsonAsync())["id"]!;
            var withCancel = i % 2 == 1;
            var answers = await Task.WhenAll(
                carol.PostAsync($"/api/v1/swaps/{id}/accept", null),
                withCancel ? bobRacing.PostAsync($"/api/v1/swaps/{id}/cancel", null) : dave.PostAsync($"/api/v1/swaps/{id}/accept", null));
            var stored = (await vigil.Client.GetJsonAsync("/api/v1/swaps?schedule=primary&from=2025-01-13T00:00:00Z&to=2025-01-16T00:00:00Z"))
                .AsArray().Single(x => (string?)x!["id"] == id)!;
            var codes = answers.Select(r => r.StatusCode).ToList();
            // Two accepts: only one may be told it got the shift. Accept + cancel: if both were told 200, the cancel must
            // be the later one (an accepted swap may be cancelled), so the stored swap must be cancelled.
            if (!withCancel && codes.All(c => c == HttpStatusCode.OK))
            {
                problems.Add($"{id}: two acceptors both got 200, stored to={stored["to"]}");
            }
            if (withCancel && codes.All(c => c == HttpStatusCode.OK) && (string?)stored["status"] != "cancelled")
            {
                problems.Add($"{id}: cancel answered 200 but the stored swap is {stored["status"]} to={stored["to"]}");
            }
            if (codes.Any(c => c is not (HttpStatusCode.OK or HttpStatusCode.Conflict)))
            {
                problems.Add($"{id}: answered {string.Join(",", codes.Select(c => (int)c))}; the loser of a race gets 409");
            }
            var toldTheyGotIt = codes[0] == HttpStatusCode.OK ? "carol" : !withCancel && codes[1] == HttpStatusCode.OK ? "dave" : null;
            if (!withCancel && toldTheyGotIt != (string?)stored["to"])
            {
                problems.Add($"{id}: {toldTheyGotIt ?? "nobody"} was told they got the shift, but the stored to={stored["to"]}");
            }
            foreach (var r in answers)
            {
                r.Dispose();
            }
        }
        return problems;
    }

    private static async Task<string> TokenForAsync(RunningVigil vigil, string user)
    {
        using var response = await vigil.Client.PostAsync("/api/v1/tokens", Http.Json(new { name = user + "-token", role = "responder", user }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)(await response.ReadJsonAsync())["token"]!;
    }
}

public sealed class SwapRaceOnSqlite() : SwapRaceTests(Backend.Sqlite);

public sealed class SwapRaceOnPostgres() : SwapRaceTests(Backend.Postgres);
