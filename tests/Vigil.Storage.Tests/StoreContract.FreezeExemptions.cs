using Vigil.Core.Store;
using static Vigil.Storage.Tests.TestData;

namespace Vigil.Storage.Tests;

/// <summary>Freeze exemptions (migration 0013): stored, listed by service and end, revoked in place.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Freeze_exemptions_round_trip_filter_by_service_and_end_and_hide_revoked_ones()
    {
        var day = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var hotfix = new FreezeExemption("fx-a", "checkout", day.AddHours(1), day.AddHours(3), "roll out the fix of INC-42", day, "alice");
        var later = new FreezeExemption("fx-b", "checkout", day.AddHours(5), day.AddHours(6), "config rollback", day.AddMinutes(1), "admin");
        var other = new FreezeExemption("fx-c", "payments", day, day.AddHours(2), "ünïcode reason ✓", day, "bob");
        await Apply(Changes(c => c.FreezeExemptions.AddRange([hotfix, later, other])));

        await ReopenAsync();
        Assert.Equal([hotfix, later], await Store.ListFreezeExemptionsAsync("checkout", day));
        Assert.Equal([later], await Store.ListFreezeExemptionsAsync("checkout", day.AddHours(3))); // the end is exclusive
        Assert.Equal(3, (await Store.ListFreezeExemptionsAsync(null, day)).Count);

        var revoked = hotfix with { RevokedAt = day.AddHours(2) };
        await Apply(Changes(c => c.FreezeExemptions.Add(revoked)));
        Assert.Equal([later], await Store.ListFreezeExemptionsAsync("checkout", day));
        Assert.Equal(revoked, await Store.GetFreezeExemptionAsync("fx-a"));
        Assert.Null(await Store.GetFreezeExemptionAsync("nope"));
        Assert.True(later.AppliesAt(day.AddHours(5)));
        Assert.False(later.AppliesAt(day.AddHours(6)));
        Assert.False(revoked.AppliesAt(day.AddHours(1.5)));
    }
}
