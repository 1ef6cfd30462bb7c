using Vigil.Core.OnCall;
using Vigil.Core.Security;
using Vigil.Core.Store;
using static Vigil.Storage.Tests.TestData;

namespace Vigil.Storage.Tests;

/// <summary>
/// Decisions on stored swaps are conditional writes: each applies only if the swap's stored status is still the one it
/// was made on, across connections and across stores on one database (replicas). A review found two accepts of one
/// request both told they got the shift, and a cancel told it succeeded while the swap stayed accepted.
/// </summary>
public abstract partial class StoreContract
{
    private static readonly DateTimeOffset SwapDay = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static ShiftSwap Requested(string id) =>
        new(id, "primary", SwapDay, SwapDay.AddDays(1), "alice", null, SwapStatus.Requested, SwapKind.Request, SwapDay, "alice");

    private static ShiftSwap AcceptedBy(ShiftSwap swap, string user) =>
        swap with { ToUser = user, Status = SwapStatus.Accepted, DecidedAt = SwapDay.AddHours(1), DecidedBy = user };

    private static ChangeSet Decision(ShiftSwap decided, SwapStatus expected, string actor) => Changes(c =>
    {
        c.SwapTransitions.Add(new SwapTransition(decided, expected));
        c.Audit.Add(new AuditEntry(SwapDay, actor, "swap.decide", $"swap/{decided.Id}", decided.Status.ToString()));
    });

    [Fact]
    public async Task A_swap_decision_applies_only_to_the_status_it_was_made_on_and_a_refused_one_applies_nothing()
    {
        var swap = Requested("sw-d");
        await Apply(Changes(c => c.ShiftSwaps.Add(swap)));
        var byCarol = AcceptedBy(swap, "carol");
        await Apply(Decision(byCarol, SwapStatus.Requested, "carol"));

        var refused = await Assert.ThrowsAsync<ConflictingWriteException>(() => Apply(Decision(AcceptedBy(swap, "dave"), SwapStatus.Requested, "dave")));

        Assert.Equal("swap sw-d", refused.Target);
        Assert.Equal(byCarol, await Store.GetSwapAsync("sw-d"));
        Assert.Equal(["carol"], (await Store.ListAuditAsync(10)).Select(a => a.Actor));
        var cancelled = byCarol with { Status = SwapStatus.Cancelled, DecidedAt = SwapDay.AddHours(2), DecidedBy = "alice" };
        await Apply(Decision(cancelled, SwapStatus.Accepted, "alice"));
        Assert.Equal(cancelled, await Store.GetSwapAsync("sw-d"));
        await Assert.ThrowsAsync<ConflictingWriteException>(() => Apply(Decision(AcceptedBy(Requested("sw-none"), "dave"), SwapStatus.Requested, "dave")));
        Assert.Null(await Store.GetSwapAsync("sw-none"));
    }

    [Fact]
    public async Task Decisions_within_one_commit_are_checked_against_each_other()
    {
        var fresh = Requested("sw-new");
        await Apply(Changes(c => c.ShiftSwaps.Add(fresh)), Decision(AcceptedBy(fresh, "carol"), SwapStatus.Requested, "carol"));
        Assert.Equal(AcceptedBy(fresh, "carol"), await Store.GetSwapAsync("sw-new"));

        var stored = Requested("sw-old");
        await Apply(Changes(c => c.ShiftSwaps.Add(stored)));
        await Assert.ThrowsAsync<ConflictingWriteException>(() =>
            Apply(Decision(AcceptedBy(stored, "carol"), SwapStatus.Requested, "carol"), Decision(AcceptedBy(stored, "dave"), SwapStatus.Requested, "dave")));
        Assert.Equal(stored, await Store.GetSwapAsync("sw-old"));
    }

    [Fact]
    public async Task Of_two_stores_on_one_database_deciding_the_same_swaps_at_once_exactly_one_wins_each()
    {
        await using var replica = OpenStore();
        await replica.MigrateAsync();
        var swaps = Enumerable.Range(0, 20).Select(i => Requested($"sw-{i:D2}")).ToList();
        await Apply(Changes(c => c.ShiftSwaps.AddRange(swaps)));

        foreach (var swap in swaps)
        {
            var carol = Task.Run(() => Store.ApplyAsync([Decision(AcceptedBy(swap, "carol"), SwapStatus.Requested, "carol")]));
            var dave = Task.Run(() => replica.ApplyAsync([Decision(AcceptedBy(swap, "dave"), SwapStatus.Requested, "dave")]));
            var outcomes = await Task.WhenAll(Outcome(carol), Outcome(dave));

            Assert.Equal(1, outcomes.Count(won => won));
            var winner = outcomes[0] ? "carol" : "dave";
            Assert.Equal(winner, (await Store.GetSwapAsync(swap.Id))!.ToUser);
        }
        Assert.Equal(swaps.Count, (await Store.ListAuditAsync(100)).Count);
    }

    /// <summary>True when the commit went through, false when it was refused as conflicting.</summary>
    private static async Task<bool> Outcome(Task commit)
    {
        try
        {
            await commit;
            return true;
        }
        catch (ConflictingWriteException)
        {
            return false;
        }
    }
}
