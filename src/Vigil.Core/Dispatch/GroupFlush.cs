using Vigil.Core.Alerts;
using Vigil.Core.Incidents;

namespace Vigil.Core.Dispatch;

/// <summary>
/// One flush of one group: the alerts classified at <c>now</c> against what the previous flush saw, and the incident
/// changes and timeline entries that difference means.
/// </summary>
internal sealed class GroupFlush
{
    private readonly AggregationGroup _group;
    private readonly List<Alert> _alerts;
    private readonly Dictionary<Fingerprint, FlushedStatus> _current;
    private readonly List<Alert> _firing;

    private GroupFlush(AggregationGroup group, List<Alert> alerts, Dictionary<Fingerprint, FlushedStatus> current, List<Alert> firing, bool hasNewFiring)
    {
        _group = group;
        _alerts = alerts;
        _current = current;
        _firing = firing;
        HasNewFiring = hasNewFiring;
    }

    /// <summary>Some alert fires (un-muted) that did not at the previous flush: the trigger to open an incident.</summary>
    public bool HasNewFiring { get; }

    public static GroupFlush Classify(AggregationGroup group, DateTimeOffset now, Func<Alert, bool> isMuted)
    {
        // Oldest first (fingerprint breaks ties) so timelines read in order and do not depend on arrival order.
        var alerts = group.Alerts.Values.OrderBy(a => a.StartsAt).ThenBy(a => a.Fingerprint).ToList();
        var current = new Dictionary<Fingerprint, FlushedStatus>(alerts.Count);
        var firing = new List<Alert>();
        var hasNewFiring = false;
        foreach (var alert in alerts)
        {
            var status = alert.IsResolvedAt(now) ? FlushedStatus.Resolved : isMuted(alert) ? FlushedStatus.Muted : FlushedStatus.Firing;
            current[alert.Fingerprint] = status;
            if (status == FlushedStatus.Firing)
            {
                firing.Add(alert);
                hasNewFiring |= !group.Flushed.TryGetValue(alert.Fingerprint, out var previous) || previous != FlushedStatus.Firing;
            }
        }
        return new GroupFlush(group, alerts, current, firing, hasNewFiring);
    }

    public Incident Create(long id, DateTimeOffset now, List<TimelineEntry> entries)
    {
        var severity = MostSevere(_firing, null) ?? Severity.Warning;
        var title = IncidentText.Title(_group.Route, _group.GroupLabels, _firing);
        var fingerprints = new Fingerprint[_firing.Count];
        for (var i = 0; i < fingerprints.Length; i++)
        {
            fingerprints[i] = _firing[i].Fingerprint;
        }
        var incident = new Incident(id, _group.Key, title, IncidentStatus.Triggered, severity, IncidentSeverity.PriorityFor(severity),
            _group.GroupLabels, _group.Route.Receiver, now, now, null, null, null, null, fingerprints, ServiceOf(_group.GroupLabels, _firing));
        entries.Add(Entry(incident.Id, now, TimelineKind.Created, $"Incident opened: {title}"));
        foreach (var alert in _firing)
        {
            entries.Add(Entry(incident.Id, now, TimelineKind.AlertAdded, IncidentText.Added(alert)));
        }
        return incident;
    }

    /// <summary>
    /// The service an incident belongs to: the group's <c>service</c> label when the route groups by it, else the one
    /// every alert that opens the incident carries. A route grouping by alertname only (Alertmanager's common setup)
    /// still gives its incidents an owner — without this, team permissions and the owner's escalation policy silently
    /// did not apply to them. Alerts of several services (or some without one) give none: no single team owns that.
    /// </summary>
    internal static string? ServiceOf(LabelSet groupLabels, IReadOnlyList<Alert> opening)
    {
        if (groupLabels.Get(AlertLabels.Service) is { Length: > 0 } grouped)
        {
            return grouped;
        }
        string? shared = null;
        foreach (var alert in opening)
        {
            if (alert.Labels.Get(AlertLabels.Service) is not { Length: > 0 } service || (shared is not null && shared != service))
            {
                return null;
            }
            shared = service;
        }
        return shared;
    }

    public Incident Reopen(Incident incident, DateTimeOffset now, TimeSpan window, List<TimelineEntry> entries)
    {
        entries.Add(Entry(incident.Id, now, TimelineKind.Reopened,
            $"Reopened: alerts fired again within {Config.PromDuration.Format(window)} of being resolved"));
        var members = new List<Fingerprint>(incident.Alerts);
        foreach (var alert in _firing)
        {
            if (members.Contains(alert.Fingerprint))
            {
                entries.Add(Entry(incident.Id, now, TimelineKind.AlertRefired, IncidentText.Refired(alert)));
            }
            else
            {
                members.Add(alert.Fingerprint);
                entries.Add(Entry(incident.Id, now, TimelineKind.AlertAdded, IncidentText.Added(alert)));
            }
        }
        var reopened = incident with
        {
            Status = IncidentStatus.Triggered,
            ResolvedAt = null,
            ResolvedBy = null,
            AcknowledgedAt = null,
            AcknowledgedBy = null,
            UpdatedAt = now,
            Alerts = members,
        };
        return WithSeverity(reopened, MostSevere(_firing, null));
    }

    /// <summary>Records alerts joining, firing again and resolving on an open incident; auto-resolves it when none is left.</summary>
    public Incident Update(Incident incident, DateTimeOffset now, List<TimelineEntry> entries)
    {
        var members = new HashSet<Fingerprint>(incident.Alerts);
        List<Fingerprint>? joined = null;
        var resolved = 0;
        foreach (var alert in _alerts)
        {
            var fingerprint = alert.Fingerprint;
            var seenBefore = _group.Flushed.ContainsKey(fingerprint);
            switch (_current[fingerprint])
            {
                case FlushedStatus.Firing when !members.Contains(fingerprint):
                    (joined ??= []).Add(fingerprint);
                    entries.Add(Entry(incident.Id, now, TimelineKind.AlertAdded, IncidentText.Added(alert)));
                    break;
                case FlushedStatus.Firing when !seenBefore:
                    // Was resolved and dropped from the group, and now fires again.
                    entries.Add(Entry(incident.Id, now, TimelineKind.AlertRefired, IncidentText.Refired(alert)));
                    break;
                case FlushedStatus.Firing when _group.Flushed[fingerprint] == FlushedStatus.MutedLeftOut:
                    entries.Add(Entry(incident.Id, now, TimelineKind.AlertRefired, IncidentText.Unmuted(alert)));
                    break;
                case FlushedStatus.Resolved when members.Contains(fingerprint) && seenBefore:
                    resolved++;
                    entries.Add(Entry(incident.Id, now, TimelineKind.AlertResolved, IncidentText.Resolved(alert, fingerprint)));
                    break;
            }
        }
        foreach (var fingerprint in _group.Flushed.Keys.Order())
        {
            if (!_current.ContainsKey(fingerprint) && members.Contains(fingerprint))
            {
                // Deleted from the store while firing (garbage collected, or lost before a restart): it is over.
                resolved++;
                entries.Add(Entry(incident.Id, now, TimelineKind.AlertResolved, IncidentText.Resolved(null, fingerprint)));
            }
        }
        if (joined is null && entries.Count == 0 && MostSevere(_firing, members) is var same && (same is null || same == incident.Severity))
        {
            return incident;
        }
        var updated = incident with { UpdatedAt = now };
        if (joined is not null)
        {
            members.UnionWith(joined);
            updated = updated with { Alerts = [.. incident.Alerts, .. joined] };
        }
        updated = WithSeverity(updated, MostSevere(_firing, members));
        if (resolved > 0 && !AnyMemberActive(members))
        {
            updated = updated with { Status = IncidentStatus.Resolved, ResolvedAt = now, ResolvedBy = IncidentLifecycle.SystemActor };
            entries.Add(Entry(incident.Id, now, TimelineKind.AutoResolved, "All alerts resolved"));
        }
        return updated;
    }

    /// <summary>repeat_interval passed with no change while the incident waits for someone: remind (notifications stand-in).</summary>
    public bool ShouldRemind(Incident incident, DateTimeOffset? lastNotifiedAt, DateTimeOffset now) =>
        incident.Status == IncidentStatus.Triggered
        && lastNotifiedAt is { } last
        && now - last >= _group.Route.RepeatInterval
        && FiringMemberCount(incident) > 0;

    public int FiringMemberCount(Incident incident)
    {
        var count = 0;
        foreach (var alert in _firing)
        {
            if (incident.Alerts.Contains(alert.Fingerprint))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>
    /// The group as a notification: the incident's member alerts this flush saw firing or resolving (muted ones are left
    /// out, as Alertmanager leaves out silenced alerts).
    /// </summary>
    public Notifications.NotificationMessage Notification(Incident incident, DateTimeOffset now, string? reason)
    {
        var members = new HashSet<Fingerprint>(incident.Alerts);
        var alerts = new List<Notifications.NotifiedAlert>();
        foreach (var alert in _alerts)
        {
            var status = _current[alert.Fingerprint];
            if (status == FlushedStatus.Muted || !members.Contains(alert.Fingerprint))
            {
                continue;
            }
            alerts.Add(Notifications.NotifiedAlert.Of(alert, status == FlushedStatus.Resolved ? "resolved" : "firing"));
        }
        var resolved = incident.Status == IncidentStatus.Resolved;
        return new Notifications.NotificationMessage(_group.Route.Receiver, resolved ? "resolved" : "firing", _group.Key, incident.Id,
            incident.Title, incident.Status.ToString().ToLowerInvariant(), _group.GroupLabels.ToDictionary(), alerts, reason);
    }

    /// <summary>Stores what this flush saw in the group and drops resolved alerts; true when that differs from before.</summary>
    /// <param name="notified">The incident a notification of this flush went out for, if one did: its muted members
    /// were left out of it (<see cref="FlushedStatus.MutedLeftOut"/>).</param>
    public bool CommitTo(AggregationGroup group, Incident? notified)
    {
        var flushed = new Dictionary<Fingerprint, FlushedStatus>(_current.Count);
        foreach (var (fingerprint, status) in _current)
        {
            if (status == FlushedStatus.Resolved)
            {
                group.Alerts.Remove(fingerprint);
            }
            else if (status == FlushedStatus.Muted
                && ((notified is not null && notified.Alerts.Contains(fingerprint))
                    || (group.Flushed.TryGetValue(fingerprint, out var before) && before == FlushedStatus.MutedLeftOut)))
            {
                flushed[fingerprint] = FlushedStatus.MutedLeftOut;
            }
            else
            {
                flushed[fingerprint] = status;
            }
        }
        var changed = flushed.Count != group.Flushed.Count;
        foreach (var (fingerprint, status) in flushed)
        {
            changed |= !group.Flushed.TryGetValue(fingerprint, out var before) || before != status;
        }
        group.ReplaceFlushed(flushed);
        return changed;
    }

    private bool AnyMemberActive(HashSet<Fingerprint> members)
    {
        foreach (var (fingerprint, status) in _current)
        {
            if (status != FlushedStatus.Resolved && members.Contains(fingerprint))
            {
                return true;
            }
        }
        return false;
    }

    private static Severity? MostSevere(List<Alert> firing, HashSet<Fingerprint>? only)
    {
        Severity? most = null;
        foreach (var alert in firing)
        {
            if (only is null || only.Contains(alert.Fingerprint))
            {
                var severity = IncidentSeverity.Of(alert);
                most = most is null || severity < most ? severity : most;
            }
        }
        return most;
    }

    /// <summary>Follows the alerts' severity; the priority follows too unless someone set it by hand.</summary>
    private static Incident WithSeverity(Incident incident, Severity? severity)
    {
        if (severity is not { } value || value == incident.Severity)
        {
            return incident;
        }
        var priority = incident.Priority == IncidentSeverity.PriorityFor(incident.Severity) ? IncidentSeverity.PriorityFor(value) : incident.Priority;
        return incident with { Severity = value, Priority = priority };
    }

    private static TimelineEntry Entry(long incidentId, DateTimeOffset at, TimelineKind kind, string message) =>
        new(incidentId, at, kind, IncidentLifecycle.SystemActor, message);
}
