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

    [Fact]
    public async Task A_note_sent_twice_in_a_row_is_added_once_text_typed_meanwhile_is_kept_and_opened_annotations_stay_open()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, """
            route:
              receiver: default
              group_wait: 1s
            receivers:
              - name: default
            """);
        await vigil.Client.PostOkAsync("/api/v2/alerts", new[]
        {
            new
            {
                labels = new Dictionary<string, string> { ["alertname"] = "DiskFull", ["instance"] = "db-1" },
                annotations = new Dictionary<string, string> { ["summary"] = "disk full", ["runbook_url"] = "https://runbooks.test/disk", ["owner"] = "db" },
            },
        });
        await Eventually.TrueAsync(async () => (await vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().Count == 1,
            TimeSpan.FromSeconds(30), "the alert opens an incident");
        var id = (await vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().Single()!["id"]!.GetValue<long>();

        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        var page = chromium.Page;
        // The note's answer is held back a little, as on a slow link, so that both sends happen while it is on its way.
        await page.RouteAsync("**/api/v1/incidents/*/notes", async route => { await Task.Delay(500); await route.ContinueAsync(); });
        await page.GotoAsync(new Uri(vigil.Address, $"/#/incidents/{id}").ToString());
        await page.Locator("[data-testid=alert-row] details.more summary").ClickAsync(); // "2 more annotations", opened
        var input = page.GetByTestId("note-input");
        await input.FillAsync("restarted the replica");
        await input.PressAsync("Control+Enter");
        await input.PressAsync("Control+Enter");
        await input.PressSequentiallyAsync(" next"); // typed while the note is being sent

        await Assertions.Expect(page.Locator("[data-testid=timeline-entry][data-kind=note]")).ToHaveCountAsync(1);
        await Task.Delay(1_000); // room for a second note to arrive
        var timeline = (await vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["timeline"]!.AsArray();
        Assert.Single(timeline, e => (string?)e!["kind"] == "note");
        await Assertions.Expect(input).ToHaveValueAsync("next"); // the sent note is not left in the box to be sent again
        // The note re-rendered the page, not the alert table: the opened annotations are still open.
        await Assertions.Expect(page.Locator("[data-testid=alert-row] details.more[open]")).ToHaveCountAsync(1);
        Assert.Empty(chromium.ConsoleErrors);
    }
}
