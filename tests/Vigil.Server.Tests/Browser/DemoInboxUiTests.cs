using Microsoft.Playwright;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Browser;

/// <summary>
/// In headless Chromium: the demo's top bar links to its inbox, which lists what the demo's receivers and people were
/// sent, and an incident page lists its notifications as delivered. A server that is not a demo has no such link.
/// </summary>
public sealed class DemoInboxUiTests
{
    [Fact]
    public async Task The_demo_inbox_lists_the_messages_the_demo_delivered()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, demo: true);
        await using var chromium = await HeadlessChromium.OpenAsync();
        var page = chromium.Page;
        await page.GotoAsync(new Uri(vigil.Address, "/").ToString());

        await page.GetByTestId("nav-inbox").ClickAsync();

        // The seeded critical alerts are notified to oncall-pager once their 5 s group_wait is over; the page shows
        // them as they arrive, without a reload.
        var row = page.Locator("[data-testid=inbox-row][data-target=oncall-pager]").First;
        await Assertions.Expect(row).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 60_000 });
        await Assertions.Expect(row).ToContainTextAsync("[FIRING:1]");
        await Assertions.Expect(page.GetByTestId("demo-inbox")).ToContainTextAsync("http://demo-inbox.invalid/NAME");

        var incident = (await vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray()
            .First(i => i!["receiver"]!.GetValue<string>() == "oncall-pager")!["id"]!.GetValue<long>();
        await page.GotoAsync(new Uri(vigil.Address, $"/#/incidents/{incident}").ToString());
        await Assertions.Expect(page.Locator("[data-testid=notification-row][data-status=delivered]").First).ToBeVisibleAsync();
        Assert.Empty(chromium.ConsoleErrors);
    }

    [Fact]
    public async Task A_server_that_is_not_a_demo_offers_no_inbox()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite);
        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        var page = chromium.Page;
        await page.GotoAsync(new Uri(vigil.Address, "/").ToString());
        await Assertions.Expect(page.GetByTestId("summary")).ToBeVisibleAsync();

        await Assertions.Expect(page.GetByTestId("nav-inbox")).ToBeHiddenAsync();
        await page.GotoAsync(new Uri(vigil.Address, "/#/inbox").ToString());
        await Assertions.Expect(page.GetByTestId("demo-inbox")).ToContainTextAsync("does not run with --demo");
    }
}
