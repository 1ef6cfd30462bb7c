using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Slo;

/// <summary>
/// An SLO alert is held for at least three evaluation intervals: with a fixed 5 minutes, an evaluation_interval of 10m
/// let every alert end between two rounds and fire anew at the next (a resolve/refire cycle, notifications each round).
/// </summary>
public sealed class SloAlertHoldTests
{
    [Theory]
    [InlineData("30s", 5)]
    [InlineData("10m", 30)]
    public async Task A_firing_SLO_alert_is_held_for_at_least_three_evaluation_intervals(string interval, int heldMinutes)
    {
        var directory = Directory.CreateTempSubdirectory("vigil-slo-hold-").FullName;
        try
        {
            var sloFile = Path.Combine(directory, "checkout.yaml");
            await File.WriteAllTextAsync(sloFile, SloApiTests.SloYaml);
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, $"""
                route:
                  receiver: default
                  group_by: [alertname, slo]
                receivers:
                  - name: default
                slos:
                  files: ['{sloFile}']
                  evaluation_interval: {interval}
                """, time: clock);
            var at = clock.GetUtcNow().AddMinutes(-2).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            using (var posted = await vigil.Client.PostAsync("/api/v1/sli-events", new StringContent(
                $$"""{"events":[{"slo":"checkout-availability","good":40,"total":100,"timestamp":"{{at}}"}]}""", Encoding.UTF8, "application/json")))
            {
                Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
            }

            // The next evaluation round (the fake clock moves only when told).
            clock.Advance(TimeSpan.FromMinutes(heldMinutes / 3.0));
            System.Text.Json.Nodes.JsonNode? alert = null;
            await Eventually.TrueAsync(async () =>
            {
                alert = (await vigil.Client.GetJsonAsync("/api/v2/alerts?filter=alertname%3DSloBurnRate")).AsArray().FirstOrDefault();
                return alert is not null;
            }, TimeSpan.FromSeconds(30), "a SloBurnRate alert");

            var held = alert!["endsAt"]!.GetValue<DateTimeOffset>() - alert["updatedAt"]!.GetValue<DateTimeOffset>();
            Assert.Equal(TimeSpan.FromMinutes(heldMinutes), held);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
