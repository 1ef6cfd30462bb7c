using Vigil.Core.Incidents;
using Vigil.Core.Notifications;
using Vigil.Core.Store;
using static Vigil.Storage.Tests.TestData;

namespace Vigil.Storage.Tests;

/// <summary>The notification outbox and change events: dedup on insert, leased claims, outcomes written back.</summary>
public abstract partial class StoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static NotificationMessage Message(long incident, string status = "firing") => new("ops", status, "{}:{alertname=\"Disk\"}", incident,
        "Disk on db-1", "triggered", new Dictionary<string, string> { ["alertname"] = "Disk" },
        [new NotifiedAlert(status, new Dictionary<string, string> { ["alertname"] = "Disk", ["instance"] = "db-1" },
            new Dictionary<string, string> { ["summary"] = "disk full" }, T0, T0.AddHours(1), "http://prom/graph", "0123456789abcdef")]);

    [Fact]
    public async Task Outbox_rows_are_queued_once_per_dedup_key_also_after_a_reopen()
    {
        var message = Message(7);
        var key = NotificationOutbox.DedupKey("receiver:ops/webhook/0", message);
        await Apply(Changes(c =>
        {
            NotificationOutbox.Enqueue(c, "receiver:ops/webhook/0", message, key, T0);
            NotificationOutbox.Enqueue(c, "receiver:ops/webhook/0", message, key, T0);
            c.Incidents.Add(OutboxIncident(7));
        }));
        await ReopenAsync();
        // The same page queued again (e.g. by a second replica, or after a restart) is a no-op.
        await Apply(Changes(c => NotificationOutbox.Enqueue(c, "receiver:ops/webhook/0", message, key, T0.AddSeconds(5))));

        var rows = await Store.ListOutboxAsync(new OutboxQuery(IncidentId: 7));
        var row = Assert.Single(rows);
        Assert.Equal(OutboxStatus.Pending, row.Status);
        Assert.Equal(0, row.Attempts);
        Assert.Equal(T0, row.NextAttemptAt);
        Assert.Equal(T0, row.CreatedAt);
        Assert.Equal("receiver:ops/webhook/0", row.Channel);
        Assert.Equal(message.Alerts[0].Labels["instance"], NotificationMessage.FromJson(row.Payload).Alerts[0].Labels["instance"]);
    }

    [Fact]
    public async Task Retention_deletes_finished_notifications_queued_before_the_cutoff_and_keeps_pending_ones()
    {
        // Queued at T0 + i seconds: 1 and 2 old (delivered, given up), 3 old but still pending, 4 delivered after the cut-off.
        await Apply(Changes(c =>
        {
            for (var i = 1; i <= 4; i++)
            {
                var m = Message(i);
                NotificationOutbox.Enqueue(c, "receiver:ops/webhook/0", m, NotificationOutbox.DedupKey("receiver:ops/webhook/0", m, $"{i}"), T0.AddSeconds(i));
            }
        }));
        var rows = (await Store.ListOutboxAsync(new OutboxQuery())).ToDictionary(r => r.IncidentId!.Value, r => r.Id);
        await Apply(Changes(c =>
        {
            c.OutboxUpdates.Add(new OutboxUpdate(rows[1], OutboxStatus.Delivered, 1, T0.AddSeconds(5), null, T0.AddSeconds(5)));
            c.OutboxUpdates.Add(new OutboxUpdate(rows[2], OutboxStatus.Failed, 10, T0.AddSeconds(5), "410 Gone", null));
            c.OutboxUpdates.Add(new OutboxUpdate(rows[4], OutboxStatus.Delivered, 1, T0.AddSeconds(5), null, T0.AddSeconds(5)));
        }));

        await Apply(Changes(c => c.ForgetFinishedNotificationsBefore = T0.AddSeconds(3.5)));

        Assert.Equal([3L, 4L], (await Store.ListOutboxAsync(new OutboxQuery())).Select(r => r.IncidentId!.Value).Order());
    }

    [Fact]
    public async Task Claimed_rows_are_leased_until_their_outcome_is_written_or_the_lease_expires()
    {
        await Apply(Changes(c =>
        {
            for (var i = 1; i <= 3; i++)
            {
                var m = Message(i);
                NotificationOutbox.Enqueue(c, "receiver:ops/webhook/0", m, NotificationOutbox.DedupKey("receiver:ops/webhook/0", m, $"{i}"), T0.AddSeconds(i));
            }
        }));
        Assert.Empty(await Store.ClaimOutboxAsync(T0, T0.AddMinutes(2), 10));
        var first = await Store.ClaimOutboxAsync(T0.AddSeconds(2), T0.AddMinutes(2), 10);
        Assert.Equal([1L, 2L], first.Select(r => r.IncidentId!.Value));
        // Leased: a second worker finds only the row that became due since.
        var second = await Store.ClaimOutboxAsync(T0.AddSeconds(10), T0.AddMinutes(2), 10);
        Assert.Equal([3L], second.Select(r => r.IncidentId!.Value));

        var delivered = first[0];
        var retried = first[1];
        await Apply(Changes(c =>
        {
            c.OutboxUpdates.Add(new OutboxUpdate(delivered.Id, OutboxStatus.Delivered, 1, T0.AddSeconds(3), null, T0.AddSeconds(3)));
            c.OutboxUpdates.Add(new OutboxUpdate(retried.Id, OutboxStatus.Pending, 1, T0.AddSeconds(30), "503 Service Unavailable", null));
        }));
        // The retried row is free again once due; the unfinished third one only after its lease expired.
        Assert.Empty(await Store.ClaimOutboxAsync(T0.AddSeconds(20), T0.AddMinutes(3), 10));
        var again = await Store.ClaimOutboxAsync(T0.AddSeconds(30), T0.AddMinutes(3), 10);
        Assert.Equal([retried.Id], again.Select(r => r.Id));
        Assert.Equal(1, again[0].Attempts);
        Assert.Equal("503 Service Unavailable", again[0].LastError);
        var expired = await Store.ClaimOutboxAsync(T0.AddMinutes(2), T0.AddMinutes(4), 10);
        Assert.Equal([second[0].Id], expired.Select(r => r.Id));

        var log = await Store.ListOutboxAsync(new OutboxQuery(Status: OutboxStatus.Delivered));
        Assert.Equal(T0.AddSeconds(3), Assert.Single(log).SentAt);
        Assert.Equal(3, (await Store.ListOutboxAsync(new OutboxQuery())).Count);
    }

    [Fact]
    public async Task A_row_waits_while_an_older_row_of_its_incident_and_channel_is_pending()
    {
        // Incident 7 on the webhook: a firing row, then a resolved one. Another channel of the same incident, another
        // incident on the same channel and rows without an incident are independent of them. One commit each, so the
        // ids follow this order on both backends.
        const string Webhook = "receiver:ops/webhook/0";
        await Apply(Changes(c => Queue(c, Webhook, Message(7), T0)));
        await Apply(Changes(c => NotificationOutbox.Enqueue(c, Webhook, Message(9) with { IncidentId = null }, "no-incident-1", T0)));
        await Apply(Changes(c => Queue(c, Webhook, Message(7, "resolved"), T0.AddSeconds(1))));
        await Apply(Changes(c => Queue(c, "receiver:ops/email/0", Message(7, "resolved"), T0.AddSeconds(1))));
        await Apply(Changes(c => Queue(c, Webhook, Message(8), T0.AddSeconds(1))));
        await Apply(Changes(c => NotificationOutbox.Enqueue(c, Webhook, Message(9, "resolved") with { IncidentId = null }, "no-incident-2", T0.AddSeconds(1))));
        var rows = (await Store.ListOutboxAsync(new OutboxQuery())).OrderBy(r => r.Id).Select(r => r.Id).ToList();
        var (firing, resolved) = (rows[0], rows[2]);

        var first = await Store.ClaimOutboxAsync(T0.AddSeconds(1), T0.AddMinutes(2), 10);
        Assert.Equal([firing, rows[1], rows[3], rows[4], rows[5]], first.Select(r => r.Id));

        // The firing row fails and waits out a backoff; the resolved one, due at once, still waits behind it, also
        // while the firing row is being sent again (a second worker claiming then finds nothing).
        await Apply(Changes(c => c.OutboxUpdates.Add(new OutboxUpdate(firing, OutboxStatus.Pending, 1, T0.AddSeconds(30), "503", null))));
        Assert.Empty(await Store.ClaimOutboxAsync(T0.AddSeconds(10), T0.AddMinutes(2), 10));
        var retry = await Store.ClaimOutboxAsync(T0.AddSeconds(30), T0.AddMinutes(3), 10);
        Assert.Equal([firing], retry.Select(r => r.Id));
        Assert.Empty(await Store.ClaimOutboxAsync(T0.AddSeconds(31), T0.AddMinutes(3), 10));

        // Once the firing row is no longer pending (delivered, or given up) the resolved one goes. It was not
        // superseded: both are sent, in the order they were queued (docs/decisions/012).
        await Apply(Changes(c => c.OutboxUpdates.Add(new OutboxUpdate(firing, OutboxStatus.Delivered, 2, T0.AddSeconds(32), null, T0.AddSeconds(32)))));
        var next = await Store.ClaimOutboxAsync(T0.AddSeconds(32), T0.AddMinutes(4), 10);
        Assert.Equal([resolved], next.Select(r => r.Id));
        Assert.Equal(0, next[0].Attempts);
    }

    [Fact]
    public async Task The_log_filters_by_channel_prefix_literally()
    {
        // A receiver row, then 150 escalation pages of the same incident: the newest receiver row is still found.
        await Apply(Changes(c => Queue(c, "receiver:ops/webhook/0", Message(7), T0)));
        await Apply(Changes(c =>
        {
            for (var i = 0; i < 150; i++)
            {
                NotificationOutbox.Enqueue(c, $"user:alice/webhook/{i}", Message(7), $"page-{i}", T0.AddSeconds(1));
            }
            NotificationOutbox.Enqueue(c, "receiver_x:ops", Message(7), "not-a-receiver", T0.AddSeconds(1));
        }));

        var receiver = Assert.Single(await Store.ListOutboxAsync(new OutboxQuery(7, Limit: 1, ChannelPrefix: OutboxChannels.ReceiverPrefix)));
        Assert.Equal("receiver:ops/webhook/0", receiver.Channel);
        // '_' is no wildcard: "receiver_" matches only that channel.
        Assert.Equal(["receiver_x:ops"], (await Store.ListOutboxAsync(new OutboxQuery(7, ChannelPrefix: "receiver_"))).Select(r => r.Channel));
        Assert.Equal(150, (await Store.ListOutboxAsync(new OutboxQuery(7, Limit: 500, ChannelPrefix: "user:"))).Count);
    }

    private static void Queue(ChangeSet changes, string channel, NotificationMessage message, DateTimeOffset at) =>
        NotificationOutbox.Enqueue(changes, channel, message, NotificationOutbox.DedupKey(channel, message, $"{message.IncidentId}"), at);

    [Fact]
    public async Task An_outcome_is_written_only_while_its_claim_still_holds_the_row()
    {
        await Apply(Changes(c =>
        {
            var m = Message(1);
            NotificationOutbox.Enqueue(c, "receiver:ops/webhook/0", m, NotificationOutbox.DedupKey("receiver:ops/webhook/0", m), T0);
        }));
        var slow = Assert.Single(await Store.ClaimOutboxAsync(T0, T0.AddMinutes(2), 10));
        // The slow worker's lease runs out; another claims the row and delivers it.
        var other = Assert.Single(await Store.ClaimOutboxAsync(T0.AddMinutes(3), T0.AddMinutes(5), 10));
        await Apply(Changes(c => c.OutboxUpdates.Add(new OutboxUpdate(other.Id, OutboxStatus.Delivered, 1, T0.AddMinutes(3), null, T0.AddMinutes(3), T0.AddMinutes(5)))));

        // The slow worker's late outcome ("503, retry") must not undo the delivery: that would page again.
        await Apply(Changes(c => c.OutboxUpdates.Add(new OutboxUpdate(slow.Id, OutboxStatus.Pending, 1, T0.AddMinutes(4), "503 Service Unavailable", null, T0.AddMinutes(2)))));

        var row = Assert.Single(await Store.ListOutboxAsync(new OutboxQuery()));
        Assert.Equal((OutboxStatus.Delivered, (string?)null, T0.AddMinutes(3)), (row.Status, row.LastError, row.SentAt));
        Assert.Empty(await Store.ClaimOutboxAsync(T0.AddMinutes(10), T0.AddMinutes(12), 10));
    }

    [Fact]
    public async Task Change_events_are_appended_and_listed_newest_first()
    {
        await Apply(Changes(c =>
        {
            c.ChangeEvents.Add(new ChangeEventRecord(0, "ci", "checkout", "Deploy v1", "github", T0, "{\"summary\":\"Deploy v1\"}", T0));
            c.ChangeEvents.Add(new ChangeEventRecord(0, "ci", "checkout", "Deploy v2", null, T0.AddMinutes(1), "{}", T0.AddMinutes(1)));
        }));
        var events = await Store.ListChangeEventsAsync(10);
        Assert.Equal(["Deploy v2", "Deploy v1"], events.Select(e => e.Summary));
        Assert.Null(events[0].Source);
        Assert.Equal("github", events[1].Source);
        Assert.Equal(T0, events[1].Timestamp);
    }

    private static Incident OutboxIncident(long id) => new(id, "{}:{alertname=\"Disk\"}", "Disk", IncidentStatus.Triggered, Severity.Critical, "P1",
        Vigil.Core.Alerts.LabelSet.Empty, "ops", T0, T0, null, null, null, null, []);
}
