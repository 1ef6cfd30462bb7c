using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Budget;
using Vigil.Server.Slo;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Slo;

/// <summary>
/// Rolling windows that start inside a quarter-hour, on a fake clock: the server's budget, SLI, period burn rate and
/// burn-down (tiered history + the edge bucket's minutes loaded from slo_minutes) equal the exact arithmetic of
/// <see cref="ErrorBudgetCalculator"/> over every stored minute, for Occurrences, Timeslices and RatioTimeslices; the
/// edge is reloaded (one query per range) when the window start moves into the next quarter-hour.
/// </summary>
public abstract class SloExactWindowTests(Backend backend) : IAsyncLifetime
{
    // 12:07:30 UTC: a rolling day starts at 12:07 the day before, 7 minutes into a quarter-hour.
    private static readonly DateTimeOffset T0 = new(2026, 3, 10, 12, 7, 30, TimeSpan.Zero);

    private static string Slo(string name, string method, string objective) => $"""
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: {name}
        spec:
          service: checkout
          indicator:
            metadata:
              name: {name}-requests
            spec:
              ratioMetric:
                good: {"{"}metricSource: {"{"}type: Vigil{"}"}{"}"}
                total: {"{"}metricSource: {"{"}type: Vigil{"}"}{"}"}
          timeWindow:
            - duration: 1d
              isRolling: true
          budgetingMethod: {method}
          objectives:
        {objective}
        """;

    private static readonly string[] Names = ["occurrences", "timeslices", "ratio"];

    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-slo-exact-").FullName;
    private readonly FakeTimeProvider _clock = new(T0.AddMinutes(-30));
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "slos.yaml"), string.Join("\n---\n",
            Slo("occurrences", "Occurrences", "    - target: 0.99"),
            Slo("timeslices", "Timeslices", "    - target: 0.9\n      timeSliceTarget: 0.97\n      timeSliceWindow: 1h"),
            Slo("ratio", "RatioTimeslices", "    - target: 0.9\n      timeSliceWindow: 15m")));
        _vigil = await RunningVigil.StartAsync(backend, $"""
            route:
              receiver: default
            receivers:
              - name: default
            slos:
              files: ['{Path.Combine(_dir, "slos.yaml")}']
            """, time: _clock);
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Rolling_budgets_count_every_minute_from_the_window_start_and_the_edge_moves_with_it()
    {
        var tracker = _vigil.Services.GetRequiredService<SloTracker>();
        var random = new Random(11);
        var truth = Names.ToDictionary(n => n, _ => new Dictionary<long, EventCounts>());
        var first = MinuteRing.MinuteOf(T0.AddDays(-1)) - 7; // 12:00 the day before: the edge bucket's minutes before the start too
        async Task PostAsync(long from, long to)
        {
            var events = new List<SliEvent>();
            for (var m = from; m < to; m++)
            {
                foreach (var name in Names)
                {
                    if (random.NextDouble() < 0.05)
                    {
                        continue; // a gap
                    }
                    var total = random.Next(1, 200);
                    var good = total - (random.NextDouble() < 0.1 ? random.Next(0, total / 4 + 1) : 0);
                    events.Add(new SliEvent(name, good, total, DateTimeOffset.FromUnixTimeSeconds(m * 60 + 5)));
                    truth[name][m] = new EventCounts(good, total);
                }
            }
            await tracker.IngestAsync(events, CancellationToken.None);
        }
        // At 11:37:30 the window starts at 11:37 the day before: everything from 12:00 then is inside it.
        await PostAsync(first, MinuteRing.MinuteOf(_clock.GetUtcNow()));
        _clock.SetUtcNow(T0);
        await PostAsync(MinuteRing.MinuteOf(T0.AddMinutes(-30)), MinuteRing.MinuteOf(T0));

        await AssertExactAsync(tracker, truth);
        var loads = tracker.EdgeLoads;
        Assert.True(loads >= 1);

        // 12:14:30: still in the edge's bucket (12:00) — no reload.
        _clock.SetUtcNow(T0.AddMinutes(7));
        await PostAsync(MinuteRing.MinuteOf(T0), MinuteRing.MinuteOf(_clock.GetUtcNow()));
        await AssertExactAsync(tracker, truth);
        Assert.Equal(loads, tracker.EdgeLoads);

        // 12:16:30: the window starts at 12:16, inside the 12:15 quarter-hour: the edge moves, in one query for all three SLOs.
        _clock.SetUtcNow(T0.AddMinutes(9));
        await PostAsync(MinuteRing.MinuteOf(T0.AddMinutes(7)), MinuteRing.MinuteOf(_clock.GetUtcNow()));
        await AssertExactAsync(tracker, truth);
        Assert.Equal(loads + 1, tracker.EdgeLoads);
        var states = await tracker.CurrentAsync(CancellationToken.None);
        Assert.All(Names, n => Assert.Equal(MinuteRing.MinuteOf(T0.AddDays(-1)) + 8, states[n].Evaluator.History.EdgeFrom));
    }

    private async Task AssertExactAsync(SloTracker tracker, Dictionary<string, Dictionary<long, EventCounts>> truth)
    {
        var now = _clock.GetUtcNow();
        var states = await tracker.CurrentAsync(CancellationToken.None);
        foreach (var name in Names)
        {
            var state = states[name];
            var status = state.Evaluate(now)[0];
            var window = status.Window;
            Assert.True(window.IsRolling);
            var start = MinuteRing.MinuteOf(window.Start);
            Assert.NotEqual(0, start % 15); // the case the quarter-hours alone cannot answer
            var minutes = Enumerable.Range(0, (int)(MinuteRing.MinuteOf(window.End) - start))
                .Select(i => truth[name].GetValueOrDefault(start + i, EventCounts.Missing)).ToArray();
            var expected = ErrorBudgetCalculator.Compute(status.Objective.Policy, minutes, window);
            Assert.Equal(expected.Total, status.Budget.Total, 6);
            Assert.Equal(expected.Consumed, status.Budget.Consumed, 6);
            Assert.Equal(expected.Sli, status.Budget.Sli, 9);
            var burnDown = state.BurnDown(0, now, 240);
            Assert.Equal(expected.Consumed, burnDown.Points[^1].Consumed, 6);
            if (name == "occurrences")
            {
                Assert.Equal(window.Start, burnDown.Points[0].At);
                // The period burn rate counts the same minutes.
                var all = ErrorBudgetCalculator.Sum(minutes);
                Assert.Equal(all.Bad, state.Evaluator.History.SumLast(24 * 60).Bad, 6);
            }
        }
    }
}

public sealed class SloExactWindowOnSqlite() : SloExactWindowTests(Backend.Sqlite);

public sealed class SloExactWindowOnPostgres() : SloExactWindowTests(Backend.Postgres);
