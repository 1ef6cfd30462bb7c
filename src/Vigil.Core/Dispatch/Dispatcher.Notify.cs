using System.Globalization;
using Vigil.Core.Alerts;
using Vigil.Core.Config;
using Vigil.Core.Incidents;
using Vigil.Core.Notifications;
using Vigil.Core.Store;

namespace Vigil.Core.Dispatch;

public sealed partial class Dispatcher
{
    /// <summary>
    /// Queues one outbox row per integration of the group's receiver, in the flush's own change set, so the
    /// notification commits with the incident change that caused it (or not at all).
    /// An acknowledged incident is not paged again while it fires (someone is on it, PagerDuty's semantics); its
    /// resolution still is, to integrations with <c>send_resolved</c>.
    /// </summary>
    private void QueueNotifications(GroupFlush flush, Incident incident, DateTimeOffset now, bool reminder, bool reopened, ChangeSet changes)
    {
        if (incident.Status == IncidentStatus.Acknowledged)
        {
            return;
        }
        if (ReceiverOf(incident) is not { } receiver)
        {
            return;
        }
        var message = flush.Notification(incident, now, reminder ? "reminder" : null);
        if (message.Alerts.Count == 0)
        {
            return;
        }
        // The incident id separates a new incident of the same group; a reminder or a reopening deliberately repeats an
        // identical page, so its flush time makes it a distinct one.
        var occasion = incident.Id.ToString(CultureInfo.InvariantCulture)
            + (reminder ? "/reminder@" + now.UtcTicks.ToString(CultureInfo.InvariantCulture) : "")
            + (reopened ? "/reopened@" + now.UtcTicks.ToString(CultureInfo.InvariantCulture) : "");
        Enqueue(receiver, message, occasion, now, changes);
    }

    /// <summary>
    /// Queues the resolution of an incident a person resolved by hand, in the change set that resolves it: the people
    /// on the receiver's channels hear of it as they hear of a resolution by its alerts (integrations with
    /// <c>send_resolved</c>), with who resolved it as the reason. The alerts are listed as they stand — a person may
    /// resolve an incident whose alerts still fire, and the message must not pretend they stopped.
    /// </summary>
    public void QueueResolvedByHand(Incident incident, IEnumerable<Alert> members, string actor, DateTimeOffset now, ChangeSet changes)
    {
        if (ReceiverOf(incident) is not { } receiver)
        {
            return;
        }
        var alerts = members.Select(a => NotifiedAlert.Of(a, a.IsResolvedAt(now) ? "resolved" : "firing")).ToList();
        var message = new NotificationMessage(receiver.Name, "resolved", incident.GroupKey, incident.Id, incident.Title, "resolved",
            incident.GroupLabels.ToDictionary(), alerts, $"resolved by {actor}");
        // A reopened incident resolved again is another occasion: the time keeps them apart.
        Enqueue(receiver, message, $"{incident.Id.ToString(CultureInfo.InvariantCulture)}/resolved-by-hand@{now.UtcTicks.ToString(CultureInfo.InvariantCulture)}",
            now, changes);
    }

    /// <summary>The incident's receiver, when it has integrations to send to.</summary>
    private ReceiverConfig? ReceiverOf(Incident incident) =>
        _config.Receivers.FirstOrDefault(r => r.Name == incident.Receiver) is { Channels.Count: > 0 } receiver ? receiver : null;

    /// <summary>One outbox row per integration of the receiver; a resolution only to integrations with
    /// <c>send_resolved</c> (Alertmanager's rule).</summary>
    private static void Enqueue(ReceiverConfig receiver, NotificationMessage message, string occasion, DateTimeOffset now, ChangeSet changes)
    {
        foreach (var integration in receiver.Channels)
        {
            if (message.Status == "resolved" && !integration.SendResolved)
            {
                continue;
            }
            var channel = OutboxChannels.ForReceiver(receiver.Name, integration.Id);
            NotificationOutbox.Enqueue(changes, channel, message, NotificationOutbox.DedupKey(channel, message, occasion), now);
        }
    }
}
