using Vigil.Core.OnCall;

namespace Vigil.Core.Tests.OnCall;

/// <summary>
/// Random schedules from a seeded <see cref="Random"/> (reproducible: the seed is in the test data). Properties: entries
/// are ordered, non-overlapping and inside [from, to); overrides always win; the answer for a sub-range agrees with
/// the answer for the whole range.
/// </summary>
public class FinalSchedulePropertyTests
{
    private static readonly string[] Zones = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata"];
    private static readonly string[] People = ["ann", "ben", "cat", "dan", "eve"];

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var seed = 1; seed <= 40; seed++)
        {
            data.Add(seed);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_schedules_keep_the_final_schedule_invariants(int seed)
    {
        var random = new Random(seed);
        var schedule = RandomSchedule(random);
        var from = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(random.Next(0, 24 * 500));
        var to = from.AddHours(random.Next(1, 24 * 40));
        var overrides = Enumerable.Range(0, random.Next(0, 5)).Select(i => RandomOverride(random, i, from, to)).ToList();
        var swaps = Enumerable.Range(0, random.Next(0, 5)).Select(i => RandomSwap(random, i, from, to)).ToList();

        var entries = FinalSchedule.Compute(schedule, overrides, swaps, from, to);

        for (var i = 0; i < entries.Count; i++)
        {
            Assert.True(entries[i].Start < entries[i].End, $"seed {seed}: empty entry {entries[i]}");
            Assert.True(entries[i].Start >= from && entries[i].End <= to, $"seed {seed}: {entries[i]} outside [{from}, {to})");
            if (i > 0)
            {
                Assert.True(entries[i - 1].End <= entries[i].Start, $"seed {seed}: {entries[i - 1]} overlaps {entries[i]}");
            }
        }
        for (var probe = 0; probe < 50; probe++)
        {
            var at = from + ((to - from) * random.NextDouble());
            var covering = entries.Where(e => e.Start <= at && at < e.End).ToList();
            Assert.True(covering.Count <= 1, $"seed {seed}: {covering.Count} entries at {at}");
            var winner = overrides.Where(o => o.Start <= at && at < o.End).OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id, StringComparer.Ordinal).FirstOrDefault();
            if (winner is not null)
            {
                Assert.Equal((winner.User, EntrySource.Override, winner.Id), (covering[0].User, covering[0].Source, covering[0].ReferenceId));
            }
            // A single instant computed alone gives the same person as the whole range.
            Assert.Equal(covering.FirstOrDefault()?.User, FinalSchedule.OnCallAt(schedule, overrides, swaps, at)?.User);
        }
    }

    private static Schedule RandomSchedule(Random random)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zones[random.Next(Zones.Length)]);
        var layers = Enumerable.Range(0, random.Next(0, 4)).Select(i =>
        {
            var users = Enumerable.Range(0, random.Next(0, 4)).Select(_ => People[random.Next(People.Length)]).ToList();
            var turn = new TurnLength(random.Next(1, 4), (TurnUnit)random.Next(3));
            var start = new DateTime(2023, 12, 1).AddDays(random.Next(0, 400)).AddMinutes(random.Next(0, 24 * 60));
            var restrictions = Enumerable.Range(0, random.Next(0, 3)).Select(_ => random.Next(2) == 0
                ? Restriction.Daily(RandomTime(random), RandomTime(random))
                : Restriction.Week((DayOfWeek)random.Next(7), RandomTime(random), (DayOfWeek)random.Next(7), RandomTime(random))).ToList();
            return new ScheduleLayer("layer" + i, users, turn, start, restrictions);
        }).ToList();
        return new Schedule("s", null, zone, layers);
    }

    private static TimeOnly RandomTime(Random random) => new(random.Next(24), random.Next(4) * 15);

    private static ScheduleOverride RandomOverride(Random random, int i, DateTimeOffset from, DateTimeOffset to)
    {
        var start = from + ((to - from) * random.NextDouble()) - TimeSpan.FromHours(2);
        return new ScheduleOverride("o" + i, "s", start, start.AddHours(random.Next(1, 72)), People[random.Next(People.Length)],
            from.AddMinutes(random.Next(0, 5)), "test");
    }

    private static ShiftSwap RandomSwap(Random random, int i, DateTimeOffset from, DateTimeOffset to)
    {
        var start = from + ((to - from) * random.NextDouble());
        return new ShiftSwap("w" + i, "s", start, start.AddHours(random.Next(1, 96)), People[random.Next(People.Length)], People[random.Next(People.Length)],
            SwapStatus.Accepted, SwapKind.Take, from, "test", from.AddMinutes(random.Next(0, 5)), "test");
    }
}
