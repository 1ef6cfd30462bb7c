using System.Collections.Concurrent;
using Vigil.Analytics.Logs;
using Vigil.Core.Alerts;
using Vigil.Core.Config;
using Vigil.Core.LogPatterns;
using Vigil.Core.Store;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Logs;

/// <summary>What one log request did.</summary>
public sealed record LogsAccepted(int Accepted, int Skipped, IReadOnlyDictionary<string, int> Reasons);

/// <summary>
/// Online log mining: each source's lines go through its <see cref="LogMiner"/>; the batch's net effect (new or
/// changed templates, per-minute count increments, examples, the miner's id counter and merge aliases) is committed
/// in one transaction before the request is answered, so a 2xx means durable. Findings become alerts in the normal
/// pipeline after the commit.
/// </summary>
/// <remarks>
/// Counts are bucketed by arrival minute, not by the lines' own timestamps: the detector judges live rates, and a
/// backfill of old lines would otherwise land in minutes whose history has already been judged.
/// Mining is per process: with several replicas, send each source to one replica (e.g. by hashing the source at the
/// load balancer), or templates would be learned twice with different ids.
/// </remarks>
public sealed partial class LogIngest
{
    private readonly ConcurrentDictionary<string, LogSourceState> _sources = new(StringComparer.Ordinal);
    private readonly LogMinerRegistry _registry;
    private readonly IVigilStore _store;
    private readonly AlertPipeline _pipeline;
    private readonly ConfigHolder _config;
    private readonly TimeProvider _time;
    private readonly ILogger<LogIngest> _logger;
    private readonly AlertBudget _budget;
    private readonly SourceRefusals _refusals;

    public LogIngest(IVigilStore store, AlertPipeline pipeline, ConfigHolder config, TimeProvider time, ILogger<LogIngest> logger)
    {
        _store = store;
        _pipeline = pipeline;
        _config = config;
        _time = time;
        _logger = logger;
        _registry = new LogMinerRegistry(OptionsFor, time);
        _budget = new AlertBudget(time);
        _refusals = new SourceRefusals(time);
    }

    public RateSpikeOptions SpikeOptions { get; init; } = new();

    private LogsConfig Config => _config.Current.Logs;

    private MinerOptions OptionsFor(string source) => new()
    {
        MaskPatterns = _config.Current.Logs.For(source).Masks,
        OnMaskSwitchedOff = pattern => LogMaskSwitchedOff(source, pattern, VariableMasker.BacktrackingTimeout.TotalMilliseconds),
    };

    /// <summary>
    /// Mines, stores and evaluates a parsed batch; returns once everything is committed. Every source of the request
    /// commits in one transaction, all or nothing (a request whose second source failed left the first one's lines
    /// stored, and the retry counted them twice): the sources' gates are taken in name order, so two requests sharing
    /// sources cannot deadlock. If the commit fails every source of the request is reloaded from storage before its next
    /// lines, so the client's retry finds the miner as the last 2xx left it.
    /// </summary>
    public async Task<LogsAccepted> IngestAsync(LogBatch batch, CancellationToken ct)
    {
        var sources = new List<(LogSourceState State, List<LogLine> Lines)>();
        foreach (var group in batch.Lines.GroupBy(l => l.Source, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var lines = group.ToList();
            if (Resolve(group.Key, lines.Count, batch) is { } state)
            {
                sources.Add((state, lines));
            }
        }
        var alerts = new List<Alert>();
        var accepted = 0;
        while (true)
        {
            var held = new List<LogSourceState>(sources.Count);
            try
            {
                foreach (var (state, _) in sources)
                {
                    await state.Gate.WaitAsync(ct);
                    held.Add(state);
                }
                if (!held.Exists(s => s.Forgotten))
                {
                    accepted = await MineAndCommitAsync(sources, batch, alerts, ct);
                    break;
                }
            }
            finally
            {
                foreach (var state in held)
                {
                    state.Gate.Release();
                }
            }
            // A source forgotten while this request waited for it: its lines start the source afresh, as if they had
            // come a moment later (mined into the forgotten state, their commit would write its templates back).
            sources = [.. sources.Select(s => (State: s.State.Forgotten ? Resolve(s.State.Name, s.Lines.Count, batch) : s.State, s.Lines))
                .Where(s => s.State is not null).Select(s => (s.State!, s.Lines))];
        }
        if (alerts.Count > 0)
        {
            try
            {
                await _pipeline.IngestAsync(alerts, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The lines are stored; an alert that failed is re-evaluated with the next lines of its template.
                LogAlertsFailed(ex, alerts.Count);
            }
        }
        return new LogsAccepted(accepted, batch.Skipped, batch.SkippedReasons);
    }

    /// <summary>Mines every source's lines and commits them together (the sources' gates held).</summary>
    private async Task<int> MineAndCommitAsync(List<(LogSourceState State, List<LogLine> Lines)> sources, LogBatch batch, List<Alert> alerts, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        // Every reload first: one failing after another source had mined would leave that source ahead of storage.
        foreach (var (state, _) in sources)
        {
            if (state.AheadOfStorage)
            {
                await ReloadAsync(state, ct);
            }
        }
        var mined = new List<(LogSourceState State, Dictionary<long, long> Touched)>(sources.Count);
        var changes = new List<ChangeSet>(sources.Count);
        var learning = new List<LogSourceState>(sources.Count);
        var accepted = 0;
        try
        {
            foreach (var (state, lines) in sources)
            {
                learning.Add(state);
                ApplySettings(state);
                var (sourceChanges, touched, sourceAccepted) = Mine(state, lines, batch, now);
                if (sourceAccepted > 0)
                {
                    mined.Add((state, touched));
                    changes.Add(sourceChanges);
                    accepted += sourceAccepted;
                }
            }
            if (changes.Count == 0)
            {
                return 0;
            }
            // Not cancellable: the miners have already learned the batch, and storage must not fall behind them.
            await _store.ApplyAsync(changes, CancellationToken.None);
        }
        catch
        {
            foreach (var state in learning)
            {
                state.AheadOfStorage = true;
            }
            throw;
        }
        foreach (var (state, touched) in mined)
        {
            foreach (var (id, count) in touched)
            {
                // A template the batch touched and then evicted has no history to keep (it would never be forgotten).
                if (state.Templates.ContainsKey(id))
                {
                    state.Spikes.Record(id, now, count);
                }
            }
            Evaluate(state, touched.Keys, now, alerts);
        }
        return accepted;
    }

    /// <summary>Mines one source's lines into its miner and templates; returns the changes to commit for them.</summary>
    private static (ChangeSet Changes, Dictionary<long, long> Touched, int Accepted) Mine(LogSourceState state, List<LogLine> lines, LogBatch batch, DateTimeOffset now)
    {
        var minute = MinuteSeries.MinuteOf(now);
        var touched = new Dictionary<long, long>();
        var changes = new ChangeSet();
        var needSync = false;
        var accepted = 0;
        var fields = new Range[state.Format?.Fields.Count ?? 0];
        var levelField = state.Format is null ? -1 : state.Format.Fields.ToList().IndexOf("Level");
        foreach (var line in lines)
        {
            ReadOnlySpan<char> content = line.Message;
            var declared = line.Level;
            if (state.Format is { } format)
            {
                if (!format.TryMatch(line.Message, fields))
                {
                    batch.Skip(SkipReasons.FormatMismatch);
                    continue;
                }
                content = content[fields[format.ContentIndex]];
                if (declared is null && levelField >= 0)
                {
                    declared = line.Message[fields[levelField]];
                }
            }
            var match = state.Miner.Add(content, now);
            if (!state.Templates.TryGetValue(match.TemplateId, out var info))
            {
                var level = LogLevels.Guess(declared, line.Message);
                info = new TemplateInfo
                {
                    Id = match.TemplateId,
                    Text = match.Template,
                    Level = level,
                    Service = line.Service,
                    Look = LogLevels.Classify(level, match.Template),
                    FirstSeen = now,
                    Novel = match.IsNew,
                };
                state.Templates[match.TemplateId] = info;
                needSync = true;
            }
            else if (!string.Equals(info.Text, match.Template, StringComparison.Ordinal))
            {
                info.Text = match.Template;
                needSync = true;
            }
            info.Count++;
            info.LastSeen = now;
            info.AddExample(line.Message);
            touched[match.TemplateId] = touched.GetValueOrDefault(match.TemplateId) + 1;
            accepted++;
        }
        if (accepted == 0)
        {
            return (changes, touched, 0);
        }
        // Merges and evictions happen inside the miner; a template count that no longer matches ours reveals them.
        if (needSync || state.Miner.TemplateCount != state.Templates.Count)
        {
            Sync(state, touched, changes);
        }
        state.Lines += accepted;
        state.LastLineAt = now;
        foreach (var (id, count) in touched)
        {
            if (state.Templates.TryGetValue(id, out var info))
            {
                changes.LogCounts.Add(new LogMinuteCount(state.Name, id, minute, count));
                changes.LogTemplates.Add(Record(state.Name, info));
            }
        }
        changes.LogSources.Add(new LogSourceRecord(state.Name, state.NextId, state.Aliases, state.Lines, now));
        return (changes, touched, accepted);
    }

    /// <summary>Takes the miner's view of templates (tokens after merges, counts, ids gone) and the id counter.</summary>
    private static void Sync(LogSourceState state, Dictionary<long, long> touched, ChangeSet changes)
    {
        var snapshot = state.Miner.Export();
        var live = new HashSet<long>(snapshot.Templates.Count);
        foreach (var t in snapshot.Templates)
        {
            live.Add(t.Id);
            if (!state.Templates.TryGetValue(t.Id, out var info))
            {
                info = new TemplateInfo
                {
                    Id = t.Id,
                    Text = t.Template,
                    Level = LogLevels.Unknown,
                    Service = state.Name,
                    Look = LogLevels.Classify(LogLevels.Unknown, t.Template),
                    FirstSeen = t.FirstSeen,
                    Novel = false,
                };
                state.Templates[t.Id] = info;
            }
            if (!info.HasTokens || !info.Tokens.SequenceEqual(t.Tokens) || !info.VariableSlots.SequenceEqual(t.VariableSlots)
                || !string.Equals(info.Text, t.Template, StringComparison.Ordinal))
            {
                info.Text = t.Template;
                info.Tokens = t.Tokens;
                info.VariableSlots = t.VariableSlots;
                touched.TryAdd(t.Id, 0);
            }
            info.Count = t.Count;
        }
        foreach (var id in state.Templates.Keys.Where(id => !live.Contains(id)).ToList())
        {
            state.Templates.Remove(id);
            changes.DeletedLogTemplates.Add(new LogTemplateKey(state.Name, id));
            if (state.Miner.Resolve(id) is { } survivor && survivor != id)
            {
                // Merged: its history (stored counts, this batch's lines, the spike detector's minutes) goes to the survivor.
                changes.MergedLogTemplates.Add(new LogTemplateMerge(state.Name, id, survivor));
                if (touched.Remove(id, out var lines))
                {
                    touched[survivor] = touched.GetValueOrDefault(survivor) + lines;
                }
                state.Spikes.Merge(id, survivor);
            }
            else
            {
                state.Spikes.Forget(id);
            }
        }
        state.NextId = snapshot.NextId;
        state.Aliases = snapshot.Aliases;
    }

    /// <summary>
    /// Raises the new-error-pattern and rate-spike alerts of the touched templates. A new alert (not a re-send of one
    /// still firing) takes a place in the storm guard (<c>logs.max_alerts_per_minute</c>): 2,000 error lines that each
    /// made a template of their own raised 2,000 alerts in one request. A held-back alert is raised by the template's
    /// next lines once there is room.
    /// </summary>
    private void Evaluate(LogSourceState state, IEnumerable<long> ids, DateTimeOffset now, List<Alert> alerts)
    {
        foreach (var id in ids)
        {
            if (!state.Templates.TryGetValue(id, out var info))
            {
                continue;
            }
            if (info.Novel && info.Look != ErrorLook.None && now - info.FirstSeen < LogPatternAlerts.NewPatternWindow && Due(info.NewErrorSentAt, now)
                && MayRaise(info.NewErrorSentAt, now))
            {
                alerts.Add(LogPatternAlerts.NewError(Facts(state, info), info.Look, now));
                info.NewErrorSentAt = now;
            }
            if (state.Spikes.Check(id) is { } spike && Due(info.SpikeSentAt, now) && MayRaise(info.SpikeSentAt, now))
            {
                alerts.Add(LogPatternAlerts.Spike(Facts(state, info), spike, now));
                info.SpikeSentAt = now;
            }
        }
    }

    /// <summary>New log-pattern alerts the storm guard held back since the start.</summary>
    public long SuppressedAlerts => _budget.Suppressed;

    private bool MayRaise(DateTimeOffset? sentAt, DateTimeOffset now) =>
        (sentAt is { } sent && now - sent < LogPatternAlerts.HoldFor) || _budget.TryTake(Config.MaxAlertsPerMinute);

    private static bool Due(DateTimeOffset? sentAt, DateTimeOffset now) => sentAt is null || now - sentAt.Value >= LogPatternAlerts.ResendInterval;

    private static LogPatternFacts Facts(LogSourceState state, TemplateInfo info) =>
        new(state.Name, info.Service, info.Id, info.Text, info.Level, info.Count, info.FirstSeen, info.Examples);

    private static LogTemplateRecord Record(string source, TemplateInfo info) => new(
        source, info.Id, info.Text, info.Tokens, info.VariableSlots, info.Level, info.Service, info.Count, info.FirstSeen, info.LastSeen,
        [.. info.Examples]);

    /// <summary>
    /// The state of <paramref name="source"/>, created if there is room; null (its lines skipped as
    /// <c>source_limit</c>, and the refusal logged) when <c>logs.max_sources</c> sources are already mined. A state
    /// being forgotten is returned as it is: the forgetting holds its gate until the state and miner are gone, so the
    /// caller, once it has the gate, sees it forgotten and resolves again (creating the new state here earlier could
    /// pick up the old miner before it is dropped).
    /// </summary>
    private LogSourceState? Resolve(string source, int lines, LogBatch batch)
    {
        if (_sources.TryGetValue(source, out var state))
        {
            return state;
        }
        if (_sources.Count >= Config.MaxSources)
        {
            // Each source holds a miner (~40 KB and up): an unbounded number of job labels must not exhaust memory.
            for (var i = 0; i < lines; i++)
            {
                batch.Skip(SkipReasons.SourceLimit);
            }
            if (_refusals.Refused(source, lines))
            {
                LogSourceRefused(source, Config.MaxSources, _refusals.Lines);
            }
            return null;
        }
        return _sources.GetOrAdd(source, CreateState);
    }

    private LogSourceState CreateState(string source)
    {
        var settings = _config.Current.Logs.For(source);
        return new(source, settings, _registry.For(source), FormatFor(source, settings), new RateSpikeDetector(SpikeOptions, _time));
    }

    /// <summary>
    /// Applies a reloaded config to a source (called under its gate): a new format splits the next lines; new masks
    /// rebuild the miner from its own snapshot, so ids, counts and merges carry on and only later lines see the masks.
    /// </summary>
    private void ApplySettings(LogSourceState state)
    {
        var settings = _config.Current.Logs.For(state.Name);
        if (ReferenceEquals(settings, state.Settings))
        {
            return;
        }
        if (!string.Equals(settings.Format, state.Settings.Format, StringComparison.Ordinal))
        {
            state.Format = FormatFor(state.Name, settings);
        }
        if (!settings.Masks.SequenceEqual(state.Settings.Masks, StringComparer.Ordinal))
        {
            _registry.Restore(state.Name, state.Miner.Export());
            state.Miner = _registry.For(state.Name);
            LogMasksChanged(state.Name, settings.Masks.Count);
        }
        state.Settings = settings;
    }

    private LogFormat? FormatFor(string source, LogSourceSettings settings)
    {
        if (settings.Format is not { } format)
        {
            return null;
        }
        try
        {
            return LogFormat.Parse(format);
        }
        catch (FormatException ex)
        {
            // A backstop: the config loader runs this same parser, so an invalid format does not load. Reported once;
            // whole lines are mined.
            LogBadFormat(source, ex.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log source {Source} refused: logs.max_sources ({Max}) sources are mined, so its lines are skipped as source_limit (answered 200, so shippers count them delivered; {Lines} lines refused since the start). Sources idle for logs.source_ttl are forgotten; DELETE /api/v1/logs/sources/{{name}} frees a place now. Warned once an hour per source")]
    private partial void LogSourceRefused(string source, int max, long lines);

    [LoggerMessage(Level = LogLevel.Information, Message = "Log source {Source}: masks changed ({Count} configured); its miner keeps its templates and masks new lines with them")]
    private partial void LogMasksChanged(string source, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Log source {Source}: mask '{Mask}' took over {Milliseconds} ms on a line and is switched off until its masks change or the server restarts: it needs the backtracking regex engine (back-references, look-arounds, atomic groups), which can take exponential time; write it without those to keep it linear")]
    private partial void LogMaskSwitchedOff(string source, string mask, double milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing {Count} log-pattern alerts failed")]
    private partial void LogAlertsFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Log source {Source}: format is invalid ({Reason}); mining whole lines")]
    private partial void LogBadFormat(string source, string reason);
}
