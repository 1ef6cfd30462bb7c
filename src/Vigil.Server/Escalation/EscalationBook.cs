using Vigil.Core.Config;
using Vigil.Core.Escalation;
using Vigil.Core.Incidents;
using Vigil.Core.Store;

namespace Vigil.Server.Escalation;

/// <summary>
/// The escalation state of every open incident, in memory and mirrored in the store. It never commits by itself: the
/// pipeline asks it to add its rows to the change set that changes an incident (so a new incident's first page, an
/// acknowledgement stopping escalation, or a due step and its notifications commit together), and tells it what was
/// committed. Not thread-safe: the pipeline calls it under its incident gate.
/// </summary>
public sealed class EscalationBook
{
    private const string CursorPrefix = "escalation.cursor.";

    private readonly Dictionary<long, EscalationState> _states = [];
    private readonly Dictionary<string, int> _cursors = new(StringComparer.Ordinal);

    public void Load(IEnumerable<EscalationState> states, Func<string, string?> meta, IEnumerable<EscalationPolicy> policies)
    {
        foreach (var state in states)
        {
            _states[state.IncidentId] = state;
        }
        foreach (var policy in policies)
        {
            for (var level = 0; level < policy.Levels.Count; level++)
            {
                var key = Escalator.CursorKey(policy.Name, level);
                if (int.TryParse(meta(CursorPrefix + key), out var cursor))
                {
                    _cursors[key] = cursor;
                }
            }
        }
    }

    public static IEnumerable<string> CursorMetaKeys(IEnumerable<EscalationPolicy> policies) =>
        policies.SelectMany(p => Enumerable.Range(0, p.Levels.Count).Select(level => CursorPrefix + Escalator.CursorKey(p.Name, level)));

    public bool TryGet(long incidentId, out EscalationState state) => _states.TryGetValue(incidentId, out state!);

    /// <summary>The earliest time a step is due, to wake the pipeline loop.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            DateTimeOffset? next = null;
            foreach (var state in _states.Values)
            {
                if (state.NextDueAt is { } due && (next is null || due < next))
                {
                    next = due;
                }
            }
            return next;
        }
    }

    public IReadOnlyList<long> Due(DateTimeOffset now) =>
        _states.Values.Where(s => s.IsDue(now)).Select(s => s.IncidentId).Order().ToList();

    /// <summary>
    /// Adds to <paramref name="changes"/> what the incident versions in it mean for escalation: a new or reopened
    /// incident starts its policy (due at once, so level 1 is paged by the next step), an acknowledgement stops paging, a withdrawn
    /// acknowledgement resumes it, a resolve ends it.
    /// </summary>
    public void Observe(ChangeSet changes, EscalationPeople people, DateTimeOffset now)
    {
        // Iterate over a copy: a due step may add an incident version (ack timeout) to the same change set.
        foreach (var incident in changes.Incidents.ToList())
        {
            var current = Pending(changes, incident.Id);
            switch (incident.Status)
            {
                case IncidentStatus.Resolved when current is not null:
                    // Whatever its status: an ended escalation (its policy was removed) was kept, so its row stayed
                    // for good and a reopened incident found it ended instead of starting its policy again.
                    changes.DeletedEscalations.Add(incident.Id);
                    changes.Escalations.RemoveAll(e => e.IncidentId == incident.Id);
                    break;
                case IncidentStatus.Acknowledged when current is { Status: EscalationStatus.Escalating or EscalationStatus.Exhausted }
                    && people.Policy(current.Policy) is { } policy:
                    Put(changes, Escalator.Acknowledge(current, policy, now));
                    break;
                case IncidentStatus.Triggered when current is { Status: EscalationStatus.Acknowledged }:
                    Put(changes, Escalator.Unacknowledge(current, now));
                    break;
                case IncidentStatus.Triggered when current is null && people.PolicyFor(incident) is { } policy:
                    // Started due now and committed with the incident; the pipeline loop pages level 1 right after
                    // the commit (outside the dispatcher lock, where who is on call can be looked up).
                    changes.Timeline.Add(new TimelineEntry(incident.Id, now, TimelineKind.Escalation, IncidentLifecycle.SystemActor,
                        $"Escalation policy {policy.Name} started"));
                    Put(changes, Escalator.Start(incident.Id, policy, now));
                    break;
            }
        }
    }

    /// <summary>Runs one due step of an incident's escalation into <paramref name="changes"/>; false when nothing was due.</summary>
    /// <param name="replacing">A state to fire instead of the stored one (after "escalate now").</param>
    public bool FireDue(long incidentId, Incident incident, ChangeSet changes, EscalationPeople people, DateTimeOffset now, EscalationState? replacing = null)
    {
        if ((replacing ?? _states.GetValueOrDefault(incidentId)) is not { } state || !state.IsDue(now))
        {
            return false;
        }
        if (people.Policy(state.Policy) is not { } policy)
        {
            // The policy was removed from the config: stop rather than page by a policy nobody can see any more.
            changes.Timeline.Add(new TimelineEntry(incidentId, now, TimelineKind.Escalation, IncidentLifecycle.SystemActor,
                $"Escalation stopped: policy {state.Policy} is no longer configured"));
            Put(changes, Escalator.End(state));
            return true;
        }
        var outcome = Escalator.Fire(state, policy, people.Context(incident, now, Cursor), now);
        if (outcome.Retriggered && incident.Status == IncidentStatus.Acknowledged)
        {
            var transition = IncidentLifecycle.Unacknowledge(incident, IncidentLifecycle.SystemActor, now, "acknowledgement timed out");
            changes.Incidents.Add(transition.Incident);
            changes.Timeline.AddRange(transition.Timeline);
        }
        Record(changes, incident, outcome, now, people);
        return true;
    }

    /// <summary>The committed escalation of an incident, or null.</summary>
    public EscalationState? Current(long incidentId) => _states.GetValueOrDefault(incidentId);

    public void Record(ChangeSet changes, Incident incident, EscalationOutcome outcome, DateTimeOffset now, EscalationPeople people)
    {
        foreach (var line in outcome.Log)
        {
            changes.Timeline.Add(new TimelineEntry(incident.Id, now, TimelineKind.Escalation, IncidentLifecycle.SystemActor, line));
        }
        var queued = false;
        foreach (var notice in outcome.Notices)
        {
            queued |= people.Notify(changes, incident, notice, outcome.State.StartedAt, now);
        }
        foreach (var (key, cursor) in outcome.RoundRobinCursors)
        {
            changes.Meta[CursorPrefix + key] = cursor.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var state = outcome.State;
        if (outcome.Notices.Count > 0 && !queued && state is { Status: EscalationStatus.Escalating, NextDueAt: { } due } && due > now)
        {
            // Nobody was paged (the Escalator already passes such levels; this is a reassignment to someone no page
            // reaches): nobody can acknowledge, so waiting the delay would only hold back the next level.
            changes.Timeline.Add(new TimelineEntry(incident.Id, now, TimelineKind.Escalation, IncidentLifecycle.SystemActor,
                "Nobody could be paged: the next level is paged at once"));
            state = state with { NextDueAt = now };
        }
        Put(changes, state);
    }

    /// <summary>Mirrors a committed change set into memory; call only after the commit succeeded.</summary>
    public void Committed(ChangeSet changes)
    {
        foreach (var id in changes.DeletedEscalations)
        {
            _states.Remove(id);
        }
        foreach (var state in changes.Escalations)
        {
            _states[state.IncidentId] = state;
        }
        foreach (var (key, value) in changes.Meta)
        {
            if (key.StartsWith(CursorPrefix, StringComparison.Ordinal) && int.TryParse(value, out var cursor))
            {
                _cursors[key[CursorPrefix.Length..]] = cursor;
            }
        }
    }

    private int Cursor(string key) => _cursors.GetValueOrDefault(key);

    private EscalationState? Pending(ChangeSet changes, long incidentId)
    {
        for (var i = changes.Escalations.Count - 1; i >= 0; i--)
        {
            if (changes.Escalations[i].IncidentId == incidentId)
            {
                return changes.Escalations[i];
            }
        }
        return changes.DeletedEscalations.Contains(incidentId) ? null : _states.GetValueOrDefault(incidentId);
    }

    private static void Put(ChangeSet changes, EscalationState state)
    {
        changes.Escalations.RemoveAll(e => e.IncidentId == state.IncidentId);
        changes.Escalations.Add(state);
    }
}
