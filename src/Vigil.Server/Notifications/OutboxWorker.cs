using System.Collections.Concurrent;
using Vigil.Core.Config;
using Vigil.Core.Incidents;
using Vigil.Core.Notifications;
using Vigil.Core.Store;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Notifications;

/// <summary>
/// Sends what the outbox holds: claims due rows (leased, so another replica on the same PostgreSQL skips them), sends
/// each through its integration, and writes the outcome back together with a timeline entry on the incident
/// ("Notified …" / "Delivery … failed: 503 …") in one commit. Failures the receiver may recover from are retried with
/// backoff (<see cref="RetryPolicy"/>); each integration has a token-bucket rate limit.
/// </summary>
public sealed partial class OutboxWorker(
    IVigilStore store,
    ConfigHolder config,
    NotificationSender sender,
    OutboxSignal signal,
    TimeProvider time,
    ILogger<OutboxWorker> logger) : Hosting.ServerLoop
{
    /// <summary>How long a claim holds. A batch can take longer than that (32 receivers at the send time-out each), so
    /// a send is started only while the claim outlasts it by <see cref="CommitMargin"/>; the batch's rest is released.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>Time left on the claim after a send for writing its outcome.</summary>
    public static readonly TimeSpan CommitMargin = TimeSpan.FromSeconds(10);

    private const int BatchSize = 32;
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly RetryPolicy _retry = new(Random.Shared);

    /// <summary>Replaces the jitter source (tests use a seeded one).</summary>
    internal Random Jitter { init => _retry = new RetryPolicy(value); }

    protected override async Task RunAsync(CancellationToken stoppingToken)
    {
        WarnAboutReceiversThatGoNowhere(config.Current);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RunOnceAsync(stoppingToken) > 0)
                {
                }
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(PollInterval, time, timeout.Token);
                await Task.WhenAny(delay, signal.WaitAsync(timeout.Token));
                await timeout.CancelAsync();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Storage trouble: the rows stay pending (their leases expire) and are claimed again.
                LogWorkerFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(1), time, CancellationToken.None);
            }
        }
    }

    /// <summary>Claims and sends one batch of due rows; returns how many were claimed. Tests call this with a fake clock.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Whole milliseconds: the lease is compared when the outcome is written, and PostgreSQL keeps microseconds.
        var claimedUntil = new DateTimeOffset((now + Lease).UtcTicks / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
        var rows = await store.ClaimOutboxAsync(now, claimedUntil, BatchSize, ct);
        for (var i = 0; i < rows.Count; i++)
        {
            if (time.GetUtcNow() + NotificationSender.SendTimeout + CommitMargin > claimedUntil)
            {
                // Slow receivers used up the claim: past it another replica may claim these rows too, and a send
                // started now could finish after that — the same page twice. They are released for the next claim.
                await ReleaseAsync(rows, i, claimedUntil);
                break;
            }
            ChangeSet changes;
            try
            {
                changes = await DeliverAsync(rows[i], ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // Whatever the sender did not classify must not abort the batch: the row would keep its attempt count,
                // be claimed again at every lease expiry and hold back every row behind it. It counts as a failed attempt.
                changes = Unexpected(rows[i], ex);
            }
            await store.ApplyAsync([UnderLease(changes, claimedUntil)], ct);
        }
        return rows.Count;
    }

    /// <summary>
    /// A receiver whose integrations are all kinds Vigil does not send through (<c>pagerduty_configs</c>,
    /// <c>opsgenie_configs</c>, …) loads, so an existing alertmanager.yml works, but its pages go nowhere: said once
    /// at start. A receiver with no integrations at all is the usual way to drop alerts and is left alone.
    /// </summary>
    private void WarnAboutReceiversThatGoNowhere(VigilConfig current)
    {
        foreach (var receiver in current.Receivers.Where(r => r.Channels.Count == 0 && r.Integrations.Count > 0))
        {
            LogReceiverGoesNowhere(receiver.Name, string.Join(", ", receiver.Integrations));
        }
    }

    /// <summary>The outcome is written only while this claim still holds the row (see <see cref="OutboxUpdate"/>).</summary>
    private static ChangeSet UnderLease(ChangeSet changes, DateTimeOffset claimedUntil)
    {
        for (var i = 0; i < changes.OutboxUpdates.Count; i++)
        {
            changes.OutboxUpdates[i] = changes.OutboxUpdates[i] with { ClaimedUntil = claimedUntil };
        }
        return changes;
    }

    private async Task ReleaseAsync(IReadOnlyList<OutboxRecord> rows, int from, DateTimeOffset claimedUntil)
    {
        var changes = new ChangeSet();
        for (var i = from; i < rows.Count; i++)
        {
            var row = rows[i];
            changes.OutboxUpdates.Add(new OutboxUpdate(row.Id, row.Status, row.Attempts, row.NextAttemptAt, row.LastError, row.SentAt, claimedUntil));
        }
        LogReleased(rows.Count - from);
        await store.ApplyAsync([changes], CancellationToken.None);
    }

    private async Task<ChangeSet> DeliverAsync(OutboxRecord row, CancellationToken ct)
    {
        var current = config.Current;
        var settings = current.Notifications;
        var now = time.GetUtcNow();
        var changes = new ChangeSet();
        var integration = Resolve(current, row.Channel);
        var target = Describe(row.Channel);
        if (integration is null)
        {
            Finish(changes, row, OutboxStatus.Failed, row.Attempts, now, "the receiver or integration is no longer configured", null);
            return changes;
        }
        var (perMinute, burst) = PlatformLimits.Bucket(integration.Kind, settings.PerMinute, settings.Burst);
        var bucket = _buckets.AddOrUpdate(row.Channel,
            _ => new TokenBucket(perMinute, burst, now),
            (_, b) => b.PerMinute == perMinute && b.Burst == burst ? b : new TokenBucket(perMinute, burst, now));
        if (!bucket.TryTake(now, out var wait))
        {
            // Not an attempt: the row waits for the bucket, its attempt count unchanged.
            changes.OutboxUpdates.Add(new OutboxUpdate(row.Id, OutboxStatus.Pending, row.Attempts, now + wait, "rate limited; waiting", null));
            return changes;
        }
        NotificationMessage message;
        try
        {
            message = NotificationMessage.FromJson(row.Payload);
        }
        catch (System.Text.Json.JsonException ex)
        {
            Finish(changes, row, OutboxStatus.Failed, row.Attempts, now, "unreadable payload: " + ex.Message, null);
            return changes;
        }
        var result = await sender.SendAsync(integration, message, settings.ExternalUrl, ct);
        now = time.GetUtcNow();
        if (result.Delivered)
        {
            var attempt = row.Attempts + 1;
            LogDelivered(row.Id, target, attempt);
            Finish(changes, row, OutboxStatus.Delivered, attempt, now, null, now);
            AddTimeline(changes, row, now, TimelineKind.Notified, $"Notified {target} ({message.Status}); attempt {attempt}: {result.Detail}");
            return changes;
        }
        RecordFailure(changes, row, result, target, settings, now);
        return changes;
    }

    /// <summary>A failed attempt: retried with backoff while the policy allows it, else given up. A rate-limit
    /// answer is not counted as an attempt.</summary>
    private void RecordFailure(ChangeSet changes, OutboxRecord row, DeliveryResult result, string target, NotificationsConfig settings, DateTimeOffset now)
    {
        var attempts = result.RateLimited ? row.Attempts : row.Attempts + 1;
        var next = _retry.Next(result, attempts, row.CreatedAt, now, settings);
        var error = result.RateLimited ? RateLimitedPrefix + result.Detail : result.Detail;
        var attempt = result.RateLimited ? "rate limited by the receiver" : $"attempt {attempts}";
        LogFailed(row.Id, target, attempt, result.Detail, next is not null);
        if (next is { } retryAt)
        {
            changes.OutboxUpdates.Add(new OutboxUpdate(row.Id, OutboxStatus.Pending, attempts, retryAt, error, null));
            if (Noteworthy(row, result, attempts))
            {
                AddTimeline(changes, row, now, TimelineKind.NotificationFailed, $"Delivery to {target} failed ({attempt}): {result.Detail}; retrying at {retryAt:u}");
            }
            return;
        }
        var why = !result.Retryable ? "not retried"
            : !result.RateLimited && settings.MaxAttempts > 0 && attempts >= settings.MaxAttempts ? $"giving up after {attempts} attempt(s) (max_attempts)"
            : $"giving up: not delivered within max_age ({PromDuration.Format(settings.MaxAge)}) after {attempts} attempt(s)";
        Finish(changes, row, OutboxStatus.Failed, attempts, now, error, null);
        AddTimeline(changes, row, now, TimelineKind.NotificationFailed, $"Delivery to {target} failed ({attempt}): {result.Detail}; {why}");
    }

    private const string RateLimitedPrefix = "rate limited by the receiver: ";

    /// <summary>
    /// Whether a failure that will be retried goes on the incident's timeline. Retrying until max_age makes up to ~150
    /// attempts a day against a receiver that stays down: the timeline gets the 1st, 2nd, 4th, 8th… attempt, and any
    /// whose error differs from the last one; the log has every one.
    /// </summary>
    private static bool Noteworthy(OutboxRecord row, DeliveryResult result, int attempts)
    {
        if (result.RateLimited)
        {
            // Only the first of a run of rate-limit answers: they come as often as the receiver asks.
            return row.LastError?.StartsWith(RateLimitedPrefix, StringComparison.Ordinal) != true;
        }
        return (attempts & (attempts - 1)) == 0 || row.LastError != result.Detail;
    }

    private ChangeSet Unexpected(OutboxRecord row, Exception ex)
    {
        var current = config.Current;
        var integration = Resolve(current, row.Channel);
        string Redacted(string text) => integration is null ? text : SecretRedactor.Redact(text, integration);
        var detail = $"unexpected error ({ex.GetType().Name}): {Redacted(ex.Message)}";
        // The stack trace is for whoever fixes the bug; it goes through the redactor like every other message.
        LogUnexpected(row.Id, Describe(row.Channel), Redacted(ex.ToString()));
        var changes = new ChangeSet();
        RecordFailure(changes, row, DeliveryResult.Retry(detail), Describe(row.Channel), current.Notifications, time.GetUtcNow());
        return changes;
    }

    private static void Finish(ChangeSet changes, OutboxRecord row, OutboxStatus status, int attempts, DateTimeOffset now, string? error, DateTimeOffset? sentAt) =>
        changes.OutboxUpdates.Add(new OutboxUpdate(row.Id, status, attempts, now, error, sentAt));

    private static void AddTimeline(ChangeSet changes, OutboxRecord row, DateTimeOffset now, TimelineKind kind, string message)
    {
        if (row.IncidentId is { } id)
        {
            changes.Timeline.Add(new TimelineEntry(id, now, kind, IncidentLifecycle.SystemActor, message));
        }
    }

    internal static IntegrationConfig? Resolve(VigilConfig config, string channel)
    {
        if (OutboxChannels.TryParseUser(channel, out var user, out var kind, out var index))
        {
            // The contact must still be of the kind it was queued for: a reordered contact list must not redirect a page.
            return config.OnCall.FindUser(user) is { } found && index < found.Contacts.Count
                && Escalation.UserContacts.KindName(found.Contacts[index].Kind) == kind
                ? Escalation.UserContacts.Integration(found.Contacts[index], index, config.Smtp)
                : null;
        }
        if (!OutboxChannels.TryParseReceiver(channel, out var receiver, out var id))
        {
            return null;
        }
        return config.Receivers.FirstOrDefault(r => r.Name == receiver)?.Channels.FirstOrDefault(c => c.Id == id);
    }

    /// <summary>"receiver ops via webhook/0" or "alice via email": what the timeline and the log say (never the URL).</summary>
    internal static string Describe(string channel) =>
        OutboxChannels.TryParseReceiver(channel, out var receiver, out var id) ? $"receiver {receiver} via {id}"
        : OutboxChannels.TryParseUser(channel, out var user, out var kind, out _) ? $"{user} via {kind}"
        : channel;

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Id} delivered to {Target} (attempt {Attempts})")]
    private partial void LogDelivered(long id, string target, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id} to {Target} failed ({Attempt}): {Detail}; retry: {Retrying}")]
    private partial void LogFailed(long id, string target, string attempt, string detail, bool retrying);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification {Id} to {Target}: unexpected error while sending, counted as a failed attempt: {Exception}")]
    private partial void LogUnexpected(long id, string target, string exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiver {Receiver} has only integrations Vigil does not send through ({Integrations}): its notifications go nowhere")]
    private partial void LogReceiverGoesNowhere(string receiver, string integrations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slow receivers used up the outbox claim; {Count} notification(s) released to be claimed again")]
    private partial void LogReleased(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox worker failed; retrying")]
    private partial void LogWorkerFailed(Exception ex);
}
