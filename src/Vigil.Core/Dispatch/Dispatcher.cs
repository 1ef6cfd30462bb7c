using Vigil.Core.Alerts;
using Vigil.Core.Config;
using Vigil.Core.Incidents;
using Vigil.Core.Routing;
using Vigil.Core.Store;

namespace Vigil.Core.Dispatch;

/// <summary>
/// Turns alerts into incidents through Alertmanager-style aggregation groups. Pure and deterministic: time comes only
/// from <c>Flush(now)</c> and from each alert's <see cref="Alert.UpdatedAt"/> (its arrival time). Not thread-safe by
/// design: the caller serialises all calls under one lock and persists the <see cref="ChangeSet"/>s it returns.
/// </summary>
public sealed partial class Dispatcher
{
    private readonly VigilConfig _config;
    private readonly Dictionary<string, AggregationGroup> _groups = new(StringComparer.Ordinal);

    // Finds an alert's group without building its key string; the first group with a given hash wins the slot and
    // the (astronomically rare) colliding ones, counted in _collided, are found through _groups by key.
    private readonly Dictionary<(Route, ulong), AggregationGroup> _byHash = [];
    private int _collided;

    private readonly Dictionary<long, Incident> _incidents = [];

    // Lazily invalidated: an entry is stale when the group was deleted or its DueAt moved.
    private readonly PriorityQueue<AggregationGroup, DateTimeOffset> _due = new();

    private readonly List<(string Key, long? IncidentId)> _orphans = [];

    // Restored groups whose record is stored under a FormerKey.
    private readonly List<AggregationGroup> _rekeyed = [];

    /// <summary>
    /// What <see cref="Flush(DateTimeOffset, Func{Alert, bool}, Func{string, DateTimeOffset?}, int, out string?)"/>
    /// calls the fix-up of restored records, committed together: the groups no route reaches any more, resolved and
    /// deleted, and the groups an older version stored under another key, re-stored under theirs. No group's key is empty.
    /// </summary>
    public const string OrphansKey = "";
    private readonly List<Route> _routeScratch = new(4);

    /// <param name="lastIncidentId">The largest incident id ever stored; new incidents continue after it.</param>
    /// <param name="restoredGroups">The group records last persisted. Observe every stored alert afterwards.</param>
    /// <param name="incidents">All open incidents plus every incident a restored group refers to
    /// (see <see cref="ReferencedIncidentIds"/>), so a recently auto-resolved one can still be reopened.</param>
    public Dispatcher(VigilConfig config, long lastIncidentId, IEnumerable<AlertGroupRecord> restoredGroups, IEnumerable<Incident> incidents)
    {
        _config = config;
        LastIncidentId = lastIncidentId;
        foreach (var incident in incidents)
        {
            _incidents[incident.Id] = incident;
        }
        // Records of route positions (an older version's) last: if one is still stored beside its group's re-keyed
        // record (the fix-up that deletes it was held back), the newer record wins.
        var restored = restoredGroups.Select(r => (Record: r, State: GroupStateDto.FromJson(r.StateJson)))
            .OrderBy(r => r.State is { } s && RouteIdentity.IsPosition(s.RouteId));
        foreach (var (record, state) in restored)
        {
            if (AggregationGroup.FromRecord(record, state, config.Route) is not { } group)
            {
                // Unreadable, or the config changed so no alert can reach it again: resolve and delete on next flush.
                _orphans.Add((record.Key, state?.IncidentId));
                continue;
            }
            if (_groups.ContainsKey(group.Key))
            {
                // A second record of a live group can only be that stale old-version copy: deleted, its incident left
                // to the group.
                _orphans.Add((record.Key, null));
                continue;
            }
            Add(group);
            Schedule(group, group.DueAt);
            if (group.FormerKey is not null)
            {
                _rekeyed.Add(group);
            }
        }
    }

    public VigilConfig Config => _config;

    /// <summary>
    /// Restored records wait for their fix-up (see <see cref="OrphansKey"/>): the next flush commits it whether or not a
    /// group is due, so call it soon after a start or reload rather than when <see cref="NextDue"/> says.
    /// </summary>
    public bool HasRestoredFixUps => _orphans.Count > 0 || _rekeyed.Count > 0;

    /// <summary>The route of a live group (null once the group is gone), e.g. to find an incident's escalation policy.</summary>
    public Route? RouteOfGroup(string groupKey) => _groups.GetValueOrDefault(groupKey)?.Route;

    public long LastIncidentId { get; private set; }

    /// <summary>The incident ids restored group records refer to; load these (and all open incidents) at startup.</summary>
    public static IReadOnlySet<long> ReferencedIncidentIds(IEnumerable<AlertGroupRecord> records)
    {
        var ids = new HashSet<long>();
        foreach (var record in records)
        {
            if (GroupStateDto.FromJson(record.StateJson) is { IncidentId: { } id })
            {
                ids.Add(id);
            }
        }
        return ids;
    }

    /// <summary>
    /// Puts a stored alert into the group of every route it matches, replacing an earlier copy. Call for each alert
    /// after it is stored, and for every stored alert at startup. The alert's <see cref="Alert.UpdatedAt"/> is taken
    /// as its arrival time, which starts group_wait for a new group.
    /// </summary>
    public void Observe(Alert alert)
    {
        var labels = alert.Labels;
        var arrival = alert.UpdatedAt;
        var resolved = alert.IsResolvedAt(arrival);
        var fingerprint = alert.Fingerprint;
        _routeScratch.Clear();
        _config.Route.CollectMatches(labels, _routeScratch);
        for (var i = 0; i < _routeScratch.Count; i++)
        {
            var route = _routeScratch[i];
            var hash = route.GroupHash(labels);
            var group = Find(route, hash, labels);
            if (group is null)
            {
                if (resolved)
                {
                    // Never seen firing here: there is nothing to record, so no group for it.
                    continue;
                }
                var groupLabels = route.GroupLabels(labels);
                group = new AggregationGroup(route.KeyFor(groupLabels), route, groupLabels, hash);
                Add(group);
                Schedule(group, FirstFlush(alert, arrival, route));
            }
            else if (resolved && !group.Alerts.ContainsKey(fingerprint) && !group.Flushed.ContainsKey(fingerprint))
            {
                // A resend of a resolution already recorded (Prometheus repeats them for a while).
                continue;
            }
            else if (group.Idle || group.DueAt is null)
            {
                // An emptied group kept only for reopening starts over, as a new group would.
                group.Idle = false;
                Schedule(group, FirstFlush(alert, resolved ? arrival + route.GroupWait : arrival, route));
            }
            else if (group.LastFlushAt is null && !resolved && FirstFlush(alert, arrival, route) < group.DueAt)
            {
                // Not flushed yet, and this alert has waited its group_wait already.
                Schedule(group, arrival);
            }
            group.Alerts[fingerprint] = alert;
        }
    }

    /// <summary>
    /// When a group that has not flushed yet should first flush for <paramref name="alert"/>: group_wait after it
    /// arrived, or at once if it started longer than group_wait ago — Alertmanager's rule, so an alert that has
    /// already been firing for a while (Vigil restarted, a sender relays a backlog) is not held back again.
    /// </summary>
    private static DateTimeOffset FirstFlush(Alert alert, DateTimeOffset arrival, Route route) =>
        // Compared as a difference: StartsAt + GroupWait overflows for a start near the end of the calendar.
        arrival - alert.StartsAt >= route.GroupWait ? arrival : arrival + route.GroupWait;

    /// <summary>When <see cref="Flush"/> next has work; null when no group is waiting.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            while (_due.TryPeek(out var group, out var due))
            {
                if (!IsStale(group, due))
                {
                    return due;
                }
                _due.Dequeue();
            }
            return null;
        }
    }

    /// <summary>
    /// Tells the dispatcher about a manual change (see <see cref="IncidentLifecycle"/>) so later flushes build on it:
    /// a manually resolved incident is never reopened automatically, and new alerts start a new incident.
    /// </summary>
    public void Apply(Incident updated)
    {
        if (!_incidents.ContainsKey(updated.Id))
        {
            return;
        }
        _incidents[updated.Id] = updated;
        if (updated.Status != IncidentStatus.Resolved)
        {
            return;
        }
        foreach (var group in _groups.Values)
        {
            if (group.IncidentId == updated.Id && group.Alerts.Count == 0)
            {
                // An emptied group kept for a possible reopen has no purpose any more; let the next flush delete it.
                Schedule(group, updated.UpdatedAt);
            }
        }
    }

    /// <summary>
    /// The alert's group on a route, or null. Normally one hash lookup with no allocation; the key string is only built
    /// when some group lost its hash slot to a collision, which practically never happens.
    /// </summary>
    private AggregationGroup? Find(Route route, ulong hash, LabelSet labels)
    {
        if (_byHash.TryGetValue((route, hash), out var group))
        {
            if (route.InGroup(group.GroupLabels, labels))
            {
                return group;
            }
        }
        else if (_collided == 0)
        {
            return null;
        }
        return _groups.GetValueOrDefault(route.GroupKey(labels));
    }

    private void Add(AggregationGroup group)
    {
        _groups[group.Key] = group;
        if (!_byHash.TryAdd((group.Route, group.Hash), group))
        {
            _collided++;
        }
    }

    private void Remove(AggregationGroup group)
    {
        group.Deleted = true;
        _groups.Remove(group.Key);
        if (_byHash.TryGetValue((group.Route, group.Hash), out var slot) && slot == group)
        {
            _byHash.Remove((group.Route, group.Hash));
        }
        else
        {
            _collided--;
        }
    }

    private void Schedule(AggregationGroup group, DateTimeOffset? due)
    {
        group.DueAt = due;
        if (due is { } at)
        {
            _due.Enqueue(group, at);
        }
    }

    private static bool IsStale(AggregationGroup group, DateTimeOffset due) => group.Deleted || group.DueAt != due;
}
