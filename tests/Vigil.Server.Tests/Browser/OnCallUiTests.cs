using Microsoft.Playwright;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Browser;

/// <summary>The On-call page in a real headless Chromium with the demo teams and schedules: who is on call, the
/// calendar with gaps, and a shift taken in the UI shows up in the final schedule (page and API).</summary>
public sealed class OnCallUiTests
{
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
        var shift = payments.GetByTestId("cal-entry").First;
        var owner = await shift.GetAttributeAsync("data-user");
        var taker = new[] { "alice", "bob", "carol" }.First(u => u != owner);
        await shift.ClickAsync();
        var form = page.GetByTestId("swap-form-payments-primary");
        await form.GetByTestId("swap-act-as").SelectOptionAsync(taker);
        await form.GetByTestId("swap-kind").SelectOptionAsync("take");
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
    public async Task A_picked_shift_survives_the_live_updates_of_incidents()
    {
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, demo: true);
        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        var page = chromium.Page;
        await page.GotoAsync(new Uri(vigil.Address, "/#/oncall").ToString());

        var shift = page.GetByTestId("calendar-payments-primary").GetByTestId("cal-entry").First;
        var owner = await shift.GetAttributeAsync("data-user");
        await shift.ClickAsync();
        var form = page.GetByTestId("swap-form-payments-primary");
        await Assertions.Expect(form.GetByTestId("swap-owner")).ToHaveValueAsync(owner!);
        await form.EvaluateAsync("f => { f.dataset.picked = 'yes'; }");

        // The demo's alerts become incidents once group_wait (5 s) is out; the live update that brings them reaches
        // the page at the same moment as the top bar, which then counts them.
        var triggered = page.Locator("#summary .sum-triggered strong");
        await Assertions.Expect(triggered).Not.ToHaveTextAsync("0", new() { Timeout = 60_000 });
        await Task.Delay(2_000); // room for the reload an incident change used to start (it rebuilt the form)

        await Assertions.Expect(page.Locator("[data-testid=swap-form-payments-primary][data-picked=yes]")).ToHaveCountAsync(1);
        await Assertions.Expect(form.GetByTestId("swap-owner")).ToHaveValueAsync(owner!);
        Assert.Empty(chromium.ConsoleErrors);
    }
}
