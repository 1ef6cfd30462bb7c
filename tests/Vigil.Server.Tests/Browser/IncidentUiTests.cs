using Microsoft.Playwright;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Browser;

/// <summary>
/// Drives the web UI in a real headless Chromium (Debian <c>chromium</c>, never Playwright's download) against a real
/// demo server: the first-start experience a new user sees.
/// </summary>
public sealed class IncidentUiTests
{
    [Fact]
    public async Task Demo_incident_can_be_opened_and_acknowledged()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, demo: true);

        await using var chromium = await HeadlessChromium.OpenAsync();
        var page = chromium.Page;

        await page.GotoAsync(new Uri(vigil.Address, "/").ToString());
        await Assertions.Expect(page.GetByTestId("demo-badge")).ToBeVisibleAsync();

        // The demo's alerts wait out group_wait (5 s) before they become incidents; the live list must show them
        // without a reload.
        var triggeredRow = page.GetByTestId("incident-row")
            .Filter(new LocatorFilterOptions { Has = page.Locator("[data-testid=incident-status]", new PageLocatorOptions { HasText = "triggered" }) })
            .First;
        await Assertions.Expect(triggeredRow).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 60_000 });
        var incidentId = await triggeredRow.GetAttributeAsync("data-incident-id");
        Assert.False(string.IsNullOrEmpty(incidentId));

        await triggeredRow.ClickAsync();
        var header = page.GetByTestId("incident-header");
        await Assertions.Expect(header).ToHaveAttributeAsync("data-incident-id", incidentId!);
        await Assertions.Expect(header.GetByTestId("incident-status")).ToHaveTextAsync("triggered");
        await Assertions.Expect(page.GetByTestId("alert-row").First).ToBeVisibleAsync();

        await page.GetByTestId("ack-button").ClickAsync();

        await Assertions.Expect(header.GetByTestId("incident-status")).ToHaveTextAsync("acknowledged");
        await Assertions.Expect(page.Locator("[data-testid=timeline-entry][data-kind=acknowledged]"))
            .ToBeVisibleAsync();

        // The change is real: the API agrees, not just the page.
        var incident = await vigil.Client.GetJsonAsync($"/api/v1/incidents/{incidentId}");
        Assert.Equal("acknowledged", incident["status"]!.GetValue<string>());
        Assert.Empty(chromium.ConsoleErrors);
    }
}
