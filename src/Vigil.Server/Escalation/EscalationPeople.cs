using Vigil.Core.Config;
using Vigil.Core.Escalation;
using Vigil.Core.Incidents;
using VigilRoute = Vigil.Core.Routing.Route;
using Vigil.Core.Store;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Escalation;

/// <summary>
/// What escalation looks up at the moment a step fires, under the config in force: policies by name, the policy of an
/// incident (its route's), who is on call, team members, and how a page is recorded.
/// </summary>
public sealed class EscalationPeople(VigilConfig config, Func<string, VigilRoute?> routeOfGroup, AlertIndex alerts)
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

    /// <summary>The policy that pages for an incident: the one its route names, if any.</summary>
    public EscalationPolicy? PolicyFor(Incident incident) =>
        routeOfGroup(incident.GroupKey)?.EscalationPolicy is { } name ? Policy(name) : null;

    public EscalationContext Context(Incident incident, DateTimeOffset now, Func<string, int> cursor) => new(
        OnCall: (_, _) => [],
        TeamMembers: _ => [],
        AlertsWithin: window => CountAlertsSince(incident, now - window),
        RoundRobinCursor: cursor);

    /// <summary>Records a page in the incident's timeline.</summary>
    public void Notify(ChangeSet changes, Incident incident, EscalationNotice notice, DateTimeOffset now) =>
        changes.Timeline.Add(new TimelineEntry(incident.Id, now, TimelineKind.Escalation, IncidentLifecycle.SystemActor,
            $"Paged {notice.User} ({notice.Reason})"));

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
