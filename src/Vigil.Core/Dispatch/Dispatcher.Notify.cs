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
    /// The page this flush owes the group's receiver: one outbox row per integration, for the caller to add to the
    /// flush's own change set, so the notification commits with the incident change that caused it (or not at all);
    /// empty when there is nothing to send. An acknowledged incident is not paged again while it fires (someone is on
    /// it, PagerDuty's semantics); its resolution still is, to integrations with <c>send_resolved</c>.
    /// </summary>
    /// <param name="entries">What the flush recorded: a flush that only saw alerts resolve while the incident stays open
    /// is news only to integrations with <c>send_resolved</c> (Alertmanager's rule: the firing set did not grow).</param>
    /// <param name="due">The group's tick this flush ran for; it makes the flush an occasion of its own (below).</param>
    private List<OutboxMessage> PageFor(GroupFlush flush, Incident incident, List<TimelineEntry> entries, DateTimeOffset due, DateTimeOffset now)
    {
        if (incident.Status == IncidentStatus.Acknowledged || ReceiverOf(incident) is not { } receiver)
        {
            return [];
        }
        var reminder = entries is [{ Kind: TimelineKind.Reminder }];
        var message = flush.Notification(incident, now, reminder ? "reminder" : null);
        if (message.Alerts.Count == 0)
        {
            return [];
        }
        var onlyResolutions = entries.TrueForAll(e => e.Kind == TimelineKind.AlertResolved);
        // Each flush is its own occasion: its tick is the same on a redo after a failed commit (so a redo is not a
        // second page), while two flushes that happen to see the same alerts in the same state — an alert resolving
        // again after a reopening, firing again after it resolved — are two pages. Keyed by state alone, the later
        // one was dropped as a duplicate of the earlier (a receiver left showing "firing" for good).
        var occasion = incident.Id.ToString(CultureInfo.InvariantCulture) + "@" + due.UtcTicks.ToString(CultureInfo.InvariantCulture);
        return Rows(receiver, message, occasion, now, onlyResolutions);
    }

    /// <summary>
    /// Queues the resolution of an incident a person resolved by hand, in the change set that resolves it: the people
    /// on the receiver's channels hear of it as they hear of a resolution by its alerts (integrations with
    /// <c>send_resolved</c>), with who resolved it as the reason. The alerts are listed as they stand — a person may
    /// resolve an incident whose alerts still fire, and the message must not pretend they stopped.
    /// </summary>
    public void QueueResolvedByHand(Incident incident, IEnumerable<Alert> members, string actor, DateTimeOffset now, ChangeSet changes)
    {
        if (TimeMutedForResolvedByHand(incident, now, changes))
        {
            return;
        }
        if (ReceiverOf(incident) is not { } receiver)
        {
            return;
        }
        var alerts = members.Select(a => NotifiedAlert.Of(a, a.IsResolvedAt(now) ? "resolved" : "firing")).ToList();
        var message = new NotificationMessage(receiver.Name, "resolved", incident.GroupKey, incident.Id, incident.Title, "resolved",
            incident.GroupLabels.ToDictionary(), alerts, $"resolved by {actor}");
        // A reopened incident resolved again is another occasion: the time keeps them apart.
        changes.Outbox.AddRange(Rows(receiver, message,
            $"{incident.Id.ToString(CultureInfo.InvariantCulture)}/resolved-by-hand@{now.UtcTicks.ToString(CultureInfo.InvariantCulture)}", now));
    }

    /// <summary>The incident's receiver, when it has integrations to send to.</summary>
    private ReceiverConfig? ReceiverOf(Incident incident) =>
        _config.Receivers.FirstOrDefault(r => r.Name == incident.Receiver) is { Channels.Count: > 0 } receiver ? receiver : null;

    /// <summary>
    /// One outbox row per integration of the receiver. Integrations without <c>send_resolved</c> (Alertmanager's rule)
    /// get no resolution, no flush whose only news is resolutions (<paramref name="onlyResolutions"/>), and no resolved
    /// alerts in a firing page.
    /// </summary>
    private static List<OutboxMessage> Rows(ReceiverConfig receiver, NotificationMessage message, string occasion, DateTimeOffset now,
        bool onlyResolutions = false)
    {
        var rows = new List<OutboxMessage>(receiver.Channels.Count);
        NotificationMessage? firingOnly = null;
        foreach (var integration in receiver.Channels)
        {
            var sent = message;
            if (!integration.SendResolved)
            {
                if (message.Status == "resolved" || onlyResolutions)
                {
                    continue;
                }
                sent = firingOnly ??= message with { Alerts = message.Alerts.Where(a => a.Status != "resolved").ToList() };
                if (sent.Alerts.Count == 0)
                {
                    continue;
                }
            }
            var channel = OutboxChannels.ForReceiver(receiver.Name, integration.Id);
            rows.Add(new OutboxMessage(NotificationOutbox.DedupKey(channel, sent, occasion), channel, sent.IncidentId, sent, now));
        }
        return rows;
    }
}
