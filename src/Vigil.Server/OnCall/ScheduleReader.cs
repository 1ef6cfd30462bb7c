using Vigil.Core.OnCall;
using Vigil.Core.Store;
using Vigil.Server.Pipeline;

namespace Vigil.Server.OnCall;

/// <summary>
/// The read side of on-call: the directory of the config in force (so a reload applies to the next request) and the
/// final schedule computed from it plus the stored overrides and swaps. No cache: a computation over weeks of a few
/// layers is microseconds, and reading the store each time keeps every replica consistent.
/// </summary>
public sealed class ScheduleReader(ConfigHolder config, IVigilStore store)
{
    /// <summary>The longest range one request may compute (about three months).</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(92);

    public OnCallDirectory Directory => config.Current.OnCall;

    public async Task<FinalView> FinalAsync(Schedule schedule, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var overrides = await store.ListOverridesAsync(schedule.Name, from, to, ct);
        var swaps = await store.ListSwapsAsync(schedule.Name, from, to, ct);
        var entries = FinalSchedule.Compute(schedule, overrides, swaps, from, to);
        return new FinalView(schedule, from, to, entries, FinalSchedule.Gaps(entries, from, to), overrides, swaps);
    }

    /// <summary>The whole shift covering <paramref name="at"/> (see <see cref="WholeShift"/>), or null when nobody is on call.</summary>
    public async Task<FinalEntry?> ShiftAtAsync(Schedule schedule, DateTimeOffset at, CancellationToken ct)
    {
        var (from, to) = WholeShift.Bounds(at);
        var overrides = await store.ListOverridesAsync(schedule.Name, from, to, ct);
        var swaps = await store.ListSwapsAsync(schedule.Name, from, to, ct);
        return WholeShift.At(schedule, overrides, swaps, at);
    }

    /// <summary>The final schedule without the swaps, used to check that a from-user has a shift to hand over.</summary>
    public async Task<IReadOnlyList<FinalEntry>> ShiftsOfAsync(Schedule schedule, string user, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var swaps = await store.ListSwapsAsync(schedule.Name, from, to, ct);
        return FinalSchedule.Compute(schedule, [], swaps, from, to).Where(e => e.User == user).ToList();
    }
}

public sealed record FinalView(
    Schedule Schedule,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<FinalEntry> Entries,
    IReadOnlyList<ScheduleGap> Gaps,
    IReadOnlyList<ScheduleOverride> Overrides,
    IReadOnlyList<ShiftSwap> Swaps);
