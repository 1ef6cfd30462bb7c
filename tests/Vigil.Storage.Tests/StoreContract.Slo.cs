using Vigil.Core.Store;
using static Vigil.Storage.Tests.TestData;

namespace Vigil.Storage.Tests;

/// <summary>The SLI event minutes: increments add up per (SLO, minute), within a commit and across commits.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Slo_minutes_add_up_and_survive_a_reopen()
    {
        Assert.Empty(await Store.ListSloMinutesAsync(0));
        await Apply(Changes(c =>
        {
            c.SloMinutes.Add(new SloMinuteRecord("checkout", 100, 9, 10));
            c.SloMinutes.Add(new SloMinuteRecord("checkout", 100, 1, 5));
            c.SloMinutes.Add(new SloMinuteRecord("api", 99, 0, 2));
        }));
        // Two commits applied together and a later one: all increments, none overwrite.
        await Apply(Changes(c => c.SloMinutes.Add(new SloMinuteRecord("checkout", 100, 0.5, 1))),
            Changes(c => c.SloMinutes.Add(new SloMinuteRecord("checkout", 101, 3, 3))));
        await Apply(Changes(c => c.SloMinutes.Add(new SloMinuteRecord("checkout", 100, 2, 2))));

        await ReopenAsync();
        Assert.Equal(
            [new SloMinuteRecord("api", 99, 0, 2), new SloMinuteRecord("checkout", 100, 12.5, 18), new SloMinuteRecord("checkout", 101, 3, 3)],
            await Store.ListSloMinutesAsync(0));
        Assert.Equal([new SloMinuteRecord("checkout", 101, 3, 3)], await Store.ListSloMinutesAsync(101));

        // Retention deletes before the increments of the same commit are added.
        await Apply(Changes(c =>
        {
            c.PruneSloMinutesBeforeMinute = 101;
            c.SloMinutes.Add(new SloMinuteRecord("api", 99, 1, 1));
        }));
        Assert.Equal([new SloMinuteRecord("api", 99, 1, 1), new SloMinuteRecord("checkout", 101, 3, 3)], await Store.ListSloMinutesAsync(0));
    }
}
