using Vigil.Core.Alerts;
using Vigil.Core.Incidents;
using Vigil.Core.Security;
using Vigil.Core.Slo.Alerting;
using Vigil.Core.Slo.Evaluation;
using Vigil.Core.Slo.OpenSlo;
using Vigil.Core.Store;
using Vigil.Server.Metrics;
using Vigil.Server.Pipeline;

using Vigil.Server.Api;

namespace Vigil.Server.Slo;

/// <summary>
/// The configured SLOs' live state. SLIs come from native events (<see cref="IngestAsync"/>) or are read from
/// Prometheus each round (<see cref="ReadPrometheusAsync"/>: the whole window once, then only the new minutes). Either
/// way per-minute counts are committed to <c>slo_minutes</c> before they are counted, and states are rebuilt from that
/// table at start and for SLOs a config reload changed, so a restart or reload loses nothing. Each round
/// (<see cref="EvaluateAlertsAsync"/>) raises, re-sends or resolves the SLOs' alerts and applies the error-budget
/// policy: an exhausted budget change-freezes the service (durable, audited) until the budget recovers.
/// </summary>
public sealed partial class SloTracker(IVigilStore store, ConfigHolder config, AlertPipeline pipeline, TimeProvider time, ILogger<SloTracker> logger)
    : IDisposable
{
    /// <summary>Minutes already stored that each incremental read asks for again, so scrapes that arrived late are counted.</summary>
    public const int Overlap = 2;

    /// <summary>Prometheus SLIs read at once.</summary>
    public const int MaxParallelReads = 8;

    // Held while committing + counting and while rebuilding: a rebuild that reads the table between a commit and its
    // in-memory count would otherwise count those minutes twice.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Lock _freezeGate = new();
    private Dictionary<(string Slo, int Objective), SloFreezeRecord>? _freezes;
    private Snapshot? _snapshot;

    private sealed record Snapshot(OpenSloCatalog Catalog, IReadOnlyDictionary<string, SloState> States);

    /// <summary>
    /// The SLOs of the config in force, by name (SLOs a reload changed are rebuilt from storage), each with the edge
    /// of its rolling window loaded (<see cref="LoadEdgesAsync"/>), so their budgets are exact to the minute.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, SloState>> CurrentAsync(CancellationToken ct)
    {
        var catalog = config.Current.Slos.Catalog;
        if (_snapshot is { } snapshot && ReferenceEquals(snapshot.Catalog, catalog) && !NeedsEdges(snapshot.States.Values, time.GetUtcNow()))
        {
            return snapshot.States;
        }
        await _gate.WaitAsync(ct);
        try
        {
            var states = (await RebuildAsync(catalog, ct)).States;
            await LoadEdgesAsync(states.Values, time.GetUtcNow(), ct);
            return states;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Store queries made to load edges (one per distinct edge range and time the edges move), for tests and cost reports.</summary>
    public int EdgeLoads { get; private set; }

    private static bool NeedsEdges(IEnumerable<SloState> states, DateTimeOffset now) => states.Any(s => s.EdgeToLoad(now) is not null);

    /// <summary>
    /// Loads the minutes of the bucket each rolling window starts in (and the next) from <c>slo_minutes</c>, when the
    /// start moved into a new bucket (every bucket length) or the state is new: one query per distinct range, for all
    /// SLOs with that range (SLOs of the same window length share it). Called under the gate, so no commit runs between
    /// the query and the in-memory update.
    /// </summary>
    private async Task LoadEdgesAsync(IEnumerable<SloState> states, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var group in states.Select(s => (State: s, Range: s.EdgeToLoad(now))).Where(e => e.Range is not null).GroupBy(e => e.Range!.Value))
        {
            var rows = await store.ListSloMinutesBetweenAsync(group.Key.From, group.Key.End, ct);
            EdgeLoads++;
            var bySlo = rows.ToLookup(r => r.Slo, StringComparer.Ordinal);
            foreach (var (state, _) in group)
            {
                state.SetEdge(group.Key.From, bySlo[state.Name].Select(r => (r.Minute, r.Good, r.Total)));
            }
        }
    }

    /// <summary>The change freezes in force (loaded from storage on first use).</summary>
    public async Task<IReadOnlyList<SloFreezeRecord>> FreezesAsync(CancellationToken ct)
    {
        await LoadFreezesAsync(ct);
        lock (_freezeGate)
        {
            return [.. _freezes!.Values.OrderBy(f => f.Slo, StringComparer.Ordinal).ThenBy(f => f.Objective)];
        }
    }

    /// <summary>Commits the events' per-minute sums, then counts them. Events of an SLO removed meanwhile are stored only.</summary>
    public async Task<int> IngestAsync(IReadOnlyList<SliEvent> events, CancellationToken ct) => (await IngestAsync(events, null, ct)).Minutes;

    /// <summary>
    /// As <see cref="IngestAsync(IReadOnlyList{SliEvent}, CancellationToken)"/>, for a request with an Idempotency-Key:
    /// an answer already stored under the key is returned (nothing counted); else the answer made from the number of
    /// minutes is committed with the events.
    /// </summary>
    public async Task<(int Minutes, IdempotentAnswer? Earlier)> IngestAsync(IReadOnlyList<SliEvent> events,
        (Idempotency Request, Func<int, IdempotentAnswer> Answer)? idempotent, CancellationToken ct)
    {
        var deltas = events.GroupBy(e => (e.Slo, Minute: MinuteRing.MinuteOf(e.Timestamp)))
            .Select(g => new SloMinuteRecord(g.Key.Slo, g.Key.Minute, g.Sum(e => e.Good), g.Sum(e => e.Total)))
            .ToList();
        var changes = new ChangeSet();
        changes.SloMinutes.AddRange(deltas);
        await _gate.WaitAsync(ct);
        try
        {
            if (idempotent is var (request, answer))
            {
                // Looked up under the gate, so two retries racing on this server count once.
                if (await store.GetIdempotentAnswerAsync(request.Scope, request.Key, ct) is { } earlier)
                {
                    return (0, earlier);
                }
                var remembered = answer(deltas.Count);
                changes.IdempotentAnswers.Add(remembered);
                changes.ForgetIdempotentAnswersBefore = remembered.CreatedAt - Idempotency.Retention;
            }
            // Once committed the events count whatever happens to the request, so the rest must not be cancelled.
            await store.ApplyAsync([changes], CancellationToken.None);
            var states = (_snapshot ?? await RebuildAsync(config.Current.Slos.Catalog, CancellationToken.None)).States;
            foreach (var slo in deltas.GroupBy(d => d.Slo, StringComparer.Ordinal))
            {
                states.GetValueOrDefault(slo.Key)?.Add(slo);
            }
        }
        finally
        {
            _gate.Release();
        }
        return (deltas.Count, null);
    }

    /// <summary>One round: read the Prometheus SLIs, then evaluate every SLO's alerts and freezes.</summary>
    public async Task EvaluateAsync(CancellationToken ct)
    {
        // A read that could not be stored must not stop the round: every SLO's alerts and freezes (native ones too)
        // would go unevaluated, and firing alerts would time out and resolve while the burn goes on.
        Exception? readFailure = null;
        try
        {
            await ReadPrometheusAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            readFailure = ex;
        }
        await EvaluateAlertsAsync(ct);
        if (readFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(readFailure);
        }
    }

    /// <summary>
    /// Reads every Prometheus SLI up to the last complete minute: an SLO seen for the first time (or whose queries
    /// changed) reads its whole window, the others only the minutes since the last read plus <see cref="Overlap"/>.
    /// A failure is the SLO's status (and a log line when it changes), never an exception.
    /// </summary>
    public async Task ReadPrometheusAsync(CancellationToken ct)
    {
        var states = (await CurrentAsync(ct)).Values.Where(s => s.Prometheus is not null).ToList();
        using var limit = new SemaphoreSlim(MaxParallelReads);
        await Task.WhenAll(states.Select(async state =>
        {
            await limit.WaitAsync(ct);
            try
            {
                await ReadAsync(state, ct);
            }
            finally
            {
                limit.Release();
            }
        }));
    }

    private async Task ReadAsync(SloState state, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var last = MinuteRing.MinuteOf(now) - 1;
        var oldest = last - state.Evaluator.HistoryMinutes + 1;
        var backfill = state.NeedsBackfill;
        var storedThrough = backfill ? long.MinValue : state.Progress!.FetchedThrough;
        var from = backfill ? oldest : Math.Max(oldest, storedThrough + 1 - Overlap);
        if (from > last)
        {
            return;
        }
        SliReading reading;
        try
        {
            reading = await new PrometheusSliReader(_http).ReadAsync(state.Prometheus!, from, last, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Unreachable, an error answer (a PromQL syntax error, too many points) or something malformed: the SLO's status.
            var message = ex is PrometheusQueryException ? ex.Message : "reading Prometheus failed: " + ex.Message;
            if (state.Source!.Failed(now, message, 1) != message)
            {
                LogReadFailed(state.Name, message);
            }
            return;
        }
        var changes = new ChangeSet();
        // Every minute read replaces what the table holds for it (rows are added to). Clearing only the minutes up to
        // the state's progress stored twice those that a read committed after a reload had rebuilt the state from the
        // table with the older progress: the next round read them again.
        changes.ClearedSloMinutes.AddRange(backfill ? [new SloMinuteRange(state.Name, long.MinValue, long.MaxValue)] : Runs(state.Name, reading.Minutes.Keys));
        foreach (var (minute, counts) in reading.Minutes)
        {
            changes.SloMinutes.Add(new SloMinuteRecord(state.Name, minute, counts.Good, counts.Total));
        }
        var progress = new SloSourceRecord(state.Name, state.Prometheus!.Key, last);
        changes.SloSources.Add(progress);
        await _gate.WaitAsync(ct);
        try
        {
            await store.ApplyAsync([changes], CancellationToken.None);
            if (backfill)
            {
                state.Reset();
            }
            state.Set(reading.Minutes);
            state.Progress = progress;
        }
        finally
        {
            _gate.Release();
        }
        var previous = state.Source!.Succeeded(now, DateTimeOffset.FromUnixTimeSeconds((last + 1) * 60), reading.Requests, reading.Note);
        if (backfill)
        {
            LogBackfilled(state.Name, last - from + 1, reading.Minutes.Count, reading.Requests);
        }
        else if (previous == SloSourceStatus.Error)
        {
            LogReadRecovered(state.Name, last - from + 1);
        }
        if (reading.Note is { } note && previous != SloSourceStatus.NoData)
        {
            LogNoData(state.Name, note);
        }
    }

    /// <summary>The <paramref name="minutes"/> as ranges of consecutive minutes (a read's minutes with data are usually one run).</summary>
    internal static IEnumerable<SloMinuteRange> Runs(string slo, IEnumerable<long> minutes)
    {
        long? first = null, previous = null;
        foreach (var minute in minutes.Order())
        {
            if (previous is { } p && minute != p + 1)
            {
                yield return new SloMinuteRange(slo, first!.Value, p);
                first = null;
            }
            first ??= minute;
            previous = minute;
        }
        if (first is { } from)
        {
            yield return new SloMinuteRange(slo, from, previous!.Value);
        }
    }

    /// <summary>
    /// Raises, re-sends or resolves each SLO's alerts and applies the error-budget policy. SLOs whose Prometheus SLI
    /// is not current (never read, or the last read failed) are not judged: their burn-rate alerts are held (not
    /// re-sent, so they end by themselves after <see cref="SloAlerts.HoldFor"/>, at least three evaluation intervals), freezes neither start nor lift, and
    /// only alert policies with <c>alertWhenNoData</c> alert. A changed severity or window is a new alert (other
    /// labels), so the previous one is resolved in the same batch.
    /// </summary>
    public async Task EvaluateAlertsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var states = await CurrentAsync(ct);
        await LoadFreezesAsync(ct);
        Dictionary<(string Slo, int Objective), SloFreezeRecord> freezes;
        lock (_freezeGate)
        {
            freezes = new(_freezes!);
        }
        var unfreezeAbove = config.Current.Slos.UnfreezeAbovePercent;
        var holdFor = SloAlerts.HoldFor(config.Current.Slos.EvaluationInterval);
        var changes = new ChangeSet();
        var alerts = new List<Alert>();
        var sent = new List<(SloState State, Dictionary<Fingerprint, Alert> Sent)>();
        foreach (var state in states.Values)
        {
            var source = state.Source?.Snapshot();
            var judged = source is null || source.Current;
            var statuses = state.Evaluate(now);
            var next = new Dictionary<Fingerprint, Alert>();
            foreach (var status in statuses)
            {
                var burnAlerts = judged ? SloAlerts.BurnAlerts(state, status, now, holdFor)
                    : source!.State == SloSourceStatus.Error ? status.Conditions.Select(c => SloAlerts.Condition(state, status, c, now, holdFor)).OfType<Alert>()
                    : [];
                foreach (var alert in burnAlerts)
                {
                    next[alert.Fingerprint] = alert;
                }
                var key = (state.Name, status.Objective.Index);
                if (judged)
                {
                    Freeze(state, status, freezes, changes, unfreezeAbove, now);
                }
                if (freezes.TryGetValue(key, out var freeze))
                {
                    var alert = SloAlerts.Exhausted(state, status.Objective.Index, freeze, status.Budget, now, holdFor);
                    next[alert.Fingerprint] = alert;
                }
            }
            var held = new Dictionary<Fingerprint, Alert>();
            foreach (var (fingerprint, previous) in state.Sent)
            {
                if (next.ContainsKey(fingerprint))
                {
                    continue;
                }
                if (!judged && previous.Name == SloAlerts.Name)
                {
                    held[fingerprint] = previous; // not re-sent: it ends by itself unless the SLI is read again in time
                }
                else if (previous.EndsAt > now)
                {
                    alerts.Add(previous with { EndsAt = now, UpdatedAt = now, Timeout = false });
                }
            }
            alerts.AddRange(next.Values);
            foreach (var (fingerprint, alert) in held)
            {
                next[fingerprint] = alert;
            }
            sent.Add((state, next));
        }
        LiftRemoved(states, freezes, changes, now);
        if (!changes.IsEmpty)
        {
            await store.ApplyAsync([changes], ct);
            foreach (var entry in changes.Audit)
            {
                LogFreezeChanged(entry.Target, entry.Details);
            }
        }
        lock (_freezeGate)
        {
            _freezes = freezes;
        }
        if (alerts.Count > 0)
        {
            await pipeline.IngestAsync(alerts, ct);
        }
        foreach (var (state, next) in sent)
        {
            state.Sent = next;
        }
    }

    /// <summary>
    /// The error-budget policy of one objective: freeze when the budget is exhausted (nothing or less than nothing
    /// left), lift once more than <paramref name="unfreezeAbove"/>% is left again (the gap is the hysteresis that keeps
    /// a budget hovering around zero from flapping).
    /// </summary>
    private static void Freeze(SloState state, ObjectiveStatus status, Dictionary<(string, int), SloFreezeRecord> freezes, ChangeSet changes,
        double unfreezeAbove, DateTimeOffset now)
    {
        var key = (state.Name, status.Objective.Index);
        var budget = status.Budget;
        var left = double.IsFinite(budget.RemainingPercent) ? $"{budget.RemainingPercent:0.##}%" : "none";
        var what = $"SLO {state.Name}" + (state.Evaluator.Objectives.Count > 1 ? $" objective {status.Objective.Label}" : "");
        var frozen = freezes.GetValueOrDefault(key);
        if (frozen is null && state.Evaluator.Freezes && budget.IsExhausted)
        {
            var record = new SloFreezeRecord(state.Name, status.Objective.Index, state.Slo.Service, now,
                double.IsFinite(budget.RemainingPercent) ? budget.RemainingPercent : null);
            freezes[key] = record;
            changes.SloFreezes.Add(record);
            changes.Audit.Add(new AuditEntry(now, IncidentLifecycle.SystemActor, "slo.freeze", "service/" + state.Slo.Service,
                $"{what}: error budget exhausted ({left} left); service {state.Slo.Service} change-frozen"));
        }
        else if (frozen is not null && (!state.Evaluator.Freezes || frozen.Service != state.Slo.Service || budget.RemainingPercent > unfreezeAbove))
        {
            freezes.Remove(key);
            changes.DeletedSloFreezes.Add(key);
            var why = !state.Evaluator.Freezes ? "the SLO's error-budget policy is none"
                : frozen.Service != state.Slo.Service ? $"the SLO now belongs to service {state.Slo.Service}"
                : $"budget recovered ({left} left, above {unfreezeAbove:0.##}%)";
            changes.Audit.Add(new AuditEntry(now, IncidentLifecycle.SystemActor, "slo.unfreeze", "service/" + frozen.Service, $"{what}: {why}; freeze lifted"));
        }
    }

    /// <summary>Freezes of SLOs (or objectives) no longer configured are lifted.</summary>
    private static void LiftRemoved(IReadOnlyDictionary<string, SloState> states, Dictionary<(string, int), SloFreezeRecord> freezes, ChangeSet changes, DateTimeOffset now)
    {
        foreach (var (key, freeze) in freezes.ToList())
        {
            if (states.TryGetValue(freeze.Slo, out var state) && freeze.Objective < state.Evaluator.Objectives.Count)
            {
                continue;
            }
            freezes.Remove(key);
            changes.DeletedSloFreezes.Add(key);
            changes.Audit.Add(new AuditEntry(now, IncidentLifecycle.SystemActor, "slo.unfreeze", "service/" + freeze.Service,
                $"SLO {freeze.Slo} objective {freeze.Objective}: no longer configured; freeze lifted"));
        }
    }

    /// <summary>
    /// How far back stored minutes are kept: the longest history an SLO needs, at least 30 days (so removing an SLO for
    /// a while or shortening its window does not destroy history at once).
    /// </summary>
    public async Task<TimeSpan> HistoryToKeepAsync(CancellationToken ct) =>
        (await CurrentAsync(ct)).Values.Select(s => TimeSpan.FromMinutes(s.Evaluator.HistoryMinutes)).Append(BurnRateWindows.WorkbookPeriod).Max();

    private async Task LoadFreezesAsync(CancellationToken ct)
    {
        if (_freezes is not null)
        {
            return;
        }
        var stored = await store.ListSloFreezesAsync(ct);
        lock (_freezeGate)
        {
            _freezes ??= stored.ToDictionary(f => (f.Slo, f.Objective));
        }
    }

    private async Task<Snapshot> RebuildAsync(OpenSloCatalog catalog, CancellationToken ct)
    {
        if (_snapshot is { } current && ReferenceEquals(current.Catalog, catalog))
        {
            return current;
        }
        var now = time.GetUtcNow();
        var slos = config.Current.Slos;
        var progress = (await store.ListSloSourcesAsync(ct)).ToDictionary(p => p.Slo, StringComparer.Ordinal);
        var states = new Dictionary<string, SloState>(StringComparer.Ordinal);
        foreach (var slo in catalog.Slos.Where(s => s.Objectives.Count > 0))
        {
            var state = new SloState(slo, catalog.IndicatorOf(slo), PolicyCondition.Of(slo, catalog), slos.PrometheusSlis.GetValueOrDefault(slo.Name));
            if (_snapshot?.States.GetValueOrDefault(slo.Name) is { } previous && previous.SameDefinition(state))
            {
                states[slo.Name] = previous; // unchanged by the reload: keep its minutes, status and alerts
                continue;
            }
            state.Add(await store.ListSloMinutesAsync(state.Evaluator.OldestMinute(now), slo.Name, ct));
            state.Progress = progress.GetValueOrDefault(slo.Name);
            // A firing alert carries over a reload or restart, so it is re-sent or resolved rather than left to time out.
            state.Sent = _snapshot?.States.GetValueOrDefault(slo.Name)?.Sent ?? FiringAlertsOf(slo.Name, now);
            states[slo.Name] = state;
        }
        var snapshot = new Snapshot(catalog, states);
        _snapshot = snapshot;
        return snapshot;
    }

    private Dictionary<Fingerprint, Alert> FiringAlertsOf(string slo, DateTimeOffset now) =>
        pipeline.Alerts.All.Where(a => SloAlerts.Names.Contains(a.Name) && a.Labels.Get("slo") == slo && !a.IsResolvedAt(now)
                && SloAlerts.IsSloUrl(a.GeneratorUrl))
            .ToDictionary(a => a.Fingerprint);

    public void Dispose()
    {
        _http.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SLO {Slo}: {Error}")]
    private partial void LogReadFailed(string slo, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "SLO {Slo}: read {Minutes} minutes of history from Prometheus ({WithData} with data, {Requests} requests)")]
    private partial void LogBackfilled(string slo, long minutes, int withData, int requests);

    [LoggerMessage(Level = LogLevel.Information, Message = "SLO {Slo}: Prometheus readable again; caught up {Minutes} minutes")]
    private partial void LogReadRecovered(string slo, long minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Error-budget policy, {Target}: {Details}")]
    private partial void LogFreezeChanged(string target, string details);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SLO {Slo}: {Note}")]
    private partial void LogNoData(string slo, string note);
}
