using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Core.Notifications;
using Vigil.Core.Store;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Hosting;

/// <summary>The hourly retention deletes notifications delivered longer ago than <c>notifications.retention</c>.</summary>
public sealed class NotificationRetentionTests
{
    [Fact]
    public async Task Delivered_notifications_older_than_the_retention_are_deleted_within_the_hour()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var vigil = await RunningVigil.StartAsync(Backend.Sqlite, """
            route:
              receiver: ops
            receivers:
              - name: ops
            notifications:
              retention: 7d
            """, time: clock);
        var store = vigil.Services.GetRequiredService<IVigilStore>();
        var now = clock.GetUtcNow();
        var changes = new ChangeSet();
        foreach (var (incident, queued) in new[] { (1L, now.AddDays(-8)), (2L, now.AddDays(-6)) })
        {
            var message = new NotificationMessage("ops", "firing", "g", incident, "t", "triggered", new Dictionary<string, string>(), []);
            NotificationOutbox.Enqueue(changes, "receiver:ops/webhook/0", message, $"key-{incident}", queued);
        }
        await store.ApplyAsync([changes]);
        var rows = await store.ListOutboxAsync(new OutboxQuery());
        var delivered = new ChangeSet();
        delivered.OutboxUpdates.AddRange(rows.Select(r => new OutboxUpdate(r.Id, OutboxStatus.Delivered, 1, now, null, now)));
        await store.ApplyAsync([delivered]);

        clock.Advance(TimeSpan.FromHours(1));

        await Eventually.TrueAsync(async () => (await store.ListOutboxAsync(new OutboxQuery())).Count == 1, TimeSpan.FromSeconds(20),
            "the 8-day-old notification deleted");
        Assert.Equal(2L, (await store.ListOutboxAsync(new OutboxQuery())).Single().IncidentId);
    }
}
