using Vigil.Core.OnCall;
using static Vigil.Storage.Tests.TestData;

namespace Vigil.Storage.Tests;

/// <summary>Schedule overrides, shift swaps and the user a token is bound to (migration 0008).</summary>
public abstract partial class StoreContract
{
    private static readonly DateTimeOffset Day = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Overrides_round_trip_filter_by_schedule_and_range_and_hide_deleted_ones()
    {
        var a = new ScheduleOverride("ov-a", "primary", Day.AddHours(1), Day.AddHours(5), "alice", Day, "admin");
        var b = new ScheduleOverride("ov-b", "primary", Day.AddHours(10), Day.AddHours(12), "bob", Day.AddMinutes(1), "alice");
        var other = new ScheduleOverride("ov-c", "secondary", Day.AddHours(1), Day.AddHours(2), "carol", Day, "admin");
        await Apply(Changes(c => c.ScheduleOverrides.AddRange([a, b, other])));

        await ReopenAsync();
        Assert.Equal([a, b], await Store.ListOverridesAsync("primary", Day, Day.AddDays(1)));
        Assert.Equal([b], await Store.ListOverridesAsync("primary", Day.AddHours(5), Day.AddDays(1)));
        Assert.Equal(3, (await Store.ListOverridesAsync(null, Day, Day.AddDays(1))).Count);

        var deleted = a with { DeletedAt = Day.AddHours(2) };
        await Apply(Changes(c => c.ScheduleOverrides.Add(deleted)));
        Assert.Equal([b], await Store.ListOverridesAsync("primary", Day, Day.AddDays(1)));
        Assert.Equal(deleted, await Store.GetOverrideAsync("ov-a"));
        Assert.Null(await Store.GetOverrideAsync("nope"));
    }

    [Fact]
    public async Task Swaps_round_trip_through_request_and_accept()
    {
        var requested = new ShiftSwap("sw-1", "primary", Day, Day.AddDays(1), "alice", null, SwapStatus.Requested, SwapKind.Request, Day, "alice");
        var taken = new ShiftSwap("sw-2", "primary", Day.AddDays(2), Day.AddDays(3), "bob", "carol", SwapStatus.Accepted, SwapKind.Take,
            Day, "carol", Day, "carol");
        await Apply(Changes(c => c.ShiftSwaps.AddRange([requested, taken])));
        var accepted = requested with { ToUser = "dave", Status = SwapStatus.Accepted, DecidedAt = Day.AddHours(3), DecidedBy = "dave" };
        await Apply(Changes(c => c.ShiftSwaps.Add(accepted)));

        await ReopenAsync();
        Assert.Equal([accepted, taken], await Store.ListSwapsAsync("primary", Day, Day.AddDays(7)));
        Assert.Equal([taken], await Store.ListSwapsAsync(null, Day.AddDays(1), Day.AddDays(7)));
        Assert.Equal(accepted, await Store.GetSwapAsync("sw-1"));
        Assert.Empty(await Store.ListSwapsAsync("secondary", Day, Day.AddDays(7)));
    }

    [Fact]
    public async Task A_token_can_be_bound_to_a_user()
    {
        var token = Token("tok_u", "hash-u") with { User = "alice" };
        await Apply(Changes(c => c.Tokens.Add(token)));

        await ReopenAsync();
        Assert.Equal("alice", (await Store.FindTokenByHashAsync("hash-u"))!.User);
    }
}
