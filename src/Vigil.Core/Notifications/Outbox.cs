using System.Security.Cryptography;
using System.Text;
using Vigil.Core.Store;

namespace Vigil.Core.Notifications;

public enum OutboxStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>
/// A notification to queue: "send <see cref="Message"/> to <see cref="Channel"/>". Inserted in the same
/// <see cref="ChangeSet"/> as the state change that caused it; a row whose <see cref="DedupKey"/> already exists is
/// skipped, so the same page is never queued twice (also across restarts and replicas).
/// </summary>
/// <param name="Channel">Where to send: <c>receiver:NAME/KIND/INDEX</c> for a config receiver's integration (see
/// <see cref="OutboxChannels"/>); resolved to an integration and its secrets only when sending.</param>
public sealed record OutboxMessage(string DedupKey, string Channel, long? IncidentId, NotificationMessage Message, DateTimeOffset CreatedAt);

/// <summary>A stored outbox row.</summary>
public sealed record OutboxRecord(
    long Id,
    string DedupKey,
    string Channel,
    long? IncidentId,
    string Payload,
    OutboxStatus Status,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt);

/// <summary>
/// The outcome of one delivery attempt, written back to the row (and its lease released). With
/// <paramref name="ClaimedUntil"/>, the lease it was made under, it is written only while the row still holds that
/// lease: a worker whose lease ran out (and whose row another worker claimed and maybe delivered) must not overwrite
/// that one's outcome. Null writes it whatever the lease.
/// </summary>
public sealed record OutboxUpdate(long Id, OutboxStatus Status, int Attempts, DateTimeOffset NextAttemptAt, string? LastError, DateTimeOffset? SentAt,
    DateTimeOffset? ClaimedUntil = null);

/// <summary>Filter for the notification log, newest first.</summary>
/// <param name="ChannelPrefix">Only channels starting with this, e.g. <see cref="OutboxChannels.ReceiverPrefix"/>.</param>
public sealed record OutboxQuery(long? IncidentId = null, OutboxStatus? Status = null, int Limit = 100, string? ChannelPrefix = null);

/// <summary>
/// The one way to queue a notification — used by the dispatcher when a group flushes, and meant for escalation steps
/// later: build the message, pick a channel and a dedup key, and add it to the change set that commits the cause.
/// </summary>
public static class NotificationOutbox
{
    public static void Enqueue(ChangeSet changes, string channel, NotificationMessage message, string dedupKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(changes);
        changes.Outbox.Add(new OutboxMessage(dedupKey, channel, message.IncidentId, message, now));
    }

    /// <summary>
    /// (channel, group, status, alert set): the same group in the same state with the same alerts is paged once per
    /// channel. <paramref name="occasion"/> separates deliberate repeats (a repeat_interval reminder, an escalation
    /// step) from accidental ones.
    /// </summary>
    public static string DedupKey(string channel, NotificationMessage message, string occasion = "")
    {
        var text = new StringBuilder().Append(channel).Append('\n').Append(message.GroupKey).Append('\n').Append(message.Status)
            .Append('\n').Append(occasion);
        foreach (var alert in message.Alerts.OrderBy(a => a.Fingerprint, StringComparer.Ordinal))
        {
            text.Append('\n').Append(alert.Fingerprint).Append(':').Append(alert.Status);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

/// <summary>Channel names: config receivers' integrations, and users' contact methods (escalation pages).</summary>
public static class OutboxChannels
{
    /// <summary>What every config receiver's channel starts with.</summary>
    public const string ReceiverPrefix = "receiver:";
    private const string UserPrefix = "user:";

    /// <summary><c>user:NAME/KIND/INDEX</c>: the INDEX-th contact method of a user, e.g. <c>user:alice/email/0</c>.</summary>
    public static string ForUser(string user, string kind, int index) => $"{UserPrefix}{user}/{kind}/{index}";

    public static bool TryParseUser(string channel, out string user, out string kind, out int index)
    {
        user = kind = "";
        index = -1;
        if (!channel.StartsWith(UserPrefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = channel[UserPrefix.Length..];
        var last = rest.LastIndexOf('/');
        var second = last > 0 ? rest.LastIndexOf('/', last - 1) : -1;
        if (second <= 0 || !int.TryParse(rest.AsSpan(last + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index))
        {
            return false;
        }
        user = rest[..second];
        kind = rest[(second + 1)..last];
        return true;
    }

    public static string ForReceiver(string receiver, string integrationId) => $"{ReceiverPrefix}{receiver}/{integrationId}";

    /// <summary>Splits <c>receiver:NAME/KIND/INDEX</c>; receiver names may contain '/', so it splits from the right.</summary>
    public static bool TryParseReceiver(string channel, out string receiver, out string integrationId)
    {
        receiver = integrationId = "";
        if (!channel.StartsWith(ReceiverPrefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = channel[ReceiverPrefix.Length..];
        var last = rest.LastIndexOf('/');
        var second = last > 0 ? rest.LastIndexOf('/', last - 1) : -1;
        if (second <= 0)
        {
            return false;
        }
        receiver = rest[..second];
        integrationId = rest[(second + 1)..];
        return true;
    }
}
