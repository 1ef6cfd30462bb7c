using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.OnCall;

/// <summary>GET /api/v1/oncall on schedules a review found answered wrongly.</summary>
public sealed class OnCallReadTests
{
    /// <summary>A valid-looking config (layer start in year 1, east of UTC) made every on-call read a 500.</summary>
    [Fact]
    public async Task A_layer_starting_in_year_one_east_of_utc_is_refused_by_config_or_computed()
    {
        const string config = """
            route:
              receiver: default
            receivers:
              - name: default
            users:
              - {name: alice, full_name: Alice}
            schedules:
              - name: tokyo
                time_zone: Asia/Tokyo
                layers:
                  - {name: l, users: [alice], rotation: 12h, start: "0001-01-01 00:00"}
            """;
        RunningVigil vigil;
        try
        {
            vigil = await RunningVigil.StartAsync(Backend.Sqlite, config);
        }
        catch (Exception)
        {
            return; // refused at start with a config error: acceptable
        }
        await using (vigil)
        {
            using var response = await vigil.Client.GetAsync("/api/v1/oncall");
            Assert.True((int)response.StatusCode < 500, $"GET /api/v1/oncall → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }
}
