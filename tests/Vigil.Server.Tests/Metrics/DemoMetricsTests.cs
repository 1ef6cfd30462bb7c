using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Metrics;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Metrics;

/// <summary>
/// <c>serve --demo</c> has metric series to look at from the first minute: six hours of history for a latency, a queue
/// and a disk, the queue's backlog marked, and the disk — cleaned up at midnight, filling again — forecast to reach
/// the demo's 90 % capacity rule (the clock is fixed at 02:00 UTC, so the story is the same on every run); a log
/// disk with two weeks of history that is not (see the test at 20:00); and a temperature whose exporter hung.
/// </summary>
public sealed class DemoMetricsTests
{
    private static readonly DateTimeOffset TwoAm = new(2026, 11, 26, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_demo_has_charted_series_with_anomalies_and_a_disk_forecast_to_fill()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, demo: true, time: new FakeTimeProvider(TwoAm));

        var series = await WaitForSeriesAsync(vigil, count: 5);
        Assert.Equal(5, series.Count);
        Assert.All(series, s => Assert.True(s["points"]!.GetValue<int>() >= MetricIngest.PointsKept, s.ToJsonString()));
        var queue = series.Single(s => s["name"]!.GetValue<string>() == "settlement_queue_depth");
        Assert.True(queue["anomalies"]!.GetValue<long>() >= 1, "the 22:40 and 01:40 backlogs are marked");
        // The temperature's exporter hung from 22:45 to 23:30, repeating the 22:44:30 reading: a flatline at its 30th
        // sample, and a spike when it came back with the reading of 45 minutes later.
        var temperature = series.Single(s => s["name"]!.GetValue<string>() == "node_hwmon_temp_celsius");
        var marked = (await vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{temperature["id"]!.GetValue<string>()}"))["points"]!.AsArray()
            .Where(p => p!["anomaly"]!.GetValue<bool>()).Select(p => (p!["t"]!.GetValue<DateTimeOffset>(), p["signal"]!.GetValue<string>())).ToList();
        Assert.Equal([(new DateTimeOffset(2026, 11, 25, 22, 59, 0, TimeSpan.Zero), "Flatline"), (new DateTimeOffset(2026, 11, 25, 23, 30, 0, TimeSpan.Zero), "Spike")], marked);
        // History is charted, never alerted on.
        Assert.DoesNotContain(await AlertNamesAsync(vigil), n => n == "MetricAnomaly");

        var raised = await vigil.Services.GetRequiredService<MetricIngest>().EvaluateCapacityAsync(CancellationToken.None);

        Assert.Equal(1, raised);
        var capacity = (await vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray()
            .Single(a => a!["labels"]!["alertname"]!.GetValue<string>() == "CapacityForecast")!;
        Assert.Equal("db-1", capacity["labels"]!["instance"]!.GetValue<string>());
        // 66 % at 02:00, +3 %/h since the midnight clean-up: 90 % at about 10:00. Fitted across the clean-up, the
        // forecast was flat and no alert was raised.
        Assert.Contains("reaches 90 in ~8 hours", capacity["annotations"]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_log_disk_that_grows_all_day_is_not_forecast_to_fill_in_the_evening()
    {
        // 20:00 UTC: the log disk is at ~76 % and its six hours of points rise ~1 % an hour — 90 in ~14 hours from
        // them alone, within the rule's day. Its two weeks of hourly means show the midnight rotation.
        var eightPm = new DateTimeOffset(2026, 11, 26, 20, 0, 0, TimeSpan.Zero);
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, demo: true, time: new FakeTimeProvider(eightPm));
        await WaitForSeriesAsync(vigil, count: 4);
        var ingest = vigil.Services.GetRequiredService<MetricIngest>();
        var logDisk = ingest.Series.Single(s => s.Key.Canonical.Contains("instance=\"log-1\"", StringComparison.Ordinal));
        var rule = logDisk.CapacityRule(ingest.Config)!;
        Assert.NotNull(SeriesForecast.CapacityCrossingOf(logDisk.Points.ToArray(), null, rule)); // the alarm the points alone raise
        Assert.InRange(logDisk.Hourly!.Count, 14 * 24, (14 * 24) + 1);

        await ingest.EvaluateCapacityAsync(CancellationToken.None);

        var capacity = (await vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray()
            .Where(a => a!["labels"]!["alertname"]!.GetValue<string>() == "CapacityForecast").Select(a => a!["labels"]!["instance"]!.GetValue<string>());
        Assert.Equal(["db-1"], capacity); // the data disk, 8 hours after its clean-up, does fill
        var detail = await vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{logDisk.Key.Id}");
        Assert.Null(detail["forecast"]!["capacity"]!["crossingAt"]);
    }

    private static async Task<List<JsonNode>> WaitForSeriesAsync(RunningVigil vigil, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var series = (await vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]!.AsArray().Select(s => s!).ToList();
            if ((series.Count >= count && series.All(s => s["points"]!.GetValue<int>() >= MetricIngest.PointsKept)) || DateTime.UtcNow > deadline)
            {
                return series;
            }
            await Task.Delay(200);
        }
    }

    private static async Task<List<string>> AlertNamesAsync(RunningVigil vigil) =>
        [.. (await vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray().Select(a => a!["labels"]!["alertname"]!.GetValue<string>())];
}
