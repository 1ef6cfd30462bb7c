using Vigil.Core.Incidents;
using Vigil.Core.Store;

namespace Vigil.Core.Dispatch;

/// <summary>
/// A route's <c>mute_time_intervals</c> / <c>active_time_intervals</c>, applied where Alertmanager applies them: when
/// notifications are queued. The group still flushes and its incident still opens, changes and resolves; only the rows
/// for the route's receiver are not queued, and the timeline says why. Escalation policies are not affected: they page
/// people on their own schedule and have their own time conditions.
/// </summary>
public sealed partial class Dispatcher
{
    /// <summary>
    /// Queues the flush's page (<see cref="PageFor"/>) unless the group's route is muted at <paramref name="now"/>; true
    /// when a page was queued. A muted page is recorded as muted only when the receiver would really have been told
    /// something; if the incident still fires, the group remembers that its receiver has not heard its current state.
    /// </summary>
    private bool QueueUnlessTimeMuted(AggregationGroup group, GroupFlush flush, Incident incident, List<TimelineEntry> entries, DateTimeOffset due,
        DateTimeOffset now, ChangeSet changes)
    {
        var page = PageFor(flush, incident, entries, due, now);
        if (group.Route.TimeMuteAt(now) is not { } mute)
        {
            group.HeldBy = null;
            changes.Outbox.AddRange(page);
            return page.Count > 0;
        }
        if (page.Count > 0)
        {
            changes.Timeline.Add(new TimelineEntry(incident.Id, now, TimelineKind.NotificationMuted, IncidentLifecycle.SystemActor,
                $"Notification to receiver \"{group.Route.Receiver}\" muted: its route is {mute}; "
                + (incident.Status == IncidentStatus.Resolved
                    ? "the resolution is not sent later"
                    : "its current state is sent at the first flush after the mute ends if the incident still fires unacknowledged")));
            group.HeldBy = incident.Status == IncidentStatus.Triggered ? mute.ToString() : null;
        }
        return false;
    }

    /// <summary>
    /// At a flush that records nothing new: if a page was held back by a time interval that has ended, and the incident
    /// still fires unacknowledged, sends its current state now (Alertmanager notifies at the first flush after the mute,
    /// because its notification log was not updated during it). True when the held page was settled, sent
    /// (<paramref name="sent"/>) or dropped as moot; false while there is none or the mute goes on.
    /// </summary>
    private bool ReleaseHeldNotification(AggregationGroup group, GroupFlush flush, Incident incident, DateTimeOffset due, DateTimeOffset now,
        ChangeSet changes, out bool sent)
    {
        sent = false;
        if (group.HeldBy is not { } heldBy || (incident.Status == IncidentStatus.Triggered && group.Route.TimeMuteAt(now) is not null))
        {
            return false;
        }
        group.HeldBy = null;
        if (incident.Status != IncidentStatus.Triggered)
        {
            // Acknowledged (someone is on it) or resolved meanwhile: there is nothing to page about.
            return true;
        }
        // The entry is also what this flush tells QueueNotifications it records: neither a reminder nor resolutions only,
        // so every integration gets the current state. The flush's tick makes it an outbox occasion of its own.
        var released = new TimelineEntry(incident.Id, now, TimelineKind.NotificationMuted, IncidentLifecycle.SystemActor,
            $"Mute over (its route was {heldBy}): sending the held-back state to receiver \"{group.Route.Receiver}\"");
        var page = PageFor(flush, incident, [released], due, now);
        if (page.Count == 0)
        {
            return true;
        }
        changes.Timeline.Add(released);
        foreach (var row in page)
        {
            // The reason is shown in the message; the dedup key does not cover it.
            changes.Outbox.Add(row with { Message = row.Message with { Reason = $"held back until now ({heldBy})" } });
        }
        group.LastNotifiedAt = now;
        sent = true;
        return true;
    }

    /// <summary>
    /// A resolve by hand is not announced to the receiver of a route muted at <paramref name="now"/> either; the timeline
    /// says so. True when muted.
    /// </summary>
    private bool TimeMutedForResolvedByHand(Incident incident, DateTimeOffset now, ChangeSet changes)
    {
        if (RouteOfIncident(incident) is not { } route || route.TimeMuteAt(now) is not { } mute)
        {
            return false;
        }
        changes.Timeline.Add(new TimelineEntry(incident.Id, now, TimelineKind.NotificationMuted, IncidentLifecycle.SystemActor,
            $"Notification to receiver \"{route.Receiver}\" muted: its route is {mute}; the resolution by hand is not sent later"));
        return true;
    }

    /// <summary>The route of the incident's group; matched by the whole group key, whatever a route id looks like.</summary>
    private Routing.Route? RouteOfIncident(Incident incident)
    {
        if (_groups.GetValueOrDefault(incident.GroupKey) is { } group)
        {
            return group.Route;
        }
        foreach (var route in _config.Route.All())
        {
            if (route.KeyFor(incident.GroupLabels) == incident.GroupKey)
            {
                return route;
            }
        }
        return null;
    }
}
