using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Browser;

/// <summary>
/// The SLOs page in a real headless Chromium: a service with an SLO of two objectives shows SLI, objective, budget
/// left and spent, burn rates and its change freeze at a glance; the SLO's page has each objective's numbers and a
/// burn-down chart.
/// </summary>
public sealed class SloUiTests
{
    private const string SloYaml = """
        apiVersion: openslo/v1
        kind: SLO
        metadata:
          name: checkout-availability
          displayName: Checkout availability
        spec:
          service: checkout
          description: Requests answered without a server error
          indicator:
            metadata:
              name: checkout-requests
            spec:
              ratioMetric:
                good: {metricSource: {type: Vigil}}
                total: {metricSource: {type: Vigil}}
          timeWindow:
            - duration: 30d
              isRolling: true
          objectives:
            - displayName: relaxed
              target: 0.9
            - displayName: strict
              target: 0.99
        """;

    [Fact]
    public async Task The_slo_page_shows_budgets_burn_rates_the_freeze_and_a_burn_down_chart()
    {
        var dir = Directory.CreateTempSubdirectory("vigil-slo-ui-").FullName;
        try
        {
            var file = Path.Combine(dir, "slos.yaml");
            await File.WriteAllTextAsync(file, SloYaml);
            await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, $"""
                route:
                  receiver: default
                receivers:
                  - name: default
                slos:
                  files: ['{file}']
                  evaluation_interval: 1s
                """);
            var at = DateTimeOffset.UtcNow.AddMinutes(-2).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            using (var posted = await vigil.Client.PostAsync("/api/v1/sli-events", new StringContent(
                $$"""{"events":[{"slo":"checkout-availability","good":95,"total":100,"timestamp":"{{at}}"}]}""", Encoding.UTF8, "application/json")))
            {
                posted.EnsureSuccessStatusCode();
            }
            await Eventually.TrueAsync(async () => (await vigil.Client.GetJsonAsync("/api/v1/services/checkout/freeze"))["frozen"]!.GetValue<bool>(),
                TimeSpan.FromSeconds(30), "the checkout freeze");

            await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
            var page = chromium.Page;
            await page.GotoAsync(new Uri(vigil.Address, "/").ToString());
            await page.Locator("[data-nav=slos]").ClickAsync();

            var service = page.Locator("[data-testid=slo-service][data-service=checkout]");
            await Assertions.Expect(service).ToBeVisibleAsync();
            await Assertions.Expect(service.GetByTestId("slo-frozen")).ToContainTextAsync("change-frozen");
            var relaxed = service.Locator("[data-testid=slo-row][data-objective='0']");
            await Assertions.Expect(relaxed.GetByTestId("slo-link")).ToHaveTextAsync("Checkout availability");
            await Assertions.Expect(relaxed.GetByTestId("slo-objective")).ToHaveTextAsync("90.00%");
            await Assertions.Expect(relaxed.GetByTestId("slo-sli")).ToHaveTextAsync("95.00%");
            await Assertions.Expect(relaxed.GetByTestId("slo-budget-remaining")).ToHaveTextAsync("50.00%");
            await Assertions.Expect(relaxed.GetByTestId("slo-budget-consumed")).ToContainTextAsync("5 events of 10 events");
            await Assertions.Expect(relaxed.Locator("[data-testid=slo-burn-rate][data-window='1h']")).ToHaveTextAsync("1h0.5×");
            await Assertions.Expect(relaxed.Locator("[data-testid=slo-burn-rate][data-window='30d']")).ToHaveTextAsync("30d0.5×");
            await Assertions.Expect(relaxed.GetByTestId("slo-source-state")).ToHaveAttributeAsync("data-state", "events");
            var strict = service.Locator("[data-testid=slo-row][data-objective='1']");
            await Assertions.Expect(strict.GetByTestId("slo-budget-remaining")).ToHaveTextAsync("-400.00%");
            await Assertions.Expect(strict.GetByTestId("slo-firing")).ToHaveTextAsync("ticket");

            // Let changes through the freeze for two hours, with a reason; then revoke it (confirmed).
            page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
            await service.GetByTestId("slo-exempt-open").ClickAsync();
            await Assertions.Expect(service.GetByTestId("slo-exempt-reason")).ToBeFocusedAsync();
            await service.GetByTestId("slo-exempt-submit").ClickAsync(); // no reason: the browser asks for one, nothing is sent
            await service.GetByTestId("slo-exempt-reason").FillAsync("ship the fix of the checkout outage");
            await service.GetByTestId("slo-exempt-for").SelectOptionAsync("2h");
            await service.GetByTestId("slo-exempt-submit").ClickAsync();
            await Assertions.Expect(service.GetByTestId("slo-exempt")).ToContainTextAsync("changes exempt, ends in");
            var exempt = await vigil.Client.GetJsonAsync("/api/v1/services/checkout/freeze");
            Assert.False(exempt["frozen"]!.GetValue<bool>());
            Assert.Equal("ship the fix of the checkout outage", (string?)exempt["exemption"]!["reason"]);
            await service.GetByTestId("slo-exempt-revoke").ClickAsync();
            await Assertions.Expect(service.GetByTestId("slo-frozen")).ToContainTextAsync("change-frozen");
            Assert.True((await vigil.Client.GetJsonAsync("/api/v1/services/checkout/freeze"))["frozen"]!.GetValue<bool>());

            await relaxed.GetByTestId("slo-link").ClickAsync();
            var detail = page.GetByTestId("slo-detail");
            await Assertions.Expect(detail).ToHaveAttributeAsync("data-slo", "checkout-availability");
            var cards = page.GetByTestId("slo-objective-card");
            await Assertions.Expect(cards).ToHaveCountAsync(2);
            await Assertions.Expect(cards.First.GetByTestId("slo-detail-remaining")).ToContainTextAsync("50.00% · 5 events");
            await Assertions.Expect(cards.Nth(1).GetByTestId("slo-detail-consumed")).ToHaveTextAsync("5 events (500.00%)");
            var chart = cards.First.GetByTestId("slo-burndown");
            await Assertions.Expect(chart.GetByTestId("slo-burndown-line")).ToHaveCountAsync(1);
            await Assertions.Expect(chart.GetByTestId("slo-burndown-ideal")).ToHaveCountAsync(1);
            await Assertions.Expect(chart).ToHaveAttributeAsync("aria-label", "error budget left: 50.00% now");

            // The alerts' source link (generatorURL) is the SLO's page.
            await page.Locator("[data-nav=alerts]").ClickAsync();
            var source = page.Locator("a[href='#/slos/checkout-availability']").First;
            await Assertions.Expect(source).ToHaveTextAsync("SLO");
            await source.ClickAsync();
            await Assertions.Expect(page.GetByTestId("slo-detail")).ToHaveAttributeAsync("data-slo", "checkout-availability");
            Assert.Empty(chromium.ConsoleErrors);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
