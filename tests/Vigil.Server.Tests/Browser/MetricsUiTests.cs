using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Browser;

/// <summary>The Metrics page in a real headless Chromium: a pushed series with a spike shows up anomalous, its chart
/// has the band, the marked anomaly and the forecast cone, and the alert's source link opens that chart.</summary>
public sealed class MetricsUiTests
{
    [Fact]
    public async Task A_spiking_series_is_listed_charted_with_its_anomaly_and_linked_from_the_alert()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite);
        var now = DateTimeOffset.UtcNow;
        var random = new Random(11);
        var samples = Enumerable.Range(0, 300).Select(i => (T: now.AddSeconds(i - 300), V: 20 + random.NextDouble()))
            .Append((T: now, V: 95.0))
            .Select(p => $"{{\"series\":\"queue_depth\",\"labels\":{{\"queue\":\"orders\"}},\"timestamp\":{(p.T.ToUnixTimeMilliseconds() / 1000.0).ToString(CultureInfo.InvariantCulture)},\"value\":{p.V.ToString(CultureInfo.InvariantCulture)}}}");
        using (var posted = await vigil.Client.PostAsync("/api/v1/metrics", new StringContent("{\"samples\":[" + string.Join(',', samples) + "]}", Encoding.UTF8, "application/json")))
        {
            posted.EnsureSuccessStatusCode();
        }
        var alert = (await vigil.Client.GetJsonAsync("/api/v2/alerts")).AsArray().Single()!;
        var id = alert["annotations"]!["series_id"]!.GetValue<string>();

        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        var page = chromium.Page;

        await page.GotoAsync(new Uri(vigil.Address, "/").ToString());
        await page.Locator("[data-nav=metrics]").ClickAsync();
        var row = page.Locator($"[data-testid=metric-series-row][data-series-id='{id}']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row.GetByTestId("metric-anomalous")).ToBeVisibleAsync();
        await Assertions.Expect(row.GetByTestId("metric-series-link")).ToContainTextAsync("queue_depth{queue=\"orders\"}");

        await row.GetByTestId("metric-series-link").ClickAsync();
        var detail = page.GetByTestId("metric-series-detail");
        await Assertions.Expect(detail).ToBeVisibleAsync();
        await Assertions.Expect(detail.GetByTestId("metric-last-value")).ToHaveTextAsync("95");
        await Assertions.Expect(detail.GetByTestId("metric-detector")).ToHaveTextAsync("lightweight");
        await Assertions.Expect(detail.GetByTestId("metric-threshold")).ToHaveTextAsync("0.07");
        var chart = detail.GetByTestId("metric-chart");
        await Assertions.Expect(chart.GetByTestId("metric-line")).ToHaveCountAsync(1);
        await Assertions.Expect(chart.GetByTestId("metric-band").First).ToBeAttachedAsync();
        await Assertions.Expect(chart.GetByTestId("metric-anomaly-marker")).ToHaveCountAsync(1);
        await Assertions.Expect(chart.GetByTestId("metric-forecast-cone")).ToHaveCountAsync(1);

        // Relearn, confirmed: the series starts again (nothing learned), its chart stays.
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await detail.GetByTestId("metric-relearn").ClickAsync();
        await Assertions.Expect(page.GetByTestId("metric-samples")).ToHaveTextAsync("0");
        await Assertions.Expect(page.GetByTestId("metric-series-detail").GetByTestId("metric-line")).ToHaveCountAsync(1);
        Assert.Equal(0, (await vigil.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["series"]!["samples"]!.GetValue<long>());

        // The alert's source link (generatorURL) is the chart.
        await page.Locator("[data-nav=alerts]").ClickAsync();
        var source = page.Locator($"a[href$='/#/metrics/{id}']").First;
        await Assertions.Expect(source).ToBeVisibleAsync();
        await page.GotoAsync(await source.GetAttributeAsync("href") ?? "");
        await Assertions.Expect(page.GetByTestId("metric-series-detail")).ToHaveAttributeAsync("data-series-id", id);

        // Delete, confirmed (the test's token is an admin's): back on the list, the series is gone.
        await page.GetByTestId("metric-delete").ClickAsync();
        await Assertions.Expect(page.GetByTestId("metrics-empty")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"[data-testid=metric-series-row][data-series-id='{id}']")).ToHaveCountAsync(0);
        Assert.Equal(0, (await vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["count"]!.GetValue<int>());
        Assert.Empty(chromium.ConsoleErrors);
    }

    [Fact]
    public async Task A_disk_past_its_capacity_threshold_says_since_when_not_that_it_will_never_get_there()
    {
        const string config = """
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
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, config);
        var now = DateTimeOffset.UtcNow;
        var samples = Enumerable.Range(0, 100).Select(i => (T: now.AddMinutes(i - 99), V: 80 + (0.15 * i)))
            .Select(p => $"{{\"series\":\"disk_used_percent\",\"labels\":{{\"instance\":\"db-1\"}},\"timestamp\":{p.T.ToUnixTimeSeconds()},\"value\":{p.V.ToString(CultureInfo.InvariantCulture)}}}");
        using (var posted = await vigil.Client.PostAsync("/api/v1/metrics", new StringContent("{\"samples\":[" + string.Join(',', samples) + "]}", Encoding.UTF8, "application/json")))
        {
            posted.EnsureSuccessStatusCode();
        }
        var id = (await vigil.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]![0]!["id"]!.GetValue<string>();

        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        await chromium.Page.GotoAsync(new Uri(vigil.Address, $"/#/metrics/{id}").ToString());

        await Assertions.Expect(chromium.Page.GetByTestId("metric-capacity")).ToContainTextAsync("past 90 since ");
        Assert.Empty(chromium.ConsoleErrors);
    }
}
