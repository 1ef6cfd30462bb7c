using System.Net.Http.Json;
using Vigil.Core.Alerts;
using Vigil.Core.Security;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.RealTools;

/// <summary>
/// Durability: 10,000 alerts are sent in batches to a real `vigil serve` process, which is killed with SIGKILL right
/// after the last 2xx. After a restart every acknowledged alert must be there.
/// </summary>
public abstract class CrashTests(Backend backend)
{
    [Fact]
    public async Task Every_acknowledged_alert_survives_SIGKILL()
    {
        await using var database = await TestDatabase.CreateAsync(backend);
        var token = await RunningVigil.CreateTokenAsync(database, "crash-test", Role.Responder);
        using var vigil = await VigilProcess.StartAsync(database, token);
        var client = vigil.Client;

        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<Fingerprint>();
        const int batches = 100, batchSize = 100;
        var next = -1;
        async Task Sender()
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches)
            {
                var alerts = Enumerable.Range(b * batchSize, batchSize).Select(i => new
                {
                    labels = new Dictionary<string, string> { ["alertname"] = "CrashTest", ["instance"] = $"host-{i}", ["batch"] = $"{b}" },
                    annotations = new Dictionary<string, string> { ["summary"] = $"alert {i}" },
                }).ToList();
                using var response = await client.PostAsJsonAsync("/api/v2/alerts", alerts);
                if (response.IsSuccessStatusCode)
                {
                    foreach (var a in alerts)
                    {
                        acknowledged.Add(LabelSet.From(a.labels).Fingerprint());
                    }
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(Sender)));
        vigil.Kill();

        Assert.Equal(batches * batchSize, acknowledged.Count);
        await using var restarted = await RunningVigil.StartAsync(database, ownsDatabase: false);
        var stored = (await restarted.Client.GetJsonAsync("/api/v2/alerts?filter=alertname%3DCrashTest")).AsArray()
            .Select(a => a!["fingerprint"]!.GetValue<string>())
            .ToHashSet();
        var missing = acknowledged.Where(fp => !stored.Contains(fp.ToString())).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged alerts were lost after SIGKILL");
    }
}

public sealed class CrashOnSqlite() : CrashTests(Backend.Sqlite);

public sealed class CrashOnPostgres() : CrashTests(Backend.Postgres);
