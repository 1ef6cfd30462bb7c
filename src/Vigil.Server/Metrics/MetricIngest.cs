using System.Collections.Concurrent;
using System.Diagnostics;
using Vigil.Analytics.Metrics;
using Vigil.Core.Alerts;
using Vigil.Core.Config;
using Vigil.Core.Matching;
using Vigil.Core.Store;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Metrics;

/// <summary>What one batch of samples did.</summary>
public sealed record MetricsAccepted(int Accepted, int Skipped, IReadOnlyDictionary<string, int> Reasons, int Series, int Anomalies);

/// <summary>Why samples were counted and skipped (the keys of <see cref="MetricsAccepted.Reasons"/>).</summary>
public static class MetricSkipReasons
{
    public const string NonFinite = "non_finite";
    public const string OutOfOrder = "out_of_order";
    public const string Future = "future_timestamp";
    public const string SeriesLimit = "series_limit";

    /// <summary>Remote write: a series without a name, with a label Vigil does not accept, or with too many labels.</summary>
    public const string InvalidSeries = "invalid_series";

    /// <summary>Remote write: a timestamp outside years 1–9999.</summary>
    public const string BadTimestamp = "bad_timestamp";
}

/// <summary>
/// Online metric intelligence: every series (name + labels) has its own <see cref="MetricAnomalyDetector"/>; each
/// sample is scored as it arrives, kept for the chart, and a point scoring at or above its series' threshold
/// raises <c>MetricAnomaly</c> through the normal alert pipeline.
/// </summary>
/// <remarks>
/// A push commits only its samples to a journal; the detectors and recent points (~24 KB a series with a full chart)
/// are checkpointed, a tenth of the series every <see cref="SaveInterval"/> (each series every five minutes) and all
/// at shutdown, and a restart replays the journal on top. Saving every changed series at every checkpoint wrote
/// ~115 MB in one 2.4 s transaction for 5,000 series (SQLite), which at the 50,000-series limit would have kept the
/// single writer busy most of the time.
/// </remarks>
public sealed partial class MetricIngest
{
    public const int PointsKept = 720;
    public static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(30);

    /// <summary>Checkpoints per round: each saves the changed series of its slot, so a series is saved at least every
    /// <c>CheckpointSlots × SaveInterval</c> (five minutes) and a checkpoint writes a tenth of them.</summary>
    public const int CheckpointSlots = 10;

    /// <summary>Samples further in the future than this are refused: one would block its series until that time.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, MetricSeriesState> _series = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _seriesPerRule = new(StringComparer.Ordinal);
    private readonly IVigilStore _store;
    private readonly AlertPipeline _pipeline;
    private readonly ConfigHolder _config;
    private readonly TimeProvider _time;
    private readonly ILogger<MetricIngest> _logger;
    private readonly AlertBudget _budget;
    private long _journaledSinceCheckpoint;

    // A row is written from a snapshot taken under the series' gate and committed later; one writer at a time (a
    // checkpoint, a relearn, a delete, a push saving a row after a failed commit) keeps an older snapshot from landing
    // after a newer write and undoing it — a deleted series coming back at the next restart, a relearn undone.
    private readonly SemaphoreSlim _rowWrites = new(1, 1);
    private int _checkpoints;

    public MetricIngest(IVigilStore store, AlertPipeline pipeline, ConfigHolder config, TimeProvider time, ILogger<MetricIngest> logger)
    {
        _store = store;
        _pipeline = pipeline;
        _config = config;
        _time = time;
        _logger = logger;
        _budget = new AlertBudget(time);
    }

    public MetricsConfig Config => _config.Current.Metrics;

    public ICollection<MetricSeriesState> Series => _series.Values;

    /// <summary>New alerts the storm guard held back since the start.</summary>
    public long SuppressedAlerts => _budget.Suppressed;

    public MetricSeriesState? Find(string id) => _series.GetValueOrDefault(id);

    /// <summary>
    /// Scores the samples (per series in timestamp order) and sends the alerts they raise. With
    /// <paramref name="alerting"/> false (a start-up backfill) points are learned and charted but raise nothing. With
    /// <paramref name="durable"/> (pushed samples) the accepted samples are journaled and committed before this
    /// returns, so a 2xx survives a crash; polled samples are not, Prometheus still has them and the start-up backfill
    /// fetches them again.
    /// </summary>
    public async Task<MetricsAccepted> IngestAsync(IReadOnlyList<MetricSample> samples, bool alerting, CancellationToken ct, bool durable = false)
    {
        var now = _time.GetUtcNow();
        var config = Config;
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        var alerts = new List<Alert>();
        var journal = durable ? new ChangeSet() : null;
        // Journaled once every sample is learned, stamped with a time after all of them (see SaveAsync).
        var learned = durable ? new List<(string SeriesId, long Ticks, double Value)>() : null;
        var journaledSeries = durable ? new List<MetricSeriesState>() : null;
        var (accepted, anomalies) = (0, 0);
        var touched = 0;
        var rowsWanted = false;
        foreach (var group in samples.GroupBy(s => s.Series.Id, StringComparer.Ordinal))
        {
            var first = group.First();
            var isNew = false;
            if (!_series.TryGetValue(group.Key, out var state))
            {
                if (_series.Count >= config.MaxSeries)
                {
                    Count(reasons, MetricSkipReasons.SeriesLimit, group.Count());
                    continue;
                }
                var (kind, rule) = ChooseDetector(first.Series, config);
                var created = new MetricSeriesState(first.Series, NewDetector(kind), new PointBuffer(PointsKept), kind, rule?.Key) { LastLearnedAt = now };
                state = _series.GetOrAdd(group.Key, created);
                isNew = ReferenceEquals(state, created);
                if (!isNew)
                {
                    ReleaseRule(rule?.Key); // another request created it first
                }
            }
            touched++;
            journaledSeries?.Add(state);
            var threshold = state.Threshold(config);
            lock (state.Gate)
            {
                if (isNew)
                {
                    // Known before its first checkpoint, so a restart can replay its journaled samples. Built under the gate:
                    // the series is published, another request may already be learning into it.
                    journal?.NewMetricSeries.Add(Record(state, state.Detector, state.Kind, now));
                }
                state.KeepHourlyMeansFor(config);
                // The chart's last point bounds the series too: a relearned detector has no last timestamp of its own.
                var lastCharted = state.Points.Last?.Ticks ?? long.MinValue;
                // Stable sort: a batch's own points of one series are scored in time order whatever order they came in.
                foreach (var sample in group.OrderBy(s => s.Timestamp))
                {
                    if (!double.IsFinite(sample.Value))
                    {
                        Count(reasons, MetricSkipReasons.NonFinite);
                        continue;
                    }
                    if (sample.Timestamp > now.UtcDateTime + MaxFutureSkew)
                    {
                        Count(reasons, MetricSkipReasons.Future);
                        continue;
                    }
                    var score = sample.Timestamp.Ticks <= lastCharted ? AnomalyScore.Skipped(AnomalySignal.OutOfOrder)
                        : state.Detector.Update(sample.Timestamp, sample.Value);
                    if (score.Signal == AnomalySignal.OutOfOrder)
                    {
                        Count(reasons, MetricSkipReasons.OutOfOrder);
                        continue;
                    }
                    accepted++;
                    learned?.Add((group.Key, sample.Timestamp.Ticks, sample.Value));
                    var point = new MetricPoint(sample.Timestamp.Ticks, sample.Value, (float)score.Score, (float)score.Expected,
                        (float)score.Lower, (float)score.Upper, score.Signal);
                    state.Points.Add(point);
                    state.Hourly?.Add(sample.Timestamp, sample.Value);
                    state.MarkChanged(now);
                    state.LastLearnedAt = now;
                    var flagged = point.IsAnomaly(threshold);
                    if (flagged)
                    {
                        anomalies++;
                        state.Anomalies++;
                        state.LastAnomaly = point;
                    }
                    // Only live points alert: history (a backfill, or a late push older than the hold window) is charted only.
                    if (alerting && now - new DateTimeOffset(sample.Timestamp) <= MetricAlerts.HoldFor && Evaluate(state, point, flagged, now) is { } alert)
                    {
                        alerts.Add(alert);
                    }
                }
                rowsWanted |= durable && state.HoldsUnjournaledSamples;
            }
        }
        if (journal is not null && (learned!.Count > 0 || journal.NewMetricSeries.Count > 0 || rowsWanted))
        {
            await JournalAsync(journal, learned, journaledSeries!, rowsWanted, alerts);
        }
        await SendAlertsAsync(alerts);
        return new MetricsAccepted(accepted, samples.Count - accepted, reasons, touched, anomalies);
    }

    /// <summary>
    /// Commits a push's accepted samples (and first-sighting rows) so its 2xx survives a crash. The detectors learned
    /// them already, so if the commit fails they are in memory only: each series remembers it
    /// (<see cref="MetricSeriesState.HoldsUnjournaledSamples"/>) and its next push — the client's retry, whose samples
    /// the detector now calls out of order — saves the series' whole row with its own commit before it is answered.
    /// The alerts the samples raised are sent either way: the series' alert timers already count them as sent.
    /// </summary>
    private async Task JournalAsync(ChangeSet journal, List<(string SeriesId, long Ticks, double Value)> learned,
        List<MetricSeriesState> series, bool rowsWanted, List<Alert> alerts)
    {
        // Stamped after every sample above was learned: a checkpoint that began later reflects them all.
        var recordedAt = _time.GetUtcNow().UtcTicks;
        foreach (var (seriesId, ticks, value) in learned)
        {
            journal.MetricSamples.Add(new MetricSampleRecord(seriesId, ticks, value, recordedAt));
        }
        var rows = new List<(MetricSeriesState State, int FailedCommits)>();
        Exception? failure = null;
        if (rowsWanted)
        {
            await _rowWrites.WaitAsync(CancellationToken.None);
        }
        try
        {
            if (rowsWanted)
            {
                foreach (var state in series)
                {
                    lock (state.Gate)
                    {
                        // A series deleted meanwhile stays deleted: its row must not be written back.
                        if (state.HoldsUnjournaledSamples && _series.TryGetValue(state.Key.Id, out var current) && ReferenceEquals(current, state))
                        {
                            journal.MetricSeries.Add(Record(state, state.Detector, state.Kind, _time.GetUtcNow()));
                            rows.Add((state, state.FailedJournalCommits));
                        }
                    }
                }
            }
            await _store.ApplyAsync([journal], CancellationToken.None);
        }
        catch (Exception ex)
        {
            foreach (var state in series)
            {
                lock (state.Gate)
                {
                    state.JournalCommitFailed();
                }
            }
            failure = ex;
        }
        finally
        {
            if (rowsWanted)
            {
                _rowWrites.Release();
            }
        }
        if (failure is not null)
        {
            // Sent after the row writes are released: checkpoints, relearns and deletes need not wait for the pipeline.
            await SendAlertsAsync(alerts);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        foreach (var (state, failedCommits) in rows)
        {
            lock (state.Gate)
            {
                state.RowSaved(failedCommits);
            }
        }
        Interlocked.Add(ref _journaledSinceCheckpoint, journal.MetricSamples.Count);
    }

    private async Task SendAlertsAsync(List<Alert> alerts)
    {
        if (alerts.Count == 0)
        {
            return;
        }
        try
        {
            await _pipeline.IngestAsync(alerts, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The points are scored; an alert that failed is re-sent by the next anomalous point of its series.
            LogAlertsFailed(ex, alerts.Count);
        }
    }

    /// <summary>
    /// A flagged point raises the alert; while it is active, points still outside the expected band keep it alive
    /// (the detector's novelty score flags an event once, the band says whether it is over). At most one send per
    /// <see cref="MetricAlerts.ResendInterval"/> per series, and new alerts are rate-limited across all series.
    /// </summary>
    private Alert? Evaluate(MetricSeriesState state, MetricPoint point, bool flagged, DateTimeOffset now)
    {
        var active = state.AnomalySentAt is { } sent && now - sent < MetricAlerts.HoldFor;
        var outside = point.Value < point.Lower || point.Value > point.Upper;
        if (!(flagged || (active && outside)))
        {
            return null;
        }
        if (active && now - state.AnomalySentAt!.Value < MetricAlerts.ResendInterval)
        {
            return null;
        }
        if (!active)
        {
            if (!_budget.TryTake(Config.MaxAlertsPerMinute))
            {
                return null;
            }
            state.AnomalyStartedAt = now;
        }
        state.AnomalySentAt = now;
        return MetricAlerts.ForAnomaly(state.Key, point, state.AnomalyStartedAt, now);
    }

    /// <summary>
    /// The detector of a new series: the first rule of <c>metrics.detectors</c> that matches it and has room (its
    /// <c>max_series</c>), else <c>metrics.detector</c>.
    /// </summary>
    private (MetricDetectorKind Kind, MetricDetectorRule? Rule) ChooseDetector(SeriesKey key, MetricsConfig config)
    {
        if (config.DetectorRules.Count == 0)
        {
            return (config.Detector, null);
        }
        var labels = key.ToLabelSet();
        foreach (var rule in config.DetectorRules)
        {
            if (!rule.Matchers.MatchesAll(labels))
            {
                continue;
            }
            if (_seriesPerRule.AddOrUpdate(rule.Key, 1, (_, count) => count + 1) <= (rule.MaxSeries ?? int.MaxValue))
            {
                return (rule.Detector, rule);
            }
            ReleaseRule(rule.Key); // full: the next rule or the default
        }
        return (config.Detector, null);
    }

    /// <summary>A restored series counts towards the first rule that matches it and gives its detector.</summary>
    private MetricDetectorRule? RuleOfRestored(SeriesKey key, MetricDetectorKind kind, MetricsConfig config)
    {
        if (config.DetectorRules.Count == 0)
        {
            return null;
        }
        var labels = key.ToLabelSet();
        var rule = config.DetectorRules.FirstOrDefault(r => r.Detector == kind && r.Matchers.MatchesAll(labels));
        TakeRule(rule?.Key);
        return rule;
    }

    /// <summary>
    /// A series keeps the detector it was created with, whatever the configuration says now: the stored row names it.
    /// Rows stored before it was named are tried with each kind's settings (importing a state with another kind's
    /// settings is refused).
    /// </summary>
    private static (MetricAnomalyDetector Detector, MetricDetectorKind Kind) ImportDetector(MetricSeriesRecord record)
    {
        if (MetricDetectorNames.Parse(record.Detector) is { } named)
        {
            return (MetricAnomalyDetector.ImportState(record.State, MetricDetectorSettings.Of(named)), named);
        }
        var state = record.State;
        foreach (var kind in new[] { MetricDetectorKind.Lightweight, MetricDetectorKind.Balanced })
        {
            try
            {
                return (MetricAnomalyDetector.ImportState(state, MetricDetectorSettings.Of(kind)), kind);
            }
            catch (FormatException)
            {
                // another kind's state: try the next
            }
        }
        return (MetricAnomalyDetector.ImportState(state, MetricDetectorSettings.Of(MetricDetectorKind.Contextual)), MetricDetectorKind.Contextual);
    }

    private static MetricAnomalyDetector NewDetector(MetricDetectorKind kind) => new(MetricDetectorSettings.Of(kind));

    /// <summary>The stored row of <paramref name="state"/> with <paramref name="detector"/> (its own, or the fresh one a
    /// relearn is about to give it); the caller holds the series' gate.</summary>
    private static MetricSeriesRecord Record(MetricSeriesState state, MetricAnomalyDetector detector, MetricDetectorKind kind, DateTimeOffset at) =>
        new(state.Key.Id, state.Key.Name, state.Key.Labels, detector.ExportState(), StoredHistory.Encode(state.Points, state.Hourly), at, MetricDetectorNames.Of(kind));

    private static void Count(Dictionary<string, int> reasons, string reason, int count = 1) =>
        reasons[reason] = reasons.GetValueOrDefault(reason) + count;

    /// <summary>
    /// A checkpoint: writes the changed series of this round's slot (every changed series with
    /// <paramref name="everything"/>, at shutdown) in one commit, and prunes the journaled samples every saved state
    /// already reflects: those recorded before the checkpoint began and before the oldest change still unsaved.
    /// </summary>
    public Task SaveAsync(CancellationToken ct, bool everything = false) =>
        InRowWriteTurnAsync(() => SaveRowsAsync(ct, everything), ct);

    /// <summary>Runs <paramref name="write"/> holding <see cref="_rowWrites"/>: from its snapshot to its commit.</summary>
    private async Task<T> InRowWriteTurnAsync<T>(Func<Task<T>> write, CancellationToken ct)
    {
        await _rowWrites.WaitAsync(ct);
        try
        {
            return await write();
        }
        finally
        {
            _rowWrites.Release();
        }
    }

    private Task InRowWriteTurnAsync(Func<Task> write, CancellationToken ct) =>
        InRowWriteTurnAsync(async () => { await write(); return true; }, ct);

    private async Task SaveRowsAsync(CancellationToken ct, bool everything)
    {
        var started = Stopwatch.GetTimestamp();
        var now = _time.GetUtcNow();
        var slot = (int)((uint)Interlocked.Increment(ref _checkpoints) % CheckpointSlots);
        var journaled = Interlocked.Exchange(ref _journaledSinceCheckpoint, 0);
        var changes = new ChangeSet();
        var saved = new List<(MetricSeriesState State, DateTimeOffset DirtySince, int FailedCommits)>();
        var keepJournalFrom = now;
        foreach (var state in _series.Values)
        {
            lock (state.Gate)
            {
                if (!state.Dirty)
                {
                    continue;
                }
                if (!everything && state.CheckpointSlot != slot)
                {
                    keepJournalFrom = state.DirtySince < keepJournalFrom ? state.DirtySince : keepJournalFrom;
                    continue;
                }
                changes.MetricSeries.Add(Record(state, state.Detector, state.Kind, now));
                saved.Add((state, state.DirtySince, state.FailedJournalCommits));
                state.MarkSaved();
            }
        }
        changes.PruneMetricSamplesRecordedBeforeTicks = journaled > 0 ? keepJournalFrom.UtcTicks : null;
        if (changes.IsEmpty)
        {
            return;
        }
        try
        {
            await _store.ApplyAsync([changes], ct);
            LogCheckpoint(changes.MetricSeries.Count, changes.MetricSeries.Sum(r => (long)r.State.Length + r.Points.Length),
                (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (keepJournalFrom < now)
            {
                // Series left for later checkpoints may have journaled samples: a later checkpoint prunes them.
                Interlocked.Add(ref _journaledSinceCheckpoint, journaled);
            }
        }
        catch
        {
            // Mark them dirty again so the next save retries (and prunes).
            Interlocked.Add(ref _journaledSinceCheckpoint, journaled);
            foreach (var (state, dirtySince, _) in saved)
            {
                lock (state.Gate)
                {
                    state.MarkChanged(dirtySince);
                }
            }
            throw;
        }
        foreach (var (state, _, failedCommits) in saved)
        {
            lock (state.Gate)
            {
                state.RowSaved(failedCommits);
            }
        }
    }

    /// <summary>Reloads every stored series' detector and points. Runs before the server accepts requests.</summary>
    public async Task RestoreAsync(CancellationToken ct)
    {
        // A restored series is dated from the start, not from its last save: time Vigil was down does not count towards
        // metrics.series_ttl (a week-long outage would otherwise forget every series at the first checkpoint).
        var restoredAt = _time.GetUtcNow();
        await foreach (var record in _store.ReadMetricSeriesAsync(ct))
        {
            var key = new SeriesKey(record.Name, record.Labels);
            try
            {
                var (detector, kind) = ImportDetector(record);
                var (points, hourly, hourlyProblem) = StoredHistory.Decode(record.Points, PointsKept);
                if (hourlyProblem is not null)
                {
                    LogHourlyDropped(key.Canonical, hourlyProblem);
                }
                var state = new MetricSeriesState(key, detector, points, kind, RuleOfRestored(key, kind, Config)?.Key) { LastLearnedAt = restoredAt };
                state.KeepHourlyMeansFor(Config, hourly);
                var threshold = state.Threshold(Config);
                // The chart shows the restored points' anomalies, so the count starts from them, not from zero.
                for (var i = 0; i < points.Count; i++)
                {
                    if (points[i].IsAnomaly(threshold))
                    {
                        state.Anomalies++;
                        state.LastAnomaly = points[i];
                    }
                }
                _series[key.Id] = state;
            }
            catch (FormatException ex)
            {
                // State from another detector version: the series starts learning again rather than blocking the start.
                LogRestoreFailed(key.Canonical, ex.Message);
            }
        }
        await ReplayJournalAsync(ct);
        LogRestored(_series.Count);
    }

    /// <summary>Samples replayed per ingest call: the journal is read one sample at a time, so a long one (a crash under
    /// load) is not held in memory whole — 12 million journaled samples took the start-up peak from 1.7 to 3.0 GB.</summary>
    private const int ReplayBatch = 50_000;

    /// <summary>Learns again the pushed samples journaled after the last checkpoint; samples a state already holds are skipped as out of order.</summary>
    private async Task ReplayJournalAsync(CancellationToken ct)
    {
        var (journaled, learned, oldestTicks) = (0, 0, long.MaxValue);
        var touched = new HashSet<MetricSeriesState>();
        var batch = new List<MetricSample>(ReplayBatch);
        await foreach (var record in _store.ReadMetricSamplesAsync(ct))
        {
            journaled++;
            oldestTicks = Math.Min(oldestTicks, record.RecordedAtTicks);
            if (!_series.TryGetValue(record.SeriesId, out var state))
            {
                continue;
            }
            touched.Add(state);
            batch.Add(new MetricSample(state.Key, new DateTime(record.TimestampTicks, DateTimeKind.Utc), record.Value));
            if (batch.Count == ReplayBatch)
            {
                learned += (await IngestAsync(batch, alerting: false, ct)).Accepted;
                batch.Clear();
            }
        }
        if (journaled == 0)
        {
            return;
        }
        learned += batch.Count > 0 ? (await IngestAsync(batch, alerting: false, ct)).Accepted : 0;
        // The replayed samples were journaled before this start: their series count as changed since the oldest of
        // them, so no checkpoint prunes them before their series is saved (the ingest above dated the change now).
        var oldest = new DateTimeOffset(oldestTicks, TimeSpan.Zero);
        foreach (var state in touched)
        {
            lock (state.Gate)
            {
                state.MarkChanged(oldest);
            }
        }
        Interlocked.Add(ref _journaledSinceCheckpoint, journaled);
        LogReplayed(journaled, learned);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metric detection replayed {Journaled} journaled samples ({Learned} not yet in the saved states)")]
    private partial void LogReplayed(int journaled, int learned);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing {Count} metric alerts failed")]
    private partial void LogAlertsFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Metric checkpoint: {Series} series, {Bytes} bytes of state and points, in {Milliseconds} ms")]
    private partial void LogCheckpoint(int series, long bytes, long milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Metric detection restored {Series} series")]
    private partial void LogRestored(int series);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metric series {Series}: its stored hourly means could not be read ({Reason}); they start again")]
    private partial void LogHourlyDropped(string series, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metric series {Series}: stored state could not be read ({Reason}); it starts learning again")]
    private partial void LogRestoreFailed(string series, string reason);
}
