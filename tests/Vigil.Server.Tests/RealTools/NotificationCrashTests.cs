using Vigil.Core.Security;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.RealTools;

/// <summary>
/// Durability of the outbox: a real `vigil serve` process whose webhook receiver keeps failing is killed with SIGKILL;
/// the pending notification (with its attempts) is still there after a restart, and is delivered once the receiver
/// recovers.
/// </summary>
public abstract class NotificationCrashTests(Backend backend)
{
    [Fact]
    public async Task A_pending_notification_survives_SIGKILL_and_is_delivered_after_the_restart()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.AnswerWith(Enumerable.Repeat(503, 1000).ToArray());
        await using var database = await TestDatabase.CreateAsync(backend);
        await File.WriteAllTextAsync(Path.Combine(database.DataDirectory, "vigil.yml"), $"""
            route:
              receiver: ops
              group_wait: 1s
              group_interval: 1s
            receivers:
              - name: ops
                webhook_configs:
                  - url: {receiver.Address}crash
            """);
        var token = await RunningVigil.CreateTokenAsync(database, "crash-test", Role.Admin);
        using (var vigil = await VigilProcess.StartAsync(database, token))
        {
            await vigil.Client.PostOkAsync("/api/v2/alerts", Http.Alerts(("CrashPage", "db-1")));
            await Eventually.TrueAsync(async () =>
            {
                var log = (await vigil.Client.GetJsonAsync("/api/v1/notifications")).AsArray();
                return log.Count == 1 && log[0]!["attempts"]!.GetValue<int>() >= 1;
            }, TimeSpan.FromSeconds(60), "a failed attempt is recorded");
            vigil.Kill();
        }

        receiver.AnswerOk();
        await using var restarted = await RunningVigil.StartAsync(database, ownsDatabase: false);
        var row = (await restarted.Client.GetJsonAsync("/api/v1/notifications")).AsArray().Single()!;
        // On a slow start the restarted worker may have retried (and delivered, which clears the error) already.
        if (row["status"]!.GetValue<string>() == "delivered")
        {
            Assert.True(row["attempts"]!.GetValue<int>() >= 2, "the attempt made before the kill, then the delivery");
        }
        else
        {
            Assert.True(row["attempts"]!.GetValue<int>() >= 1);
            Assert.Contains("503", row["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        // The receiver has recovered: the restarted worker retries after the row's backoff and succeeds.
        await Eventually.TrueAsync(async () =>
            (await restarted.Client.GetJsonAsync("/api/v1/notifications")).AsArray().Single()!["status"]!.GetValue<string>() == "delivered",
            TimeSpan.FromSeconds(90), "the notification is delivered after the restart");
    }
}

public sealed class NotificationCrashOnSqlite() : NotificationCrashTests(Backend.Sqlite);

public sealed class NotificationCrashOnPostgres() : NotificationCrashTests(Backend.Postgres);
