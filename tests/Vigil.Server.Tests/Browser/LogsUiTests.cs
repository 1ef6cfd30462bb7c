using System.Text;
using Microsoft.Playwright;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Browser;

/// <summary>The Logs page in a real headless Chromium: posted lines show up as patterns whose examples can be opened.</summary>
public sealed class LogsUiTests
{
    [Fact]
    public async Task Posted_logs_appear_as_patterns_with_sparklines_and_examples()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite);
        var lines = string.Join('\n', Enumerable.Range(0, 20).Select(i => $"Accepted connection from 10.0.0.{i} port {4000 + i}"))
            + "\nERROR disk /dev/sda1 is full\n";
        using (var posted = await vigil.Client.PostAsync("/api/v1/logs?source=gateway&service=edge", new StringContent(lines, Encoding.UTF8, "text/plain")))
        {
            posted.EnsureSuccessStatusCode();
        }

        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        var page = chromium.Page;

        await page.GotoAsync(new Uri(vigil.Address, "/").ToString());
        await page.Locator("[data-nav=logs]").ClickAsync();
        var source = page.Locator("[data-testid=logs-source][data-source=gateway]");
        await Assertions.Expect(source).ToBeVisibleAsync();
        var rows = source.GetByTestId("log-template-row");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        // Newest first: the error line came last.
        await Assertions.Expect(rows.First.GetByTestId("log-template-link")).ToContainTextAsync("disk");
        await Assertions.Expect(rows.First.GetByTestId("log-sparkline")).ToBeVisibleAsync();

        await page.GetByTestId("logs-sort-count").ClickAsync();
        await Assertions.Expect(rows.First.GetByTestId("log-template-link")).ToContainTextAsync("Accepted connection from");

        await rows.First.GetByTestId("log-template-link").ClickAsync();
        var detail = page.GetByTestId("log-template-detail");
        await Assertions.Expect(detail).ToBeVisibleAsync();
        await Assertions.Expect(detail.GetByTestId("log-template-count")).ToHaveTextAsync("20");
        await Assertions.Expect(detail.GetByTestId("log-example")).ToHaveCountAsync(5);
        await Assertions.Expect(detail.GetByTestId("log-example").First).ToHaveTextAsync("Accepted connection from 10.0.0.0 port 4000");
        Assert.Empty(chromium.ConsoleErrors);
    }
}
