using System.Globalization;
using System.Text;
using Vigil.Core.Security;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.RealTools;

/// <summary>
/// Durability of pushed metric samples: a real `vigil serve` process is killed with SIGKILL right after the last 2xx
/// (long before its 30 s checkpoint); after a restart every accepted sample is back in its series.
/// </summary>
public abstract class MetricsCrashTests(Backend backend)
{
    [Fact]
    public async Task Every_accepted_sample_survives_SIGKILL()
    {
        await using var database = await TestDatabase.CreateAsync(backend);
        var token = await RunningVigil.CreateTokenAsync(database, "crash-test", Role.Responder);
        using var vigil = await VigilProcess.StartAsync(database, token);
        var client = vigil.Client;

        const int seriesCount = 3, batches = 4, perBatch = 100;
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        for (var b = 0; b < batches; b++)
        {
            var samples = new List<string>();
            for (var s = 0; s < seriesCount; s++)
            {
                for (var i = 0; i < perBatch; i++)
                {
                    var at = start.AddSeconds((b * perBatch) + i).ToUnixTimeMilliseconds() / 1000.0;
                    samples.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{{\"series\":\"crash_test\",\"labels\":{{\"n\":\"{s}\"}},\"timestamp\":{at},\"value\":{40 + (i % 7)}}}"));
                }
            }
            using var content = new StringContent("{\"samples\":[" + string.Join(',', samples) + "]}", Encoding.UTF8, "application/json");
            using var response = await client.PostAsync("/api/v1/metrics", content);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
        vigil.Kill();

        await using var restarted = await RunningVigil.StartAsync(database, ownsDatabase: false);
        var series = (await restarted.Client.GetJsonAsync("/api/v1/metrics/series"))["series"]!.AsArray();
        Assert.Equal(seriesCount, series.Count);
        foreach (var entry in series)
        {
            var id = entry!["id"]!.GetValue<string>();
            var points = (await restarted.Client.GetJsonAsync($"/api/v1/metrics/series/{id}"))["points"]!.AsArray();
            Assert.Equal(batches * perBatch, points.Count);
        }
    }
}

public sealed class MetricsCrashOnSqlite() : MetricsCrashTests(Backend.Sqlite);

public sealed class MetricsCrashOnPostgres() : MetricsCrashTests(Backend.Postgres);
