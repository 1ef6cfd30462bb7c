using System.Net;
using System.Text.Json.Nodes;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.PagerDuty;

/// <summary>
/// An event finds its alert by dedup key through the alert index's key lookup (it used to read every stored alert per
/// event): alerts loaded from storage at start are found, and of a key's resolved and firing alerts the firing one is.
/// </summary>
public abstract class PagerDutyLookupTests(Backend backend) : IAsyncLifetime
{
    private static readonly string Config = $"""
        route:
          receiver: ops
          group_by: [alertname, service]
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: ops
        integrations:
          - name: checkout-monitoring
            service: checkout
            routing_key: {PagerDutyEventsTests.CheckoutKey}
        """;

    private TestDatabase _database = null!;
    private RunningVigil _vigil = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(backend);
        _vigil = await RunningVigil.StartAsync(_database, ownsDatabase: false, Config);
    }

    public async Task DisposeAsync()
    {
        await _vigil.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Events_find_an_alert_loaded_at_start_and_the_firing_one_of_a_key()
    {
        await SendAsync("trigger");
        var first = await IncidentAsync(_ => true, "the trigger's incident");
        await _vigil.DisposeAsync();
        _vigil = await RunningVigil.StartAsync(_database, ownsDatabase: false, Config);

        await SendAsync("acknowledge");
        Assert.Equal("acknowledged", await StatusAsync(first));
        await SendAsync("resolve");
        Assert.Equal("resolved", await StatusAsync(first));

        // The key now has a resolved alert and, after this trigger, a firing one: the acknowledgement is the new one's.
        await SendAsync("trigger");
        var second = await IncidentAsync(i => i["id"]!.GetValue<long>() != first, "the new trigger's incident");
        await SendAsync("acknowledge");
        Assert.Equal("acknowledged", await StatusAsync(second));
        Assert.Equal("resolved", await StatusAsync(first));
    }

    private async Task SendAsync(string action)
    {
        using var anonymous = _vigil.NewClient(null);
        using var response = await anonymous.PostAsync("/v2/enqueue", Http.Json(new
        {
            routing_key = PagerDutyEventsTests.CheckoutKey,
            event_action = action,
            dedup_key = "checkout-errors",
            payload = new { summary = "Checkout error rate above 5%", source = "prod-checkout-1", severity = "critical" },
        }));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private async Task<long> IncidentAsync(Func<JsonNode, bool> which, string what)
    {
        long id = 0;
        await Eventually.TrueAsync(async () =>
        {
            id = (await _vigil.Client.GetJsonAsync("/api/v1/incidents")).AsArray().FirstOrDefault(i => which(i!))?["id"]!.GetValue<long>() ?? 0;
            return id != 0;
        }, TimeSpan.FromSeconds(30), what);
        return id;
    }

    private async Task<string> StatusAsync(long id) => (await _vigil.Client.GetJsonAsync($"/api/v1/incidents/{id}"))["status"]!.GetValue<string>();
}

public sealed class PagerDutyLookupOnSqlite() : PagerDutyLookupTests(Backend.Sqlite);

public sealed class PagerDutyLookupOnPostgres() : PagerDutyLookupTests(Backend.Postgres);
