using Vigil.Core.Alerts;
using Vigil.Core.Config;
using Vigil.Core.Incidents;
using Vigil.Core.Store;

namespace Vigil.Core.Dispatch;

public sealed partial class Dispatcher
{
    /// <summary>
    /// Flushes every group whose timer is due at <paramref name="now"/>: group_wait after a group's first alert, then
    /// every group_interval. A flush compares the group's alerts with what its previous flush saw and records the
    /// difference on the group's incident (creating, updating, auto-resolving or reopening it).
    /// </summary>
    /// <param name="isMuted">True for alerts that are silenced or inhibited now; they stay in their group but neither
    /// open incidents nor count as firing.</param>
    /// <returns>Everything to persist; empty when nothing was due or nothing changed.</returns>
    public ChangeSet Flush(DateTimeOffset now, Func<Alert, bool> isMuted) => Flush(now, isMuted, static _ => null, int.MaxValue, out _);

    /// <summary>
    /// As <see cref="Flush(DateTimeOffset, Func{Alert, bool})"/>, for a caller that must be able to commit groups one
    /// at a time: after a failed commit, one group the store refuses must not hold back every other group with it.
    /// </summary>
    /// <param name="heldUntil">When a group (by key) may be flushed again, or null: a due group held back is left as it
    /// is and comes due again then.</param>
    /// <param name="maxGroups">Flushes at most this many groups; fixing up the restored records (resolving orphans,
    /// re-keying) counts as one, under the key <see cref="OrphansKey"/> (which <paramref name="heldUntil"/> can hold
    /// back like any group's).</param>
    /// <param name="lastGroup">The key of the last group flushed (<see cref="OrphansKey"/> for the fix-up); null when
    /// nothing was flushed.</param>
    public ChangeSet Flush(DateTimeOffset now, Func<Alert, bool> isMuted, Func<string, DateTimeOffset?> heldUntil, int maxGroups, out string? lastGroup)
    {
        ArgumentNullException.ThrowIfNull(heldUntil);
        var changes = new ChangeSet();
        var flushed = 0;
        lastGroup = null;
        if ((_orphans.Count > 0 || _rekeyed.Count > 0) && !(heldUntil(OrphansKey) is { } orphansHeld && orphansHeld > now))
        {
            ResolveOrphans(now, changes);
            StoreRekeyed(changes);
            flushed++;
            lastGroup = OrphansKey;
        }
        while (flushed < maxGroups && _due.TryPeek(out var group, out var due) && due <= now)
        {
            _due.Dequeue();
            if (IsStale(group, due))
            {
                continue;
            }
            if (heldUntil(group.Key) is { } until && until > now)
            {
                Schedule(group, until);
                continue;
            }
            FlushGroup(group, due, now, isMuted, changes);
            flushed++;
            lastGroup = group.Key;
        }
        return changes;
    }

    private void FlushGroup(AggregationGroup group, DateTimeOffset due, DateTimeOffset now, Func<Alert, bool> isMuted, ChangeSet changes)
    {
        var flush = GroupFlush.Classify(group, now, isMuted);
        var incident = group.IncidentId is { } id ? _incidents.GetValueOrDefault(id) : null;
        var entries = new List<TimelineEntry>();
        var updated = incident;
        if (incident is null || incident.Status == IncidentStatus.Resolved)
        {
            if (flush.HasNewFiring)
            {
                if (incident is not null && CanReopen(incident, now))
                {
                    updated = flush.Reopen(incident, now, _config.ReopenWindow, entries);
                }
                else
                {
                    if (incident is not null)
                    {
                        _incidents.Remove(incident.Id);
                    }
                    updated = flush.Create(++LastIncidentId, now, entries);
                    group.IncidentId = updated.Id;
                }
            }
        }
        else
        {
            updated = flush.Update(incident, now, entries);
            if (entries.Count == 0 && flush.ShouldRemind(updated, group.LastNotifiedAt, now))
            {
                entries.Add(new TimelineEntry(updated.Id, now, TimelineKind.Reminder, IncidentLifecycle.SystemActor,
                    $"Still firing after {PromDuration.Format(group.Route.RepeatInterval)} without change: {flush.FiringMemberCount(updated)} alert(s)"));
                updated = updated with { UpdatedAt = now };
            }
        }

        if (updated is not null && updated.Status != IncidentStatus.Resolved && updated.Receiver != group.Route.Receiver)
        {
            // The route's receiver changed (a reload renamed it or pointed the route elsewhere): an open incident pages
            // where its route now says, as Alertmanager's rebuilt groups do, instead of a receiver that may be gone.
            changes.Timeline.Add(new TimelineEntry(updated.Id, now, TimelineKind.Note, IncidentLifecycle.SystemActor,
                $"Receiver is now {group.Route.Receiver} (was {updated.Receiver}): the route changed in a configuration reload"));
            updated = updated with { Receiver = group.Route.Receiver, UpdatedAt = now };
        }
        var stateChanged = !group.Persisted || entries.Count > 0;
        if (updated is not null && !ReferenceEquals(updated, incident))
        {
            _incidents[updated.Id] = updated;
            changes.Incidents.Add(updated);
            AddNewMembers(incident?.Id == updated.Id ? incident.Alerts : [], updated, group, changes);
            stateChanged = true;
        }
        Incident? notified = null;
        if (entries.Count > 0)
        {
            changes.Timeline.AddRange(entries);
            group.LastNotifiedAt = now;
            if (updated is not null && QueueUnlessTimeMuted(group, flush, updated, entries, due, now, changes))
            {
                notified = updated;
            }
        }
        else if (updated is not null && ReleaseHeldNotification(group, flush, updated, due, now, changes, out var released))
        {
            stateChanged = true;
            notified = released ? updated : null;
        }
        stateChanged |= flush.CommitTo(group, notified);
        group.LastFlushAt = now;

        if (group.Alerts.Count > 0)
        {
            group.Idle = false;
            Schedule(group, NextTick(due, group.Route.GroupInterval, now));
        }
        else if (updated is not null && (updated.Status != IncidentStatus.Resolved || CanReopen(updated, now)))
        {
            // Kept without alerts so the incident can still be reopened (or, if someone reopened it by hand, joined
            // by the next alert); an auto-resolved one is forgotten once the reopen window has passed.
            stateChanged |= !group.Idle;
            group.Idle = true;
            Schedule(group, updated.Status == IncidentStatus.Resolved ? updated.ResolvedAt + _config.ReopenWindow : null);
        }
        else
        {
            Remove(group);
            if (updated is not null)
            {
                _incidents.Remove(updated.Id);
            }
            if (group.Persisted)
            {
                changes.DeletedGroups.Add(group.Key);
            }
            return;
        }
        if (stateChanged)
        {
            changes.Groups.Add(group.ToRecord());
            group.Persisted = true;
        }
    }

    /// <summary>Records the alerts that joined <paramref name="updated"/> as they are now, for its page after they are collected.</summary>
    private static void AddNewMembers(IReadOnlyList<Fingerprint> before, Incident updated, AggregationGroup group, ChangeSet changes)
    {
        foreach (var fingerprint in updated.Alerts)
        {
            if (!before.Contains(fingerprint) && group.Alerts.TryGetValue(fingerprint, out var alert))
            {
                changes.IncidentMembers.Add(new IncidentMember(updated.Id, alert));
            }
        }
    }

    /// <summary>
    /// Deletes restored groups the config no longer reaches. Their open incidents are resolved: the alerts now land in
    /// other groups, which open their own incidents, and nothing would ever close these.
    /// </summary>
    private void ResolveOrphans(DateTimeOffset now, ChangeSet changes)
    {
        foreach (var (key, incidentId) in _orphans)
        {
            changes.DeletedGroups.Add(key);
            if (incidentId is { } id && _incidents.Remove(id, out var incident) && incident.Status != IncidentStatus.Resolved)
            {
                var resolved = incident with { Status = IncidentStatus.Resolved, ResolvedAt = now, ResolvedBy = IncidentLifecycle.SystemActor, UpdatedAt = now };
                changes.Incidents.Add(resolved);
                changes.Timeline.Add(new TimelineEntry(id, now, TimelineKind.AutoResolved, IncidentLifecycle.SystemActor,
                    "Resolved: its alert group no longer exists after a configuration change"));
            }
        }
        _orphans.Clear();
    }

    /// <summary>
    /// Re-stores the groups restored from records of a version that keyed groups by route position under their key,
    /// deleting the old records. Their incident's group key moves with them, so the incident and its group keep one
    /// key (the escalation policy is found by it; see docs/decisions/011-route-identity.md).
    /// </summary>
    private void StoreRekeyed(ChangeSet changes)
    {
        foreach (var group in _rekeyed)
        {
            if (group.FormerKey is not { } former)
            {
                continue;
            }
            group.FormerKey = null;
            changes.DeletedGroups.Add(former);
            if (group.Deleted)
            {
                // Flushed away while the fix-up was held back.
                continue;
            }
            changes.Groups.Add(group.ToRecord());
            if (group.IncidentId is { } id && _incidents.TryGetValue(id, out var incident) && incident.GroupKey == former)
            {
                var moved = incident with { GroupKey = group.Key };
                _incidents[id] = moved;
                changes.Incidents.Add(moved);
            }
        }
        _rekeyed.Clear();
    }

    /// <summary>
    /// Only an incident Vigil resolved itself is reopened, and only within the reopen window: a person who resolved an
    /// incident decided it was over, so new alerts deserve a fresh incident.
    /// </summary>
    private bool CanReopen(Incident incident, DateTimeOffset now) =>
        incident is { Status: IncidentStatus.Resolved, ResolvedBy: IncidentLifecycle.SystemActor, ResolvedAt: { } resolvedAt }
        && now - resolvedAt < _config.ReopenWindow;

    /// <summary>
    /// The first group_interval tick after <paramref name="now"/> on the grid that started at <paramref name="due"/>.
    /// Staying on the grid (rather than counting from the actual flush time) is what lets a restarted process resume
    /// with exactly the timers it had, even if some no-op ticks were never persisted.
    /// </summary>
    private static DateTimeOffset NextTick(DateTimeOffset due, TimeSpan interval, DateTimeOffset now)
    {
        var ticks = Math.Max(interval.Ticks, 1);
        var elapsed = (now - due).Ticks / ticks + 1;
        return due + TimeSpan.FromTicks(elapsed * ticks);
    }
}
