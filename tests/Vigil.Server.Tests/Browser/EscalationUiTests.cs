using Microsoft.Playwright;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Browser;

/// <summary>
/// The incident page shows the escalation and the notifications it sent, and a person escalates and reassigns from it,
/// in headless Chromium.
/// </summary>
public sealed class EscalationUiTests
{
    private static string Config(Uri webhook) => $$"""
        route:
          receiver: ops
          group_by: [alertname]
          group_wait: 0s
          escalation_policy: shop
        receivers:
          - name: ops
        users:
          - name: alice
            contacts: [{webhook: "{{webhook}}alice"}]
          - name: manager
            contacts: [{webhook: "{{webhook}}manager"}]
          - name: bob
          - name: carol
            contacts: [{webhook: "{{webhook}}carol"}]
        escalation_policies:
          - name: shop
            levels:
              - delay: 30m
                targets: [{user: alice}]
              - delay: 30m
                targets: [{user: manager}]
        """;

    [Fact]
    public async Task Escalate_now_and_reassign_from_the_incident_page()
    {
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, Config(webhook.Address));
        await vigil.Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("CheckoutDown", "web-1")));
        long id = 0;
        await Eventually.TrueAsync(async () =>
        {
            id = (await vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().FirstOrDefault()?["id"]!.GetValue<long>() ?? 0;
            return id != 0;
        }, TimeSpan.FromSeconds(20), "an incident");

        await using var chromium = await HeadlessChromium.OpenAsync(vigil.AdminToken);
        var page = chromium.Page;
        await page.GotoAsync(new Uri(vigil.Address, $"/#/incidents/{id}").ToString());

        var panel = page.GetByTestId("escalation-panel");
        await Assertions.Expect(panel.GetByTestId("escalation-status")).ToContainTextAsync("shop · Escalating");
        await Assertions.Expect(page.Locator("[data-testid=timeline-entry][data-kind=escalation]", new PageLocatorOptions { HasText = "Paged alice" }))
            .ToBeVisibleAsync();

        // Alice's page went out through the outbox: the incident's notification list shows it delivered.
        await Assertions.Expect(page.Locator("[data-testid=notification-row][data-status=delivered]")).ToBeVisibleAsync();
        Assert.Equal("/alice", Assert.Single(webhook.Requests).Path);

        await panel.GetByTestId("escalate-button").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=timeline-entry]", new PageLocatorOptions { HasText = "Paged manager" })).ToBeVisibleAsync();

        // A refresh while a name is being typed (here: someone else's note, pushed by the live feed) keeps the name.
        await panel.GetByTestId("reassign-user").FillAsync("carol");
        await vigil.Client.PostOkAsync($"/api/v1/incidents/{id}/notes", new { text = "looking at the load balancer" });
        await Assertions.Expect(page.Locator("[data-testid=timeline-entry]", new PageLocatorOptions { HasText = "looking at the load balancer" })).ToBeVisibleAsync();
        await Assertions.Expect(panel.GetByTestId("reassign-user")).ToHaveValueAsync("carol");
        await panel.GetByTestId("reassign-button").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=timeline-entry]", new PageLocatorOptions { HasText = "Paged carol" })).ToBeVisibleAsync();

        var timeline = (await vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["timeline"]!.AsArray()
            .Select(e => e!["message"]!.GetValue<string>()).ToList();
        Assert.Contains(timeline, m => m.StartsWith("Paged carol (reassigned by test-admin)", StringComparison.Ordinal));
        await Assertions.Expect(panel.GetByTestId("reassign-user")).ToHaveValueAsync(""); // cleared once it went through
        Assert.Empty(chromium.ConsoleErrors);
    }
}
