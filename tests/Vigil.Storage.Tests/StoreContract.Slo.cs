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
        Assert.Equal([new SloMinuteRecord("api", 99, 0, 2)], await Store.ListSloMinutesAsync(0, "api"));

        // Retention deletes before the increments of the same commit are added.
        await Apply(Changes(c =>
        {
            c.PruneSloMinutesBeforeMinute = 101;
            c.SloMinutes.Add(new SloMinuteRecord("api", 99, 1, 1));
        }));
        Assert.Equal([new SloMinuteRecord("api", 99, 1, 1), new SloMinuteRecord("checkout", 101, 3, 3)], await Store.ListSloMinutesAsync(0));
    }

    [Fact]
    public async Task Slo_minutes_between_two_minutes_are_listed_for_every_slo()
    {
        await Apply(Changes(c =>
        {
            foreach (var minute in new long[] { 899, 900, 907, 929, 930 })
            {
                c.SloMinutes.Add(new SloMinuteRecord("b", minute, 1, minute));
                c.SloMinutes.Add(new SloMinuteRecord("a", minute, 0, 2));
            }
        }));

        // From inclusive, end exclusive, ordered by SLO and minute.
        Assert.Equal(
            [new SloMinuteRecord("a", 900, 0, 2), new SloMinuteRecord("a", 907, 0, 2), new SloMinuteRecord("a", 929, 0, 2),
                new SloMinuteRecord("b", 900, 1, 900), new SloMinuteRecord("b", 907, 1, 907), new SloMinuteRecord("b", 929, 1, 929)],
            await Store.ListSloMinutesBetweenAsync(900, 930));
        Assert.Empty(await Store.ListSloMinutesBetweenAsync(901, 907));
        Assert.Empty(await Store.ListSloMinutesBetweenAsync(930, 930));
    }

    [Fact]
    public async Task Cleared_slo_minutes_are_replaced_by_the_increments_of_the_same_commit()
    {
        await Apply(Changes(c =>
        {
            c.SloMinutes.Add(new SloMinuteRecord("prom", 10, 5, 10));
            c.SloMinutes.Add(new SloMinuteRecord("prom", 11, 5, 10));
            c.SloMinutes.Add(new SloMinuteRecord("prom", 12, 5, 10));
            c.SloMinutes.Add(new SloMinuteRecord("other", 11, 1, 1));
        }));
        // An earlier set's increment inside the cleared range goes with the clear (commits applied together).
        await Apply(Changes(c => c.SloMinutes.Add(new SloMinuteRecord("prom", 12, 100, 100))),
            Changes(c =>
            {
                c.ClearedSloMinutes.Add(new SloMinuteRange("prom", 11, 12));
                c.SloMinutes.Add(new SloMinuteRecord("prom", 11, 7, 8));
                c.SloMinutes.Add(new SloMinuteRecord("prom", 12, 9, 9));
            }));

        Assert.Equal(
            [new SloMinuteRecord("other", 11, 1, 1), new SloMinuteRecord("prom", 10, 5, 10), new SloMinuteRecord("prom", 11, 7, 8), new SloMinuteRecord("prom", 12, 9, 9)],
            await Store.ListSloMinutesAsync(0));
    }

    [Fact]
    public async Task Slo_sources_and_freezes_are_upserted_deleted_and_survive_a_reopen()
    {
        Assert.Empty(await Store.ListSloSourcesAsync());
        Assert.Empty(await Store.ListSloFreezesAsync());
        var since = new DateTimeOffset(2026, 3, 1, 12, 30, 0, TimeSpan.Zero);
        await Apply(Changes(c =>
        {
            c.SloSources.Add(new SloSourceRecord("checkout", "abc", 100));
            c.SloSources.Add(new SloSourceRecord("search", "def", 90));
            c.SloFreezes.Add(new SloFreezeRecord("checkout", 0, "checkout", since, -3.5));
            c.SloFreezes.Add(new SloFreezeRecord("checkout", 1, "checkout", since, null));
        }));
        await Apply(Changes(c =>
        {
            c.SloSources.Add(new SloSourceRecord("checkout", "abc", 101));
            c.DeletedSloSources.Add("search");
            c.DeletedSloFreezes.Add(("checkout", 1));
        }));

        await ReopenAsync();
        Assert.Equal([new SloSourceRecord("checkout", "abc", 101)], await Store.ListSloSourcesAsync());
        Assert.Equal([new SloFreezeRecord("checkout", 0, "checkout", since, -3.5)], await Store.ListSloFreezesAsync());
    }
}
