using Vigil.Core.Alerts;
using Vigil.Core.Config;
using Vigil.Core.Escalation;
using Vigil.Core.Incidents;
using Vigil.Core.Notifications;
using Vigil.Core.OnCall;
using Vigil.Core.Store;
using Vigil.Server.Pipeline;
using VigilRoute = Vigil.Core.Routing.Route;

namespace Vigil.Server.Escalation;

/// <summary>
/// What escalation looks up at the moment a step fires, under the config in force: policies by name, the policy of an
/// incident (its route's, else its service owner's), who is on call, team members — and how a page is sent: one outbox
/// row per contact method of the user, in the same change set as the step.
/// </summary>
/// <param name="onCallNow">Who is on call on each schedule right now (looked up before the step, outside the pipeline's lock).</param>
public sealed class EscalationPeople(
    VigilConfig config, Func<string, VigilRoute?> routeOfGroup, AlertIndex alerts, IReadOnlyDictionary<string, string> onCallNow)
{
    public EscalationPolicy? Policy(string name)
    {
        foreach (var policy in config.EscalationPolicies)
        {
            if (policy.Name == name)
            {
                return policy;
            }
        }
        return null;
    }

    /// <summary>The policy that pages for an incident: its route's if the route names one, else its service owner's.</summary>
    public EscalationPolicy? PolicyFor(Incident incident)
    {
        if (routeOfGroup(incident.GroupKey)?.EscalationPolicy is { } routePolicy)
        {
            return Policy(routePolicy);
        }
        return incident.Service is { } service && config.OnCall.OwnerOf(service)?.EscalationPolicy is { } owned
            ? Policy(owned)
            : null;
    }

    public EscalationContext Context(Incident incident, DateTimeOffset now, Func<string, int> cursor) => new(
        OnCall: (schedule, _) => onCallNow.TryGetValue(schedule, out var user) ? [user] : [],
        TeamMembers: team => config.OnCall.MembersOf(team).Select(m => m.User).ToList(),
        AlertsWithin: window => CountAlertsSince(incident, now - window),
        RoundRobinCursor: cursor,
        Unreachable: Unreachable);

    /// <summary>
    /// Why a page to the user would queue nothing, or null when it queues at least one row. It chooses the contact
    /// methods exactly as <see cref="Notify"/> does, so a level is passed at once exactly when its pages would reach
    /// nobody.
    /// </summary>
    public string? Unreachable(string userName)
    {
        if (config.OnCall.FindUser(userName) is not { } user)
        {
            return NotAUser;
        }
        var (deliverable, skipped) = Contacts(user);
        return deliverable.Count > 0 ? null
            : skipped.Count > 0 ? $"{NoContactMethod} ({string.Join(", ", skipped)})"
            : "no contact methods";
    }

    /// <summary>Queues the page to each contact method of the user and records it in the timeline; true when at least
    /// one row was queued. A page is one per escalation run (<paramref name="runStartedAt"/>) and step: a reopened
    /// incident starts a new run whose steps count from 1 again, and without the run its pages had the first run's
    /// dedup keys and were dropped as repeats.</summary>
    public bool Notify(ChangeSet changes, Incident incident, EscalationNotice notice, DateTimeOffset runStartedAt, DateTimeOffset now)
    {
        string how;
        var notes = "";
        var queued = false;
        if (config.OnCall.FindUser(notice.User) is not { } user)
        {
            how = $" — nothing sent: {NotAUser}";
        }
        else
        {
            var (deliverable, skipped) = Contacts(user);
            var message = Message(incident, $"escalation: {notice.Reason}", now);
            foreach (var (index, kind) in deliverable)
            {
                var channel = OutboxChannels.ForUser(user.Name, kind, index);
                NotificationOutbox.Enqueue(changes, channel, message,
                    NotificationOutbox.DedupKey(channel, message, $"escalation {incident.Id} run {runStartedAt.UtcTicks} step {notice.Step}"), now);
            }
            queued = deliverable.Count > 0;
            how = queued ? $" via {string.Join(", ", deliverable.Select(d => d.Kind))}" : $" — nothing sent: {NoContactMethod}";
            notes = skipped.Count > 0 ? $"; skipped {string.Join(", ", skipped)}" : "";
        }
        changes.Timeline.Add(new TimelineEntry(incident.Id, now, TimelineKind.Escalation, IncidentLifecycle.SystemActor,
            $"Paged {notice.User} ({notice.Reason}){how}{notes}"));
        return queued;
    }

    private const string NotAUser = "not a user in the config";
    private const string NoContactMethod = "no contact method Vigil can deliver to";

    /// <summary>The user's contact methods a page goes to (index in the list, kind), and the others with why not.</summary>
    private (List<(int Index, string Kind)> Deliverable, List<string> Skipped) Contacts(OnCallUser user)
    {
        var deliverable = new List<(int, string)>();
        var skipped = new List<string>();
        for (var i = 0; i < user.Contacts.Count; i++)
        {
            var kind = UserContacts.KindName(user.Contacts[i].Kind);
            if (UserContacts.Undeliverable(user.Contacts[i], config.Smtp) is { } why)
            {
                skipped.Add($"{kind} ({why})");
            }
            else
            {
                deliverable.Add((i, kind));
            }
        }
        return (deliverable, skipped);
    }

    /// <summary>The page: the incident fires, and each of its alerts is listed as it stands — one that resolved while
    /// others keep the incident open is "resolved", not "firing".</summary>
    private NotificationMessage Message(Incident incident, string reason, DateTimeOffset now)
    {
        var list = new List<NotifiedAlert>(incident.Alerts.Count);
        foreach (var fingerprint in incident.Alerts)
        {
            if (alerts.Get(fingerprint) is { } alert)
            {
                list.Add(NotifiedAlert.Of(alert, alert.IsResolvedAt(now) ? "resolved" : "firing"));
            }
        }
        return new NotificationMessage(incident.Receiver, "firing", incident.GroupKey, incident.Id, incident.Title,
            incident.Status.ToString().ToLowerInvariant(), incident.GroupLabels.ToDictionary(), list, reason);
    }

    private int CountAlertsSince(Incident incident, DateTimeOffset since)
    {
        var count = 0;
        foreach (var fingerprint in incident.Alerts)
        {
            if (alerts.Get(fingerprint) is { } alert && alert.StartsAt >= since)
            {
                count++;
            }
        }
        return count;
    }
}
