using Vigil.Core.Alerts;
using Vigil.Core.Config;
using Vigil.Core.Dispatch;
using Vigil.Core.Incidents;
using Vigil.Core.Inhibition;
using Vigil.Core.Notifications;
using Vigil.Core.Security;
using Vigil.Core.Silences;
using Vigil.Core.Store;

namespace Vigil.Server.Pipeline;

// The dispatcher side of the pipeline: a background loop flushes aggregation groups when their timers are due, and
// manual incident actions go through the same gate so every incident version is persisted in the order it was made.
public sealed partial class AlertPipeline
{
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(1);

    // Guards the dispatcher's in-memory state (Observe runs on the ingest writer, Flush on the loop).
    private readonly Lock _dispatcherLock = new();

    // Held from computing an incident change until it is committed, so versions reach the store in order.
    private readonly SemaphoreSlim _incidentGate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stopping = new();
    private Dispatcher _dispatcher = null!;
    private Task? _loop;

    // Set when a flush or an action failed to commit: the dispatcher had already changed in memory (a new incident, a
    // group marked notified, a resolve), so the next flush would see nothing to do and the incident, its page and its
    // escalation were lost until a restart. Read and cleared under _incidentGate.
    private bool _dispatcherAheadOfStore;

    // Set when a flush failed to commit: the next flushes commit one group at a time until everything due is committed,
    // so a group the store refuses (whatever it holds) is found and held back instead of failing every flush, and so
    // every other group's incident, for ever. Read and written under _incidentGate.
    private bool _flushGroupsOneByOne;

    // Groups the store refused on their own while it took other writes, and when they may be tried again. In memory
    // only: after a restart a refused group is found again the same way. Read and written under _incidentGate.
    private readonly Dictionary<string, DateTimeOffset> _heldGroups = new(StringComparer.Ordinal);

    /// <summary>How long a group the store refuses is held back before it is tried again (and logged again).</summary>
    private static readonly TimeSpan RefusedGroupHold = TimeSpan.FromMinutes(1);

    private const string WriteCheckMetaKey = "dispatcher.write_check";

    private async Task StartDispatcherAsync(CancellationToken ct)
    {
        SwapIn(await LoadDispatcherAsync(Config.Current, ct));
        await LoadEscalationsAsync(ct);
        _loop = Task.Run(RunLoopAsync, CancellationToken.None);
    }

    /// <summary>A dispatcher restored from stored group records and incidents; <see cref="SwapIn"/> gives it the alerts.</summary>
    private async Task<Dispatcher> LoadDispatcherAsync(VigilConfig config, CancellationToken ct)
    {
        var groups = await _store.LoadGroupsAsync(ct);
        var incidents = new Dictionary<long, Incident>();
        foreach (var incident in await _store.ListIncidentsAsync(new IncidentQuery([IncidentStatus.Triggered, IncidentStatus.Acknowledged], int.MaxValue), ct))
        {
            incidents[incident.Id] = incident;
        }
        foreach (var id in Dispatcher.ReferencedIncidentIds(groups))
        {
            if (!incidents.ContainsKey(id) && await _store.GetIncidentAsync(id, ct) is { } referenced)
            {
                incidents[id] = referenced;
            }
        }
        return new Dispatcher(config, await _store.GetMaxIncidentIdAsync(ct), groups, incidents.Values);
    }

    /// <summary>
    /// Makes <paramref name="dispatcher"/> the one in use once it has observed every alert, under the dispatcher lock:
    /// an alert committed while it was being made was observed by the old one only.
    /// </summary>
    private void SwapIn(Dispatcher dispatcher)
    {
        lock (_dispatcherLock)
        {
            foreach (var alert in Alerts.All)
            {
                dispatcher.Observe(alert);
            }
            _dispatcher = dispatcher;
        }
    }

    /// <summary>
    /// Rebuilds the dispatcher from storage after a failed commit (called under <see cref="_incidentGate"/>), so what
    /// the failed flush or action changed is computed and committed again. Throws while storage is still failing; the
    /// loop retries.
    /// </summary>
    private async Task CatchUpWithStoreAsync(CancellationToken ct)
    {
        if (!_dispatcherAheadOfStore)
        {
            return;
        }
        SwapIn(await LoadDispatcherAsync(Config.Current, ct));
        _dispatcherAheadOfStore = false;
        _logger.LogWarning("Dispatcher rebuilt from storage after a failed commit");
    }

    private void ObserveCommitted(IReadOnlyList<Alert> alerts)
    {
        lock (_dispatcherLock)
        {
            foreach (var alert in alerts)
            {
                _dispatcher.Observe(alert);
            }
        }
        WakeDispatcher();
    }

    private void WakeDispatcher() => _wake.Release();

    private async Task RunLoopAsync()
    {
        var ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await FlushDueAsync(ct);
                await FireEscalationsAsync(ct);
                await CollectIfDueAsync(ct);
                await DeleteStaleEscalationsIfAnyAsync(ct);
                DateTimeOffset? due;
                lock (_dispatcherLock)
                {
                    due = _dispatcher.NextDue;
                    if (_escalations.NextDue is { } step && (due is null || step < due))
                    {
                        due = step;
                    }
                }
                var wait = due is { } d ? d - _time.GetUtcNow() : MaxIdle;
                wait = wait < TimeSpan.FromMilliseconds(20) ? TimeSpan.FromMilliseconds(20) : wait > MaxIdle ? MaxIdle : wait;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var delay = Task.Delay(wait, _time, timeout.Token);
                var woken = _wake.WaitAsync(timeout.Token);
                await Task.WhenAny(delay, woken);
                await timeout.CancelAsync();
                // Drain extra wake-ups: one flush handles them all.
                while (_wake.CurrentCount > 0 && _wake.Wait(0))
                {
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Dispatcher flush failed; retrying");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _time, ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Stopping does not wait out the pause (on a test's fake clock it would wait for good).
                    return;
                }
            }
        }
    }

    private async Task FlushDueAsync(CancellationToken ct)
    {
        await _incidentGate.WaitAsync(ct);
        try
        {
            await CatchUpWithStoreAsync(ct);
            var now = _time.GetUtcNow();
            if (_flushGroupsOneByOne)
            {
                await FlushGroupsOneByOneAsync(now, ct);
                return;
            }
            Func<Alert, bool>? isMuted = null;
            if (TakeDueChanges(now, int.MaxValue, ref isMuted, out _) is not { } changes)
            {
                return;
            }
            try
            {
                await CommitFlushAsync(changes, now, ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                _flushGroupsOneByOne = true;
                throw;
            }
        }
        finally
        {
            _incidentGate.Release();
        }
    }

    /// <summary>
    /// Flushes what is due, one group per commit (after a failed flush; under <see cref="_incidentGate"/>). A group
    /// whose commit fails while the store still takes a write is held back for <see cref="RefusedGroupHold"/> and the
    /// others go on; if the store takes no write either, storage is failing, not the group, and this throws (the loop
    /// retries) without holding anything back.
    /// </summary>
    private async Task FlushGroupsOneByOneAsync(DateTimeOffset now, CancellationToken ct)
    {
        var failedOnce = new HashSet<string>(StringComparer.Ordinal);
        // One view of silences and inhibitions while groups commit, as a normal flush has: built per group, it cost
        // groups × alerts under the dispatcher lock after every failed flush. It is built again after a refused group
        // (each costs a write check and a reload, so a pass can last minutes): a silence added meanwhile applies.
        Func<Alert, bool>? isMuted = null;
        while (TakeDueChanges(now, 1, ref isMuted, out var group) is { } changes)
        {
            try
            {
                await CommitFlushAsync(changes, now, ct);
            }
            catch (Exception ex) when (group is not null && !ct.IsCancellationRequested)
            {
                isMuted = null;
                await CheckStoreTakesWritesAsync(now, ct);
                if (failedOnce.Add(group))
                {
                    // Storage took a write just now: the failure may have been a blip that ended between the two (a
                    // dropped pooled connection, a busy database). The group is tried once more before it is held
                    // back; holding it on one failure delayed its page by a minute.
                    await CatchUpWithStoreAsync(ct);
                    continue;
                }
                _heldGroups[group] = now + RefusedGroupHold;
                _logger.LogError(ex, "Storage refuses the alert group {Group}; its incident changes are held back for {Hold} and the other groups go on",
                    group == Dispatcher.OrphansKey ? "(the restored groups to resolve or re-key)"
                        : group.Length > 200 ? string.Concat(group.AsSpan(0, 200), "…") : group, RefusedGroupHold);
                // Forget what the refused flush changed in memory; the group is flushed again once its hold is over.
                await CatchUpWithStoreAsync(ct);
            }
        }
        _flushGroupsOneByOne = false;
    }

    /// <summary>Throws if storage takes no write at all: a failed commit is then storage's failure, not its content's.</summary>
    private async Task CheckStoreTakesWritesAsync(DateTimeOffset now, CancellationToken ct)
    {
        var check = new ChangeSet();
        check.Meta[WriteCheckMetaKey] = now.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        await _store.ApplyAsync([check], ct);
    }

    /// <summary>
    /// Flushes up to <paramref name="maxGroups"/> due groups, skipping held ones; null when nothing is due.
    /// <paramref name="isMuted"/> is the silences and inhibitions at <paramref name="now"/>, built on first use and kept
    /// by the caller for its next call in the same pass. <paramref name="lastGroup"/> is the key of the last group
    /// flushed (<see cref="Dispatcher.OrphansKey"/> for the orphans).
    /// </summary>
    private ChangeSet? TakeDueChanges(DateTimeOffset now, int maxGroups, ref Func<Alert, bool>? isMuted, out string? lastGroup)
    {
        lastGroup = null;
        foreach (var (key, until) in _heldGroups)
        {
            if (until <= now)
            {
                _heldGroups.Remove(key);
            }
        }
        lock (_dispatcherLock)
        {
            // The fix-up of restored records goes first, not when a group comes due (maybe in hours): until it is
            // committed, a group re-keyed from an older version's record is stored under its old key only.
            var fixUps = _dispatcher.HasRestoredFixUps && !_heldGroups.ContainsKey(Dispatcher.OrphansKey);
            if (!fixUps && (_dispatcher.NextDue is not { } due || due > now))
            {
                return null;
            }
            isMuted ??= MutedAt(now);
            var changes = _dispatcher.Flush(now, isMuted,
                key => _heldGroups.TryGetValue(key, out var until) ? until : null, maxGroups, out lastGroup);
            _escalations.Observe(changes, EscalationPeople(), now);
            return changes;
        }
    }

    /// <summary>Whether an alert is silenced or inhibited at <paramref name="now"/> (under <see cref="_dispatcherLock"/>).</summary>
    private Func<Alert, bool> MutedAt(DateTimeOffset now)
    {
        var silencer = new Silencer(Silences.All, now);
        var inhibition = InhibitionIndex.Build(_dispatcher.Config.InhibitRules, Alerts.All, now);
        return alert => silencer.IsSilenced(alert.Labels) || inhibition.IsInhibited(alert);
    }

    /// <summary>Commits what a flush changed, then applies it to escalations, silences, the outbox and the change feed.</summary>
    private async Task CommitFlushAsync(ChangeSet changes, DateTimeOffset now, CancellationToken ct)
    {
        if (changes.IsEmpty)
        {
            return;
        }
        // Only a resolve can write a silence (it expires the acknowledgement silence); other flushes need not wait
        // for an API silence write.
        using (changes.Incidents.Any(i => i.Status == IncidentStatus.Resolved) ? await BeginSilenceWriteAsync(ct) : null)
        {
            foreach (var incident in changes.Incidents)
            {
                if (incident.Status == IncidentStatus.Resolved)
                {
                    ExpireAckSilence(incident.Id, now, changes);
                }
            }
            await CommitDispatcherChangeAsync(changes, ct);
            lock (_dispatcherLock)
            {
                _escalations.Committed(changes);
            }
            CommitSilences(changes);
        }
        WakeOutboxFor(changes);
        if (changes.Incidents.Count > 0)
        {
            _feed.Publish(new ChangeSignal(changes.Incidents.Select(i => i.Id).Distinct().ToList(), now));
        }
    }

    /// <summary>
    /// Applies a manual action to an incident and commits it with its timeline and audit entry; one that changes nothing
    /// (no timeline entry) is not committed. Throws <see cref="IncidentTransitionException"/> for a transition that is not allowed.
    /// </summary>
    public async Task<Incident?> ActAsync(long id, string actor, string action, Func<Incident, DateTimeOffset, IncidentTransition> transition, CancellationToken ct)
    {
        await _incidentGate.WaitAsync(ct);
        try
        {
            await CatchUpWithStoreAsync(ct);
            var now = _time.GetUtcNow();
            Incident? current;
            lock (_dispatcherLock)
            {
                current = _dispatcher.TryGetIncident(id, out var tracked) ? tracked : null;
            }
            current ??= await _store.GetIncidentAsync(id, ct);
            if (current is null)
            {
                return null;
            }
            var result = transition(current, now);
            if (result.Timeline.Count == 0)
            {
                // Nothing changed (the priority it already has): nothing to commit, and no audit entry for a change
                // that did not happen.
                return current;
            }
            var announce = current.Status != IncidentStatus.Resolved && result.Incident.Status == IncidentStatus.Resolved
                && await ReceiversLastHeardFiringAsync(id, ct);
            var changes = new ChangeSet();
            changes.Incidents.Add(result.Incident);
            changes.Timeline.AddRange(result.Timeline);
            changes.Audit.Add(new AuditEntry(now, actor, action, $"incident/{id}", result.Timeline.Count > 0 ? result.Timeline[^1].Message : ""));
            // The acknowledgement silence is read, committed and shown like any other silence write.
            using (await BeginSilenceWriteAsync(ct))
            {
                AddAckSilenceChanges(current, result.Incident, now, changes);
                lock (_dispatcherLock)
                {
                    if (announce)
                    {
                        _dispatcher.QueueResolvedByHand(result.Incident, result.Incident.Alerts.Select(Alerts.Get).OfType<Alert>(), actor, now, changes);
                    }
                    _escalations.Observe(changes, EscalationPeople(), now);
                }
                await CommitDispatcherChangeAsync(changes, ct);
                CommitSilences(changes);
            }
            WakeOutboxFor(changes);
            lock (_dispatcherLock)
            {
                _dispatcher.Apply(result.Incident);
                _escalations.Committed(changes);
            }
            _feed.Publish(new ChangeSignal([id], now));
            WakeDispatcher();
            return result.Incident;
        }
        finally
        {
            _incidentGate.Release();
        }
    }

    /// <summary>Commits a change the dispatcher already made in memory (under <see cref="_incidentGate"/>); if the commit
    /// fails the dispatcher is rebuilt from storage before its next use.</summary>
    private async Task CommitDispatcherChangeAsync(ChangeSet changes, CancellationToken ct)
    {
        try
        {
            await _store.ApplyAsync([changes], ct);
        }
        catch
        {
            _dispatcherAheadOfStore = true;
            throw;
        }
    }

    /// <summary>
    /// Whether the last thing the incident's receiver was told is that it fires: only then is a resolve by hand news to
    /// it. An incident reopened by hand (which pages nobody) and resolved again, or one resolved before its first page
    /// went out, is not announced. The newest receiver row is looked up by the query itself: escalation pages
    /// (<c>user:</c> channels) of a long incident outnumber it, and among the newest 100 rows of any channel it was
    /// not found, so the resolve went unannounced.
    /// </summary>
    private async Task<bool> ReceiversLastHeardFiringAsync(long incidentId, CancellationToken ct)
    {
        var log = await _store.ListOutboxAsync(new OutboxQuery(incidentId, Limit: 1, ChannelPrefix: OutboxChannels.ReceiverPrefix), ct);
        return log.Count > 0 && NotificationMessage.FromJson(log[0].Payload).Status == "firing";
    }

    /// <summary>
    /// Re-reads the config file. Returns null on success, or the errors (the old config stays in force). The outcome is
    /// logged here, once, whoever asked (<c>POST /-/reload</c> answers it too; SIGHUP has only the log): the SIGHUP
    /// handler logging it as well wrote every error twice.
    /// </summary>
    public async Task<string?> ReloadConfigAsync(string actor, CancellationToken ct)
    {
        await _incidentGate.WaitAsync(ct);
        try
        {
            VigilConfig config;
            try
            {
                config = Config.ReadAgain();
            }
            catch (Exception ex) when (ex is ConfigException or IOException)
            {
                var error = ex is IOException ? $"cannot read the config file: {ex.Message}" : ex.Message;
                _logger.LogError("Configuration not reloaded (requested by {Actor}); the previous one stays in force. {Errors}", actor, error);
                return error;
            }
            // Audited before it is in force: a failed commit (503) must leave the old config running, not an unaudited
            // new one.
            var audit = new ChangeSet();
            audit.Audit.Add(new AuditEntry(_time.GetUtcNow(), actor, "config.reload", Settings.ConfigFile ?? "<built-in>", "configuration reloaded"));
            await _store.ApplyAsync([audit], ct);
            Config.Apply(config);
            // Carry the groups and incidents over in memory; groups the new routes cannot reach resolve on the next flush.
            Dispatcher carried;
            lock (_dispatcherLock)
            {
                carried = new Dispatcher(config, _dispatcher.LastIncidentId, _dispatcher.ExportGroups(), _dispatcher.TrackedIncidents);
            }
            SwapIn(carried);
            _logger.LogInformation("Configuration reloaded (requested by {Actor})", actor);
            WakeDispatcher();
            return null;
        }
        finally
        {
            _incidentGate.Release();
        }
    }

    private async Task StopDispatcherAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    /// <summary>A consistent read view for one API request.</summary>
    public PipelineView Snapshot(DateTimeOffset now)
    {
        Dispatcher dispatcher;
        lock (_dispatcherLock)
        {
            dispatcher = _dispatcher;
        }
        return new PipelineView(Alerts, Silences, dispatcher.Config, now);
    }

    /// <summary>Ids of the unresolved incidents an alert belongs to (PagerDuty acknowledge/resolve find theirs this way).</summary>
    public IReadOnlyList<Incident> OpenIncidentsWith(Fingerprint fingerprint)
    {
        lock (_dispatcherLock)
        {
            return _dispatcher.TrackedIncidents.Where(i => i.Status != IncidentStatus.Resolved && i.Alerts.Contains(fingerprint)).ToList();
        }
    }

    /// <summary>Incidents the dispatcher currently tracks, for cheap counts.</summary>
    public bool TryGetTrackedIncident(long id, out Incident incident)
    {
        lock (_dispatcherLock)
        {
            return _dispatcher.TryGetIncident(id, out incident);
        }
    }
}
