using Microsoft.Playwright;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Browser;

/// <summary>The On-call page in a real headless Chromium with the demo teams and schedules: who is on call, the
/// calendar with gaps, and a shift taken in the UI shows up in the final schedule (page and API).</summary>
public sealed class OnCallUiTests
{
    /// <summary>Clicks the first shift payments-primary shows and fills its form for <paramref name="kind"/> as another
    /// member of the team: the form, the shift's owner and that member.</summary>
    private static async Task<(ILocator Form, string? Owner, string Other)> PickFirstShiftAsync(IPage page, string kind)
    {
        var shift = page.GetByTestId("calendar-payments-primary").GetByTestId("cal-entry").First;
        var owner = await shift.GetAttributeAsync("data-user");
        var other = new[] { "alice", "bob", "carol" }.First(u => u != owner);
        await shift.ClickAsync();
        var form = page.GetByTestId("swap-form-payments-primary");
        await form.GetByTestId("swap-act-as").SelectOptionAsync(other);
        await form.GetByTestId("swap-kind").SelectOptionAsync(kind);
        return (form, owner, other);
    }

    [Fact]
    public async Task Page_shows_who_is_on_call_the_calendar_with_gaps_and_a_shift_taken_in_the_UI()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, demo: true);
        var expected = (string?)(await vigil.Client.GetJsonAsync("/api/v1/oncall?schedule=payments-primary"))["onCall"]![0]!["user"];
        Assert.NotNull(expected);

        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        var page = chromium.Page;
        await page.GotoAsync(new Uri(vigil.Address, "/").ToString());
        await page.Locator("[data-nav=oncall]").ClickAsync();

        var now = page.Locator("[data-testid=oncall-now][data-schedule=payments-primary]");
        await Assertions.Expect(now).ToHaveAttributeAsync("data-user", expected!);
        await Assertions.Expect(now).ToContainTextAsync(expected!);
        var payments = page.GetByTestId("calendar-payments-primary");
        await Assertions.Expect(payments.GetByTestId("cal-entry").First).ToBeVisibleAsync();
        // Follow-the-sun leaves weekend hours uncovered: the calendar highlights them.
        await Assertions.Expect(page.GetByTestId("calendar-platform-follow-the-sun").GetByTestId("cal-gap").First).ToBeVisibleAsync();

        // Take the first shift shown as another member of the team.
        var (form, owner, taker) = await PickFirstShiftAsync(page, "take");
        await form.GetByTestId("swap-submit").ClickAsync();

        var swapped = page.GetByTestId("calendar-payments-primary").Locator($"[data-testid=cal-entry][data-source=swap][data-user={taker}]");
        await Assertions.Expect(swapped.First).ToBeVisibleAsync();
        var from = DateTimeOffset.UtcNow.AddDays(-1).ToString("O");
        var to = DateTimeOffset.UtcNow.AddDays(15).ToString("O");
        var final = await vigil.Client.GetJsonAsync($"/api/v1/schedules/payments-primary/final?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}");
        Assert.Contains(final["entries"]!.AsArray(), e => (string?)e!["source"] == "swap" && (string?)e["user"] == taker);
        Assert.Contains(final["swaps"]!.AsArray(), s => (string?)s!["kind"] == "take" && (string?)s["from"] == owner && (string?)s["to"] == taker);
        Assert.Empty(chromium.ConsoleErrors);
    }

    [Fact]
    public async Task A_picked_shift_survives_the_live_updates_of_incidents_and_the_minute_reload()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, demo: true);
        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        var page = chromium.Page;
        await page.Clock.InstallAsync(); // time runs as usual; the test skips ahead to the page's minute reload
        await page.GotoAsync(new Uri(vigil.Address, "/#/oncall").ToString());

        var (form, owner, cover) = await PickFirstShiftAsync(page, "override");
        await Assertions.Expect(form.GetByTestId("swap-owner")).ToHaveValueAsync(owner!);
        var from = await form.GetByTestId("swap-from").InputValueAsync();
        await form.EvaluateAsync("f => { f.dataset.picked = 'yes'; }");

        // The demo's alerts become incidents once group_wait (5 s) is out; the live update that brings them reaches
        // the page at the same moment as the top bar, which then counts them.
        var triggered = page.Locator("#summary .sum-triggered strong");
        await Assertions.Expect(triggered).Not.ToHaveTextAsync("0", new() { Timeout = 60_000 });
        await Task.Delay(2_000); // room for the reload an incident change used to start (it rebuilt the form)

        await Assertions.Expect(page.Locator("[data-testid=swap-form-payments-primary][data-picked=yes]")).ToHaveCountAsync(1);
        await Assertions.Expect(form.GetByTestId("swap-owner")).ToHaveValueAsync(owner!);

        // The minute's reload rebuilds the form (the marker is gone) with the pick carried over.
        await page.Clock.FastForwardAsync("01:05");
        await Assertions.Expect(page.Locator("[data-testid=swap-form-payments-primary][data-picked=yes]")).ToHaveCountAsync(0);
        await Assertions.Expect(form.GetByTestId("swap-owner")).ToHaveValueAsync(owner!);
        await Assertions.Expect(form.GetByTestId("swap-from")).ToHaveValueAsync(from);
        await Assertions.Expect(form.GetByTestId("swap-act-as")).ToHaveValueAsync(cover);
        await Assertions.Expect(form.GetByTestId("swap-kind")).ToHaveValueAsync("override");

        // A reload that comes while the override is being sent leaves the form alone: the result lands where the user
        // looks, and Submit stays disabled until it does (a rebuilt form would have offered it again).
        await page.RouteAsync("**/api/v1/overrides", async route => { await Task.Delay(1_500); await route.ContinueAsync(); });
        await form.GetByTestId("swap-submit").ClickAsync();
        await Assertions.Expect(form.GetByTestId("swap-submit")).ToBeDisabledAsync();
        await page.Clock.FastForwardAsync("01:05");
        await Assertions.Expect(form.GetByTestId("swap-submit")).ToBeDisabledAsync();
        await Assertions.Expect(form.GetByTestId("swap-status")).ToContainTextAsync($": {cover} on call");
        await Assertions.Expect(form.GetByTestId("swap-owner")).ToHaveValueAsync("");
        Assert.Single((await vigil.Client.GetJsonAsync("/api/v1/overrides?schedule=payments-primary")).AsArray());
        Assert.Empty(chromium.ConsoleErrors);
    }

    [Fact]
    public async Task An_override_is_added_and_removed_and_a_taken_shift_given_back_in_the_UI()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, demo: true);
        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        var page = chromium.Page;
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GotoAsync(new Uri(vigil.Address, "/#/oncall").ToString());
        var calendar = page.GetByTestId("calendar-payments-primary");
        var section = page.Locator("[data-testid=oncall-schedule][data-schedule=payments-primary]");

        // Override the first shift shown with another member of the team.
        var (form, _, cover) = await PickFirstShiftAsync(page, "override");
        await form.GetByTestId("swap-submit").ClickAsync();
        await Assertions.Expect(calendar.Locator($"[data-testid=cal-entry][data-source=override][data-user={cover}]").First).ToBeVisibleAsync();
        var row = section.Locator($"[data-testid=override-row][data-user={cover}]");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        var overrides = (await vigil.Client.GetJsonAsync("/api/v1/overrides?schedule=payments-primary")).AsArray();
        var id = (string?)Assert.Single(overrides)!["id"];
        Assert.Equal(cover, (string?)overrides[0]!["user"]);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-override-id", id!);

        // Remove it (confirmed): the calendar is as before and the API lists no override.
        await row.GetByTestId("override-remove").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await Assertions.Expect(calendar.Locator("[data-testid=cal-entry][data-source=override]")).ToHaveCountAsync(0);
        Assert.Empty((await vigil.Client.GetJsonAsync("/api/v1/overrides?schedule=payments-primary")).AsArray());

        // Take the shift, then give it back: the swap is cancelled, not deleted.
        Assert.Equal(cover, (await PickFirstShiftAsync(page, "take")).Other); // the same shift, its owner's again
        await form.GetByTestId("swap-submit").ClickAsync();
        var swapRow = section.Locator($"[data-testid=swap-row][data-user={cover}]");
        await Assertions.Expect(swapRow).ToHaveCountAsync(1);
        await Assertions.Expect(calendar.Locator("[data-testid=cal-entry][data-source=swap]").First).ToBeVisibleAsync();
        await swapRow.GetByTestId("swap-cancel").ClickAsync();
        await Assertions.Expect(swapRow).ToHaveCountAsync(0);
        await Assertions.Expect(calendar.Locator("[data-testid=cal-entry][data-source=swap]")).ToHaveCountAsync(0);
        var swaps = (await vigil.Client.GetJsonAsync("/api/v1/swaps?schedule=payments-primary")).AsArray();
        Assert.Equal("cancelled", (string?)Assert.Single(swaps)!["status"]);
        Assert.Empty(chromium.ConsoleErrors);
    }
}
