using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using Vigil.Analytics.Metrics;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Browser;

/// <summary>The Metrics page in a real headless Chromium: a pushed series with a spike shows up anomalous, its chart
/// has the band, the marked anomaly and the forecast cone, and the alert's source link opens that chart.</summary>
public sealed class MetricsUiTests
{
    /// <summary>Alerts become incidents after a second (the default group_wait is 30 s).</summary>
    private const string QuickIncidentsConfig = """
        route:
          receiver: default
          group_wait: 1s
        receivers:
          - name: default
        """;

    private const string CapacityConfig = """
        route:
          receiver: default
        receivers:
          - name: default
        metrics:
          capacity:
            - matchers: ['__name__="disk_used_percent"']
              threshold: 90
              horizon: 7d
        """;

    /// <summary>One JSON sample of a series with an <c>instance</c> label.</summary>
    private static string Sample(string series, string instance, DateTimeOffset at, double value) =>
        $"{{\"series\":\"{series}\",\"labels\":{{\"instance\":\"{instance}\"}},\"timestamp\":{at.ToUnixTimeSeconds()},\"value\":{value.ToString(CultureInfo.InvariantCulture)}}}";

    private static async Task PushAsync(RunningVigil vigil, IEnumerable<string> samples)
    {
        using var posted = await vigil.Client.PostAsync("/api/v1/metrics", new StringContent("{\"samples\":[" + string.Join(',', samples) + "]}", Encoding.UTF8, "application/json"));
        posted.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_spiking_series_is_listed_charted_with_its_anomaly_and_linked_from_the_alert()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, QuickIncidentsConfig);
        var now = DateTimeOffset.UtcNow;
        var random = new Random(11);
        var samples = Enumerable.Range(0, 300).Select(i => (T: now.AddSeconds(i - 300), V: 20 + random.NextDouble()))
            .Append((T: now, V: 95.0))
            .Select(p => $"{{\"series\":\"queue_depth\",\"labels\":{{\"queue\":\"orders\"}},\"timestamp\":{(p.T.ToUnixTimeMilliseconds() / 1000.0).ToString(CultureInfo.InvariantCulture)},\"value\":{p.V.ToString(CultureInfo.InvariantCulture)}}}");
        await PushAsync(vigil, samples);
        var alert = (await vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray().Single()!;
        var id = alert["annotations"]!["series_id"]!.GetValue<string>();

        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        var page = chromium.Page;

        await page.GotoAsync(new Uri(vigil.Address, "/").ToString());
        await page.Locator("[data-nav=metrics]").ClickAsync();
        var row = page.Locator($"[data-testid=metric-series-row][data-series-id='{id}']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row.GetByTestId("metric-anomalous")).ToBeVisibleAsync();
        await Assertions.Expect(row.GetByTestId("metric-last-anomaly-why")).ToHaveTextAsync(" (last: spike)");
        await Assertions.Expect(row.GetByTestId("metric-series-link")).ToContainTextAsync("queue_depth{queue=\"orders\"}");

        await row.GetByTestId("metric-series-link").ClickAsync();
        var detail = page.GetByTestId("metric-series-detail");
        await Assertions.Expect(detail).ToBeVisibleAsync();
        await Assertions.Expect(detail.GetByTestId("metric-last-value")).ToHaveTextAsync("95");
        await Assertions.Expect(detail.GetByTestId("metric-detector")).ToHaveTextAsync("lightweight");
        await Assertions.Expect(detail.GetByTestId("metric-threshold")).ToHaveTextAsync("0.56");
        // One alert so far: the next one needs 0.56 · 1.1 / (1 + 0.1 · 0.56) = 0.58 (the alert-rate damping).
        await Assertions.Expect(detail.GetByTestId("metric-recent-alerts")).ToHaveTextAsync("1.0 · the next alert needs a score of 0.58");
        var chart = detail.GetByTestId("metric-chart");
        await Assertions.Expect(chart.GetByTestId("metric-line")).ToHaveCountAsync(1);
        await Assertions.Expect(chart.GetByTestId("metric-band").First).ToBeAttachedAsync();
        await Assertions.Expect(chart.GetByTestId("metric-anomaly-marker")).ToHaveCountAsync(1);
        await Assertions.Expect(chart.GetByTestId("metric-forecast-cone")).ToHaveCountAsync(1);
        Assert.True(await chart.GetByTestId("chart-time-tick").CountAsync() >= 2, "the chart has a time axis");
        await Assertions.Expect(chart.GetByTestId("metric-now")).ToHaveCountAsync(1);

        // The readout says what the latest point was; pointing at the chart reads out the point under the pointer.
        var readout = detail.GetByTestId("metric-readout");
        await Assertions.Expect(readout).ToContainTextAsync("Latest: ");
        await Assertions.Expect(readout).ToContainTextAsync("· 95 ·");
        await Assertions.Expect(readout).ToContainTextAsync("anomaly (spike)"); // the signal in words, not the API's "Spike"
        var area = chart.GetByTestId("chart-hover-area");
        var box = await DrawnBoxAsync(area);
        await area.HoverAsync(new() { Position = new() { X = 1, Y = box.Height / 2 } });
        await Assertions.Expect(readout).ToContainTextAsync("learning (no expected range yet)"); // the first point, warming up
        await Assertions.Expect(readout).Not.ToContainTextAsync("Latest");
        await area.HoverAsync(new() { Position = new() { X = box.Width - 1, Y = box.Height / 2 } });
        await Assertions.Expect(readout).ToContainTextAsync("forecast ");
        await Assertions.Expect(readout).ToContainTextAsync("(95%: ");
        await page.Mouse.MoveAsync(0, 0);
        await Assertions.Expect(readout).ToContainTextAsync("Latest: ");

        // The incident the alert opened shows the series' chart, linked to its page.
        await Eventually.TrueAsync(async () => (await vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().Count == 1,
            TimeSpan.FromSeconds(30), "the alert opens an incident");
        var incidentId = (await vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().Single()!["id"]!.GetValue<long>();
        await page.GotoAsync(new Uri(vigil.Address, $"/#/incidents/{incidentId}").ToString());
        var onIncident = page.GetByTestId("incident-metric");
        await Assertions.Expect(onIncident).ToHaveAttributeAsync("data-series-id", id);
        await Assertions.Expect(onIncident.GetByTestId("metric-chart").GetByTestId("metric-anomaly-marker")).ToHaveCountAsync(1);
        await Assertions.Expect(onIncident.GetByTestId("incident-metric-link")).ToHaveAttributeAsync("href", $"#/metrics/{id}");
        // A live update of the incident (a note) redraws it without reading its charts again (they are a minute fresh).
        var chartReads = 0;
        page.Request += (_, request) => chartReads += request.Url.Contains($"/api/v1/metrics/series/{id}", StringComparison.Ordinal) ? 1 : 0;
        await vigil.Client.PostOkAsync($"/api/v1/incidents/{incidentId}/notes", new { text = "looking at the queue" });
        await Assertions.Expect(page.Locator("[data-testid=timeline-entry]", new() { HasText = "looking at the queue" })).ToHaveCountAsync(1);
        await Task.Delay(1_000); // room for a chart read the redraw would have started
        Assert.Equal(0, chartReads);
        await Assertions.Expect(onIncident).ToHaveAttributeAsync("data-series-id", id);
        await onIncident.GetByTestId("incident-metric-link").ClickAsync();
        detail = page.GetByTestId("metric-series-detail");
        await Assertions.Expect(detail).ToHaveAttributeAsync("data-series-id", id);

        // Relearn, confirmed: the series starts again (nothing learned), its chart stays.
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await detail.GetByTestId("metric-relearn").ClickAsync();
        await Assertions.Expect(page.GetByTestId("metric-samples")).ToHaveTextAsync("0");
        await Assertions.Expect(page.GetByTestId("metric-series-detail").GetByTestId("metric-line")).ToHaveCountAsync(1);
        Assert.Equal(0, (await vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["series"]!["samples"]!.GetValue<long>());

        // The alert's source link (generatorURL) is the chart.
        await page.Locator("[data-nav=alerts]").ClickAsync();
        var source = page.Locator($"a[href='#/metrics/{id}']").First;
        await Assertions.Expect(source).ToHaveTextAsync("Chart");
        await Assertions.Expect(source).Not.ToHaveAttributeAsync("target", "_blank"); // a page of the app opens in place
        await source.ClickAsync();
        await Assertions.Expect(page.GetByTestId("metric-series-detail")).ToHaveAttributeAsync("data-series-id", id);

        // Delete, confirmed (the test's token is an admin's): back on the list, the series is gone.
        await page.GetByTestId("metric-delete").ClickAsync();
        await Assertions.Expect(page.GetByTestId("metrics-empty")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"[data-testid=metric-series-row][data-series-id='{id}']")).ToHaveCountAsync(0);
        Assert.Equal(0, (await vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["count"]!.GetValue<int>());
        await page.GotoAsync(new Uri(vigil.Address, $"/#/incidents/{incidentId}").ToString());
        await Assertions.Expect(page.GetByTestId("incident-metric-gone")).ToContainTextAsync("no longer tracked");
        Assert.All(chromium.ConsoleErrors, e => Assert.Contains("404", e)); // the browser logs the deleted series' answer
    }

    [Fact]
    public async Task A_series_stuck_at_one_value_reads_out_as_stuck()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite);
        var now = DateTimeOffset.UtcNow;
        var random = new Random(11);
        // 300 noisy samples, then the exporter hangs: its 30th repeated reading is the flatline, and the latest point.
        var values = Enumerable.Range(0, 300).Select(_ => 20 + random.NextDouble()).Concat(Enumerable.Repeat(20.5, 30)).ToList();
        await PushAsync(vigil, values.Select((v, i) => Sample("room_temperature", "rack-3", now.AddSeconds(i - values.Count), v)));
        var id = (await vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]![0]!["id"]!.GetValue<string>();

        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        await chromium.Page.GotoAsync(new Uri(vigil.Address, $"/#/metrics/{id}").ToString());
        var detail = chromium.Page.GetByTestId("metric-series-detail");
        await Assertions.Expect(detail.GetByTestId("metric-readout")).ToContainTextAsync("anomaly (stuck at one value for longer than ever before)");
        await Assertions.Expect(detail.GetByTestId("metric-chart").GetByTestId("metric-anomaly-marker")).ToHaveCountAsync(1);
        Assert.Empty(chromium.ConsoleErrors);
    }

    [Fact]
    public async Task A_pattern_reads_out_as_the_kind_its_member_saw()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, """
            route:
              receiver: default
            receivers:
              - name: default
            metrics:
              detector: balanced
            """);
        // A cycle of 50 samples with a little noise; the balanced detector's first alert on it is a move between two
        // levels it never made before (found here with the same detector, so the last pushed sample is that alert).
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddDays(-11).ToUnixTimeSeconds()); // whole seconds, as pushed
        var random = new Random(5);
        var values = Enumerable.Range(0, 3000).Select(i => 50 + (10 * Math.Sin(2 * Math.PI * i / 50)) + (random.NextDouble() - 0.5)).ToList();
        var detector = new MetricAnomalyDetector(DetectorSettings.Balanced);
        static bool IsTransitionAlert(AnomalyScore score) =>
            score.Signal == AnomalySignal.NovelTransition && score.Score >= DetectorSettings.Balanced.AlertThreshold;
        var first = Enumerable.Range(0, values.Count).First(i => IsTransitionAlert(detector.Update(start.AddMinutes(5 * i).UtcDateTime, values[i])));
        await PushAsync(vigil, Enumerable.Range(0, first + 1).Select(i => Sample("room_temperature", "rack-3", start.AddMinutes(5 * i), values[i])));
        var id = (await vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]![0]!["id"]!.GetValue<string>();

        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        await chromium.Page.GotoAsync(new Uri(vigil.Address, $"/#/metrics/{id}").ToString());
        var detail = chromium.Page.GetByTestId("metric-series-detail");
        await Assertions.Expect(detail.GetByTestId("metric-readout")).ToContainTextAsync("anomaly (a move between levels never made before)");
        Assert.Empty(chromium.ConsoleErrors);
    }

    [Fact]
    public async Task The_series_page_follows_new_samples_but_not_while_the_pointer_reads_the_chart()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite);
        var now = DateTimeOffset.UtcNow;
        await PushAsync(vigil, Enumerable.Range(0, 30).Select(i => Sample("queue_depth", "q-1", now.AddMinutes(i - 30), 20)));
        var id = (await vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]![0]!["id"]!.GetValue<string>();

        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        var page = chromium.Page;
        await page.Clock.InstallAsync(); // time runs as usual; the test skips ahead to the page's 30 s re-read
        await page.GotoAsync(new Uri(vigil.Address, $"/#/metrics/{id}").ToString());
        var detail = page.GetByTestId("metric-series-detail");
        await Assertions.Expect(detail.GetByTestId("metric-last-value")).ToHaveTextAsync("20");
        var reads = 0;
        page.Request += (_, request) => reads += request.Url.Contains($"/api/v1/metrics/series/{id}", StringComparison.Ordinal) ? 1 : 0;
        await PushAsync(vigil, [Sample("queue_depth", "q-1", now, 42)]);

        // The pointer on the chart: the re-read waits, the readout stays.
        var area = detail.GetByTestId("metric-chart").GetByTestId("chart-hover-area");
        var box = await DrawnBoxAsync(area);
        await area.HoverAsync(new() { Position = new() { X = 1, Y = box.Height / 2 } });
        await page.Clock.FastForwardAsync("00:31");
        await Task.Delay(500); // room for the request event of a re-read the timer would have started
        Assert.Equal(0, reads);
        var readout = detail.GetByTestId("metric-readout");
        await Assertions.Expect(readout).ToContainTextAsync(" · 20 · "); // the first point, under the pointer
        await Assertions.Expect(readout).Not.ToContainTextAsync("Latest"); // a redraw would show "Latest: … · 42 · …"

        // The pointer away: the next re-read shows the new sample.
        await page.Mouse.MoveAsync(0, 0);
        await page.Clock.FastForwardAsync("00:31");
        await Assertions.Expect(detail.GetByTestId("metric-last-value")).ToHaveTextAsync("42");
        Assert.Empty(chromium.ConsoleErrors);
    }

    [Fact]
    public async Task An_incident_charts_only_the_series_its_metric_alerts_name()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, QuickIncidentsConfig);
        var now = DateTimeOffset.UtcNow;
        await PushAsync(vigil, Enumerable.Range(0, 30).Select(i => Sample("queue_depth", "q-1", now.AddMinutes(i - 29), 20)));
        var id = (await vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]![0]!["id"]!.GetValue<string>();
        // Any sender can put a series_id annotation on its own alert: that does not make it Vigil's metric alert.
        await vigil.Client.PostOkAsync("/api/v2/alerts", new[]
        {
            new { labels = new Dictionary<string, string> { ["alertname"] = "HighLatency", ["service"] = "checkout" },
                annotations = new Dictionary<string, string> { ["summary"] = "slow", ["series_id"] = id } },
        });
        await Eventually.TrueAsync(async () => (await vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().Count == 1,
            TimeSpan.FromSeconds(30), "the alert opens an incident");
        var incidentId = (await vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().Single()!["id"]!.GetValue<long>();

        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        await chromium.Page.GotoAsync(new Uri(vigil.Address, $"/#/incidents/{incidentId}").ToString());
        await Assertions.Expect(chromium.Page.GetByTestId("alert-row")).ToHaveCountAsync(1);
        await Assertions.Expect(chromium.Page.GetByTestId("incident-metrics-slot")).ToHaveAttributeAsync("data-loaded", "true");
        await Assertions.Expect(chromium.Page.GetByTestId("incident-metrics")).ToHaveCountAsync(0);
        Assert.Empty(chromium.ConsoleErrors);
    }

    [Fact]
    public async Task The_series_list_is_filtered_by_words_or_by_a_label_selector_the_server_applies_to_every_series()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        // 503 series: more than the 500 the list loads, so the page says it shows only some.
        var samples = new[] { ("queue_depth", "orders"), ("queue_depth", "emails"), ("cpu_usage", "orders") }
            .Concat(Enumerable.Range(0, 500).Select(i => ("zz_filler", $"q{i:D3}")))
            .Select(s => $"{{\"series\":\"{s.Item1}\",\"labels\":{{\"queue\":\"{s.Item2}\"}},\"timestamp\":{now},\"value\":1}}");
        await PushAsync(vigil, samples);

        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        var page = chromium.Page;
        await page.GotoAsync(new Uri(vigil.Address, "/#/metrics").ToString());
        var rows = page.GetByTestId("metric-series-row");
        await Assertions.Expect(rows).ToHaveCountAsync(500);
        await Assertions.Expect(page.GetByTestId("metric-series-more")).ToContainTextAsync("Showing 500 of 503 series");

        var search = page.GetByTestId("metric-search");
        await search.FillAsync("queue_depth emails");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("queue_depth{queue=\"emails\"}");
        Assert.Contains("q=queue_depth", page.Url, StringComparison.Ordinal); // the filter is in the address, to share or reload

        // A selector goes to the server, which looks at every series, not only the 500 loaded.
        await search.FillAsync("{queue=~\"orders|q499\"}");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("metric-series-more")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=metric-series-link]", new() { HasText = "q499" })).ToHaveCountAsync(1);

        await search.FillAsync("{queue=~\"(\"}");
        await Assertions.Expect(page.GetByTestId("metrics-bad-filter")).ToContainTextAsync("Invalid match");
        await search.FillAsync("nothing-like-this");
        await Assertions.Expect(page.GetByTestId("metrics-no-match")).ToBeVisibleAsync();

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("metric-search")).ToHaveValueAsync("nothing-like-this");
        await Assertions.Expect(page.GetByTestId("metrics-no-match")).ToBeVisibleAsync();
        Assert.All(chromium.ConsoleErrors, e => Assert.Contains("400", e)); // the browser logs the bad selector's answer
    }

    [Fact]
    public async Task A_capacity_series_shows_its_hourly_means_with_the_forecast_the_crossing_came_from()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, CapacityConfig);
        // 50 hours of one-minute samples filling 0.1 % an hour: 90 is ~50 hours away, beyond 12 hours of points.
        var now = DateTimeOffset.UtcNow;
        var samples = Enumerable.Range(0, 3000).Select(i => (T: now.AddMinutes(i - 2999), V: 80 + (0.1 * i / 60.0) + (0.05 * (i % 7) / 7)))
            .Select(p => Sample("disk_used_percent", "db-1", p.T, p.V));
        await PushAsync(vigil, samples);
        var id = (await vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]![0]!["id"]!.GetValue<string>();

        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        await chromium.Page.GotoAsync(new Uri(vigil.Address, $"/#/metrics/{id}").ToString());
        var page = chromium.Page;
        await Assertions.Expect(page.GetByTestId("metric-capacity")).ToContainTextAsync("forecast from hourly means of 2 days");
        var hourly = page.GetByTestId("metric-hourly");
        await Assertions.Expect(hourly).ToContainTextAsync("Hourly means, last 2 days");
        await Assertions.Expect(hourly.GetByTestId("metric-line")).ToHaveCountAsync(1);
        await Assertions.Expect(hourly.GetByTestId("metric-forecast-cone")).ToHaveCountAsync(1);
        await Assertions.Expect(hourly.GetByTestId("metric-capacity-threshold")).ToHaveCountAsync(1);
        var area = hourly.GetByTestId("chart-hover-area");
        var box = await DrawnBoxAsync(area);
        await area.HoverAsync(new() { Position = new() { X = 1, Y = box.Height / 2 } });
        await Assertions.Expect(hourly.GetByTestId("metric-readout")).ToContainTextAsync("mean of the hour 80");
        Assert.Empty(chromium.ConsoleErrors);
    }

    [Fact]
    public async Task A_disk_past_its_capacity_threshold_says_since_when_not_that_it_will_never_get_there()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, CapacityConfig);
        var now = DateTimeOffset.UtcNow;
        var samples = Enumerable.Range(0, 100).Select(i => (T: now.AddMinutes(i - 99), V: 80 + (0.15 * i)))
            .Select(p => Sample("disk_used_percent", "db-1", p.T, p.V));
        await PushAsync(vigil, samples);
        var id = (await vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]![0]!["id"]!.GetValue<string>();

        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        await chromium.Page.GotoAsync(new Uri(vigil.Address, $"/#/metrics/{id}").ToString());

        await Assertions.Expect(chromium.Page.GetByTestId("metric-capacity")).ToContainTextAsync("past 90 since ");
        Assert.Empty(chromium.ConsoleErrors);
    }

    /// <summary>The chart's hover area once drawn: the chart is redrawn when its series changes, and a box measured
    /// mid-redraw is null (a detached element).</summary>
    private static async Task<LocatorBoundingBoxResult> DrawnBoxAsync(ILocator area)
    {
        LocatorBoundingBoxResult? box = null;
        await Eventually.TrueAsync(async () => (box = await area.BoundingBoxAsync()) is not null, TimeSpan.FromSeconds(10), "the chart's hover area is drawn");
        return box!;
    }
}
