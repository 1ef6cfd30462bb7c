using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Slo;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Slo;

/// <summary>
/// <c>serve --demo</c> has SLOs to look at from the first minute: a week of per-minute counts for checkout (within its
/// 99.9 % budget) and payments (a weekly two-hour outage spent more than its 99.5 % budget), so the SLOs page shows a
/// healthy SLO, an exhausted one and the change freeze its policy puts on payments. Before, the page was empty.
/// </summary>
public sealed class DemoSlosTests
{
    private static readonly DateTimeOffset TwoAm = new(2026, 11, 26, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_demo_has_a_week_of_slo_history_one_slo_within_budget_and_payments_frozen()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, demo: true, time: new FakeTimeProvider(TwoAm));

        var slos = await WaitForHistoryAsync(vigil);
        var checkout = slos.Single(s => s["name"]!.GetValue<string>() == "checkout-availability")["errorBudget"]!;
        var payments = slos.Single(s => s["name"]!.GetValue<string>() == "payments-availability")["errorBudget"]!;
        // A week of ~400 requests a minute: a budget of ~4,000 events at 99.9 %.
        Assert.InRange(checkout["total"]!.GetValue<double>(), 3_000, 5_000);
        Assert.InRange(checkout["remainingPercent"]!.GetValue<double>(), 5, 95);
        Assert.True(payments["exhausted"]!.GetValue<bool>(), payments.ToJsonString());

        await vigil.Services.GetRequiredService<SloTracker>().EvaluateAlertsAsync(CancellationToken.None);

        var freezes = (await vigil.Client.GetJsonAsync("/api/v1/freezes"))["services"]!.AsArray();
        Assert.True(freezes.Single(f => f!["service"]!.GetValue<string>() == "payments")!["frozen"]!.GetValue<bool>());
        Assert.False(freezes.Single(f => f!["service"]!.GetValue<string>() == "checkout")!["frozen"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_restart_on_the_same_data_does_not_seed_the_history_again()
    {
        await using var database = await TestDatabase.CreateAsync(Backend.Sqlite);
        double before;
        await using (var first = await RunningVigil.StartAsync(database, ownsDatabase: false, demo: true, time: new FakeTimeProvider(TwoAm)))
        {
            before = Spent(await WaitForHistoryAsync(first));
        }
        await using var second = await RunningVigil.StartAsync(database, ownsDatabase: false, demo: true, time: new FakeTimeProvider(TwoAm));
        // Give a second backfill time to land if it were going to (it would double every count).
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(before, Spent(await WaitForHistoryAsync(second)));
    }

    [Fact]
    public async Task With_a_config_file_of_ones_own_the_demo_sends_no_counts_to_its_slos()
    {
        // A real SLO that happens to share a demo SLO's name must not get a week of fake counts.
        var dir = Directory.CreateTempSubdirectory("vigil-demo-slo-").FullName;
        try
        {
            var file = Path.Combine(dir, "slos.yaml");
            await File.WriteAllTextAsync(file, """
                apiVersion: openslo/v1
                kind: SLO
                metadata:
                  name: checkout-availability
                spec:
                  service: checkout
                  indicator:
                    metadata:
                      name: checkout-requests
                    spec:
                      ratioMetric:
                        good: {metricSource: {type: Vigil}}
                        total: {metricSource: {type: Vigil}}
                  objectives:
                    - target: 0.999
                """);
            await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, $"""
                route:
                  receiver: default
                receivers:
                  - name: default
                slos:
                  files: ['{file}']
                """, demo: true, time: new FakeTimeProvider(TwoAm));
            await Task.Delay(TimeSpan.FromSeconds(2));

            var slo = (await vigil.Client.GetJsonAsync("/api/v1/slos"))["slos"]!.AsArray().Single()!;
            Assert.Equal(0, slo["errorBudget"]!["total"]!.GetValue<double>());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static double Spent(List<JsonNode> slos) => slos.Sum(s => s["errorBudget"]!["consumed"]!.GetValue<double>());

    private static async Task<List<JsonNode>> WaitForHistoryAsync(RunningVigil vigil)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var slos = (await vigil.Client.GetJsonAsync("/api/v1/slos"))["slos"]!.AsArray().Select(s => s!).ToList();
            if ((slos.Count == 2 && slos.All(s => s["errorBudget"]!["total"]!.GetValue<double>() > 0)) || DateTime.UtcNow > deadline)
            {
                return slos;
            }
            await Task.Delay(200);
        }
    }
}
