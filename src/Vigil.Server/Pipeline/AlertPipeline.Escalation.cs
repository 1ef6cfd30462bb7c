using Vigil.Core.Escalation;
using Vigil.Core.Incidents;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Server.Escalation;

namespace Vigil.Server.Pipeline;

// Escalation rides on the dispatcher's loop and incident gate: a step that is due is fired, and committed with its
// pages and timeline entries, in the same order as every other incident change. Its state is read and written under
// the dispatcher lock.
public sealed partial class AlertPipeline
{
    private readonly EscalationBook _escalations = new();

    private async Task LoadEscalationsAsync(CancellationToken ct)
    {
        var policies = Config.Current.EscalationPolicies;
        var meta = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var key in EscalationBook.CursorMetaKeys(policies))
        {
            meta[key] = await _store.GetMetaAsync(key, ct);
        }
        var states = await _store.ListEscalationsAsync(ct);
        lock (_dispatcherLock)
        {
            _escalations.Load(states, key => meta.GetValueOrDefault(key), policies);
        }
    }

    private static readonly IReadOnlyDictionary<string, string> NobodyLookedUp = new Dictionary<string, string>();

    // Call under _dispatcherLock: the route lookup reads the dispatcher's groups. Who is on call is looked up before
    // (it reads stored overrides and swaps); without it, as when incidents change, nothing can be paged.
    private EscalationPeople EscalationPeople(IReadOnlyDictionary<string, string>? onCallNow = null) =>
        new(_dispatcher.Config, _dispatcher.RouteOfGroup, Alerts, onCallNow ?? NobodyLookedUp);

    /// <summary>
    /// Who is on call on every configured schedule at <paramref name="now"/> (stored overrides and swaps included). A
    /// schedule whose shifts cannot be worked out (its calendar arithmetic fails) is logged and left out — its targets
    /// find nobody on call — because every step of every incident looks all schedules up first: one such schedule used
    /// to stop all paging. A failed read of its overrides or swaps is not that: it throws, and the step is retried,
    /// rather than passing the level as if nobody were on call (a storage blip would lose the page).
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> OnCallNowAsync(DateTimeOffset now, CancellationToken ct)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var schedule in Config.Current.OnCall.Schedules)
        {
            var overrides = await _store.ListOverridesAsync(schedule.Name, now, now.AddTicks(1), ct);
            var swaps = await _store.ListSwapsAsync(schedule.Name, now, now.AddTicks(1), ct);
            try
            {
                if (Core.OnCall.FinalSchedule.OnCallAt(schedule, overrides, swaps, now) is { } entry)
                {
                    result[schedule.Name] = entry.User;
                }
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or OverflowException)
            {
                _logger.LogError(ex, "Who is on call on schedule {Schedule} could not be worked out; escalation steps that target it find nobody", schedule.Name);
            }
        }
        return result;
    }

    /// <summary>The escalation of an incident and the policy it follows, or null when it has none.</summary>
    public (EscalationState State, EscalationPolicy? Policy)? GetEscalation(long incidentId)
    {
        lock (_dispatcherLock)
        {
            return _escalations.TryGet(incidentId, out var state)
                ? (state, EscalationPeople().Policy(state.Policy))
                : null;
        }
    }

    /// <summary>
    /// Why a page to <paramref name="user"/> would reach nobody under the config in force (not a user, no contact
    /// method Vigil can deliver to), or null when it reaches someone: the same choice of contact methods a page makes.
    /// </summary>
    public string? WhyCannotBePaged(string user)
    {
        lock (_dispatcherLock)
        {
            return EscalationPeople().Unreachable(user);
        }
    }

    private async Task FireEscalationsAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        IReadOnlyList<long> due;
        lock (_dispatcherLock)
        {
            due = _escalations.Due(now);
        }
        Exception? failure = null;
        foreach (var id in due)
        {
            try
            {
                await RunEscalationAsync(id, null, ct, (book, incident, changes, people, at) => book.FireDue(id, incident, changes, people, at));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One incident's failure must not hold back the pages of every incident due after it; reported (and the
                // loop pauses) once the others have had their turn.
                failure ??= ex;
            }
        }
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>"Escalate now": pages the next level at once. Null when the incident does not exist.</summary>
    public Task<EscalationChange> EscalateNowAsync(long id, string actor, CancellationToken ct) =>
        RunEscalationAsync(id, new AuditEntry(default, actor, "incident.escalate", $"incident/{id}", "escalated now"), ct,
            (book, incident, changes, people, now) =>
            {
                if (book.Current(id) is not { } state || people.Policy(state.Policy) is not { } policy)
                {
                    return false;
                }
                changes.Timeline.Add(new TimelineEntry(id, now, TimelineKind.Escalation, actor, $"Escalated now by {actor}"));
                WithdrawAcknowledgement(incident, changes, actor, now, "escalated");
                var moved = Escalator.EscalateNow(state, policy, now);
                return book.FireDue(id, incident, changes, people, now, moved);
            });

    /// <summary>Reassigns the incident to a user: they are paged now and escalation carries on if they do not answer.</summary>
    public Task<EscalationChange> ReassignAsync(long id, string user, string actor, CancellationToken ct) =>
        RunEscalationAsync(id, new AuditEntry(default, actor, "incident.reassign", $"incident/{id}", $"reassigned to {user}"), ct,
            (book, incident, changes, people, now) =>
            {
                if (book.Current(id) is not { } state || people.Policy(state.Policy) is not { } policy)
                {
                    return false;
                }
                WithdrawAcknowledgement(incident, changes, actor, now, $"reassigned to {user}");
                book.Record(changes, incident, Escalator.Reassign(state, policy, user, actor, now), now, people);
                return true;
            });

    /// <summary>Whoever is paged next has not acknowledged anything: the incident becomes theirs to acknowledge.</summary>
    private static void WithdrawAcknowledgement(Incident incident, ChangeSet changes, string actor, DateTimeOffset now, string why)
    {
        if (incident.Status == IncidentStatus.Acknowledged)
        {
            var transition = IncidentLifecycle.Unacknowledge(incident, actor, now, why);
            changes.Incidents.Add(transition.Incident);
            changes.Timeline.AddRange(transition.Timeline);
        }
    }

    private async Task<EscalationChange> RunEscalationAsync(
        long id, AuditEntry? audit, CancellationToken ct, Func<EscalationBook, Incident, ChangeSet, EscalationPeople, DateTimeOffset, bool> step)
    {
        await _incidentGate.WaitAsync(ct);
        try
        {
            await CatchUpWithStoreAsync(ct);
            var now = _time.GetUtcNow();
            Incident? incident;
            lock (_dispatcherLock)
            {
                incident = _dispatcher.TryGetIncident(id, out var tracked) ? tracked : null;
            }
            incident ??= await _store.GetIncidentAsync(id, ct);
            if (incident is null)
            {
                return EscalationChange.NoIncident;
            }
            if (incident.Status == IncidentStatus.Resolved)
            {
                return EscalationChange.Resolved;
            }
            var onCall = await OnCallNowAsync(now, ct);
            var changes = new ChangeSet();
            // A step can withdraw an acknowledgement (its timeout, escalate now, reassign): the acknowledgement silence
            // then expires in the same commit, or the group stayed muted until it resolved — new alerts neither joined
            // nor paged, reminders stopped. Read and committed like any other silence write.
            using (incident.Status == IncidentStatus.Acknowledged ? await BeginSilenceWriteAsync(ct) : null)
            {
                lock (_dispatcherLock)
                {
                    if (!step(_escalations, incident, changes, EscalationPeople(onCall), now))
                    {
                        return EscalationChange.NoEscalation;
                    }
                }
                foreach (var changed in changes.Incidents)
                {
                    if (changed.Status != IncidentStatus.Acknowledged)
                    {
                        ExpireAckSilence(changed.Id, now, changes);
                    }
                }
                if (audit is not null)
                {
                    changes.Audit.Add(audit with { At = now });
                }
                await _store.ApplyAsync([changes], ct);
                lock (_dispatcherLock)
                {
                    foreach (var changed in changes.Incidents)
                    {
                        _dispatcher.Apply(changed);
                    }
                    _escalations.Committed(changes);
                }
                CommitSilences(changes);
            }
            if (changes.Silences.Count > 0)
            {
                // The group's alerts are no longer silenced: the next flush takes them in again.
                WakeDispatcher();
            }
            WakeOutboxFor(changes);
            _feed.Publish(new ChangeSignal([id], now));
            return EscalationChange.Done;
        }
        finally
        {
            _incidentGate.Release();
        }
    }
}

/// <summary>The result of an explicit escalation request.</summary>
public enum EscalationChange
{
    Done,
    NoIncident,
    Resolved,

    /// <summary>The incident follows no escalation policy.</summary>
    NoEscalation,
}
