using Vigil.Core.Alerts;
using Vigil.Core.Escalation;
using Vigil.Core.Incidents;
using Vigil.Core.Notifications;
using Vigil.Core.Security;
using Vigil.Core.Silences;
using Vigil.Core.Store;

namespace Vigil.Storage.Common;

/// <summary>
/// The net effect of several change sets applied in order: for keyed rows only the last write (or delete) of each
/// key survives, appended rows keep their order. Writing the net effect gives the same final state as replaying the
/// sets one by one, but lets each table be written with one bulk statement — and PostgreSQL's
/// <c>INSERT ... ON CONFLICT DO UPDATE</c> rejects a batch that touches the same key twice, so this is also needed
/// for correctness there.
/// </summary>
internal sealed class NetChanges
{
    /// <summary>Alerts by fingerprint; null means delete.</summary>
    public Dictionary<Fingerprint, Alert?> Alerts { get; } = [];

    /// <summary>
    /// Conditional deletes (<see cref="ChangeSet.ExpiredAlerts"/>) of alerts no set of the commit wrote or deleted: the
    /// stored row goes only if its <c>updated_at</c> is not later than this. Disjoint from <see cref="Alerts"/>, whose
    /// entries already hold the outcome of a condition checked against a write of the same commit.
    /// </summary>
    public Dictionary<Fingerprint, DateTimeOffset> ExpiredAlerts { get; } = [];

    public Dictionary<long, Incident> Incidents { get; } = [];

    /// <summary>Incident members by (incident, alert): the first copy wins, as the store keeps the first one stored.</summary>
    public Dictionary<(long IncidentId, Fingerprint Fingerprint), Alert> IncidentMembers { get; } = [];

    public List<TimelineEntry> Timeline { get; } = [];

    /// <summary>Escalations by incident id; null means delete.</summary>
    public Dictionary<long, EscalationState?> Escalations { get; } = [];

    /// <summary>Groups by key; null means delete.</summary>
    public Dictionary<string, AlertGroupRecord?> Groups { get; } = new(StringComparer.Ordinal);

    public Dictionary<Guid, Silence> Silences { get; } = [];

    public Dictionary<string, ApiToken> Tokens { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, IntegrationKey> IntegrationKeys { get; } = new(StringComparer.Ordinal);

    public List<AuditEntry> Audit { get; } = [];

    public Dictionary<string, string> Meta { get; } = new(StringComparer.Ordinal);

    /// <summary>Log templates by key; null means delete.</summary>
    public Dictionary<LogTemplateKey, LogTemplateRecord?> LogTemplates { get; } = [];

    /// <summary>Per-minute increments summed by (source, template, minute): one row per key per statement.</summary>
    public Dictionary<(string Source, long TemplateId, long Minute), long> LogCounts { get; } = [];

    public Dictionary<string, LogSourceRecord> LogSources { get; } = new(StringComparer.Ordinal);

    /// <summary>Sources whose stored row, templates and counts are deleted; the writers delete them before the other log
    /// writes, from which the writes of sets merged before the deletion were already taken out.</summary>
    public HashSet<string> DeletedLogSources { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Template merges whose stored counts move to the survivor, chains resolved (A→B then B→C is A→C and B→C), so they
    /// can run in any order after the increments — which were already re-keyed to the survivor here.
    /// </summary>
    public Dictionary<LogTemplateKey, long> LogMerges { get; } = [];

    /// <summary>The latest retention cut-off of the change sets; applied before their increments.</summary>
    public long? PruneLogCountsBeforeMinute { get; private set; }

    /// <summary>Metric series by id: the last write wins.</summary>
    public Dictionary<string, MetricSeriesRecord> MetricSeries { get; } = new(StringComparer.Ordinal);

    /// <summary>First sightings of series, inserted only if absent (the first one per id is kept).</summary>
    public Dictionary<string, MetricSeriesRecord> NewMetricSeries { get; } = new(StringComparer.Ordinal);

    public List<MetricSampleRecord> MetricSamples { get; } = [];

    /// <summary>Series whose stored row is deleted; the writers delete them before writing <see cref="MetricSeries"/> and
    /// <see cref="NewMetricSeries"/>, from which the rows of sets merged before the deletion were already taken out.</summary>
    public HashSet<string> DeletedMetricSeries { get; } = new(StringComparer.Ordinal);

    /// <summary>Series whose stored journal is dropped; the writers delete it before appending <see cref="MetricSamples"/>,
    /// from which the samples of sets merged before the drop were already taken out.</summary>
    public HashSet<string> DroppedMetricJournals { get; } = new(StringComparer.Ordinal);

    public long? PruneMetricSamplesRecordedBeforeTicks { get; private set; }

    /// <summary>SLI event increments summed by (SLO, minute): one row per key per statement.</summary>
    public Dictionary<(string Slo, long Minute), (double Good, double Total)> SloMinutes { get; } = [];

    /// <summary>The latest SLI retention cut-off of the change sets; applied before their increments.</summary>
    public long? PruneSloMinutesBeforeMinute { get; private set; }

    /// <summary>Stored SLO minute ranges to delete; applied before the increments (earlier increments in range were dropped).</summary>
    public List<SloMinuteRange> ClearedSloMinutes { get; } = [];

    /// <summary>Prometheus read progress by SLO; null means delete.</summary>
    public Dictionary<string, SloSourceRecord?> SloSources { get; } = new(StringComparer.Ordinal);

    /// <summary>Change freezes by (SLO, objective); null means delete.</summary>
    public Dictionary<(string Slo, int Objective), SloFreezeRecord?> SloFreezes { get; } = [];

    /// <summary>Notifications to queue by dedup key (the first one queued wins, as the table's unique key would decide).</summary>
    public Dictionary<string, OutboxMessage> Outbox { get; } = new(StringComparer.Ordinal);

    /// <summary>Delivery outcomes by outbox row id: the last one wins.</summary>
    public Dictionary<long, OutboxUpdate> OutboxUpdates { get; } = [];

    public List<ChangeEventRecord> ChangeEvents { get; } = [];

    public Dictionary<string, Core.OnCall.ScheduleOverride> ScheduleOverrides { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, FreezeExemption> FreezeExemptions { get; } = new(StringComparer.Ordinal);

    /// <summary>Answers by (scope, key): the first of the change sets wins, as the store keeps the first one stored.</summary>
    public Dictionary<(string Scope, string Key), IdempotentAnswer> IdempotentAnswers { get; } = [];

    /// <summary>The latest cut-off for remembered answers; applied before this commit's answers are stored.</summary>
    public DateTimeOffset? ForgetIdempotentAnswersBefore { get; private set; }

    /// <summary>The latest retention cut-off for finished notifications.</summary>
    public DateTimeOffset? ForgetFinishedNotificationsBefore { get; private set; }

    public Dictionary<string, Core.OnCall.ShiftSwap> ShiftSwaps { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Conditional swap decisions by id, none of them for an id in <see cref="ShiftSwaps"/>: the swap as last written,
    /// with the status the first one expects in storage. Several decisions on one swap within these change sets are
    /// checked against each other here (see <see cref="AddSwaps"/>).
    /// </summary>
    public Dictionary<string, SwapTransition> SwapTransitions { get; } = new(StringComparer.Ordinal);

    public static NetChanges From(IReadOnlyList<ChangeSet> changes)
    {
        var net = new NetChanges();
        if (changes.Count == 1)
        {
            net.Alerts.EnsureCapacity(changes[0].Alerts.Count);
        }
        foreach (var set in changes)
        {
            // Within one set deletes go first, so "delete X, then store X again" keeps X — a garbage-collected alert
            // that fires again in the same operation must not disappear.
            foreach (var fp in set.DeletedAlerts)
            {
                net.Alerts[fp] = null;
                net.ExpiredAlerts.Remove(fp);
            }
            foreach (var version in set.ExpiredAlerts)
            {
                Expire(net, version);
            }
            foreach (var alert in set.Alerts)
            {
                net.Alerts[alert.Fingerprint] = alert;
                if (net.ExpiredAlerts.Count > 0)
                {
                    // Written after its conditional delete: the write is what remains, whatever the condition said.
                    net.ExpiredAlerts.Remove(alert.Fingerprint);
                }
            }
            foreach (var incident in set.Incidents)
            {
                net.Incidents[incident.Id] = incident;
            }
            foreach (var member in set.IncidentMembers)
            {
                net.IncidentMembers.TryAdd((member.IncidentId, member.Alert.Fingerprint), member.Alert);
            }
            net.Timeline.AddRange(set.Timeline);
            foreach (var id in set.DeletedEscalations)
            {
                net.Escalations[id] = null;
            }
            foreach (var escalation in set.Escalations)
            {
                net.Escalations[escalation.IncidentId] = escalation;
            }
            foreach (var key in set.DeletedGroups)
            {
                net.Groups[key] = null;
            }
            foreach (var group in set.Groups)
            {
                net.Groups[group.Key] = group;
            }
            foreach (var silence in set.Silences)
            {
                net.Silences[silence.Id] = silence;
            }
            foreach (var token in set.Tokens)
            {
                net.Tokens[token.Id] = token;
            }
            foreach (var key in set.IntegrationKeys)
            {
                net.IntegrationKeys[key.Id] = key;
            }
            net.Audit.AddRange(set.Audit);
            foreach (var (key, value) in set.Meta)
            {
                net.Meta[key] = value;
            }
            AddLogs(net, set);
            foreach (var m in set.NewMetricSeries)
            {
                net.NewMetricSeries.TryAdd(m.Id, m);
            }
            foreach (var id in set.DeletedMetricSeries)
            {
                net.MetricSeries.Remove(id);
                net.NewMetricSeries.Remove(id);
                net.DeletedMetricSeries.Add(id);
            }
            if (set.DroppedMetricJournals.Count > 0)
            {
                var dropped = set.DroppedMetricJournals.ToHashSet(StringComparer.Ordinal);
                net.MetricSamples.RemoveAll(s => dropped.Contains(s.SeriesId));
                net.DroppedMetricJournals.UnionWith(dropped);
            }
            net.MetricSamples.AddRange(set.MetricSamples);
            if (set.PruneMetricSamplesRecordedBeforeTicks is { } prune)
            {
                net.PruneMetricSamplesRecordedBeforeTicks = Math.Max(prune, net.PruneMetricSamplesRecordedBeforeTicks ?? long.MinValue);
            }
            foreach (var m in set.MetricSeries)
            {
                net.MetricSeries[m.Id] = m;
            }
            if (set.PruneSloMinutesBeforeMinute is { } sloCutoff)
            {
                net.PruneSloMinutesBeforeMinute = Math.Max(sloCutoff, net.PruneSloMinutesBeforeMinute ?? long.MinValue);
            }
            foreach (var range in set.ClearedSloMinutes)
            {
                // The clear runs before all increments, so increments of earlier sets in the range must go with it.
                foreach (var key in net.SloMinutes.Keys.Where(k => k.Slo == range.Slo && k.Minute >= range.FromMinute && k.Minute <= range.ToMinute).ToList())
                {
                    net.SloMinutes.Remove(key);
                }
                net.ClearedSloMinutes.Add(range);
            }
            foreach (var slo in set.DeletedSloSources)
            {
                net.SloSources[slo] = null;
            }
            foreach (var source in set.SloSources)
            {
                net.SloSources[source.Slo] = source;
            }
            foreach (var key in set.DeletedSloFreezes)
            {
                net.SloFreezes[key] = null;
            }
            foreach (var freeze in set.SloFreezes)
            {
                net.SloFreezes[(freeze.Slo, freeze.Objective)] = freeze;
            }
            foreach (var o in set.Outbox)
            {
                net.Outbox.TryAdd(o.DedupKey, o);
            }
            foreach (var u in set.OutboxUpdates)
            {
                net.OutboxUpdates[u.Id] = u;
            }
            net.ChangeEvents.AddRange(set.ChangeEvents);
            foreach (var o in set.ScheduleOverrides)
            {
                net.ScheduleOverrides[o.Id] = o;
            }
            foreach (var e in set.FreezeExemptions)
            {
                net.FreezeExemptions[e.Id] = e;
            }
            foreach (var a in set.IdempotentAnswers)
            {
                net.IdempotentAnswers.TryAdd((a.Scope, a.Key), a);
            }
            net.ForgetIdempotentAnswersBefore = Later(net.ForgetIdempotentAnswersBefore, set.ForgetIdempotentAnswersBefore);
            net.ForgetFinishedNotificationsBefore = Later(net.ForgetFinishedNotificationsBefore, set.ForgetFinishedNotificationsBefore);
            AddSwaps(net, set);
            foreach (var m in set.SloMinutes)
            {
                var (good, total) = net.SloMinutes.GetValueOrDefault((m.Slo, m.Minute));
                net.SloMinutes[(m.Slo, m.Minute)] = (good + m.Good, total + m.Total);
            }
        }
        return net;
    }

    /// <summary>
    /// A set's swap writes, then its decisions. A decision on a swap already written by these change sets is checked
    /// here, against that write; the first decision on any other swap is left to the store's conditional update, and
    /// the later writes of that swap ride on it (they happen only if it does).
    /// </summary>
    private static void AddSwaps(NetChanges net, ChangeSet set)
    {
        foreach (var s in set.ShiftSwaps)
        {
            if (net.SwapTransitions.TryGetValue(s.Id, out var pending))
            {
                net.SwapTransitions[s.Id] = pending with { Swap = s };
            }
            else
            {
                net.ShiftSwaps[s.Id] = s;
            }
        }
        foreach (var t in set.SwapTransitions)
        {
            var id = t.Swap.Id;
            if (net.ShiftSwaps.TryGetValue(id, out var written))
            {
                net.ShiftSwaps[id] = written.Status == t.Expected ? t.Swap : throw t.Conflict();
            }
            else if (net.SwapTransitions.TryGetValue(id, out var pending))
            {
                net.SwapTransitions[id] = pending.Swap.Status == t.Expected ? pending with { Swap = t.Swap } : throw t.Conflict();
            }
            else
            {
                net.SwapTransitions[id] = t;
            }
        }
    }

    /// <summary>
    /// A conditional delete folded into the net effect: against a write of an earlier set it is decided here (that
    /// write is the version the condition meets); otherwise it stays conditional on the stored row, and of two
    /// conditions on the same row the later version decides (the row goes if either would delete it).
    /// </summary>
    private static void Expire(NetChanges net, AlertVersion version)
    {
        var fp = version.Fingerprint;
        if (net.Alerts.TryGetValue(fp, out var written))
        {
            if (written is not null && written.UpdatedAt <= version.UpdatedAt)
            {
                net.Alerts[fp] = null;
            }
            return;
        }
        if (!net.ExpiredAlerts.TryGetValue(fp, out var earlier) || earlier < version.UpdatedAt)
        {
            net.ExpiredAlerts[fp] = version.UpdatedAt;
        }
    }

    private static void AddLogs(NetChanges net, ChangeSet set)
    {
        if (set.PruneLogCountsBeforeMinute is { } cutoff)
        {
            net.PruneLogCountsBeforeMinute = Math.Max(cutoff, net.PruneLogCountsBeforeMinute ?? long.MinValue);
        }
        foreach (var source in set.DeletedLogSources)
        {
            ForgetLogSource(net, source);
        }
        foreach (var key in set.DeletedLogTemplates)
        {
            net.LogTemplates[key] = null;
        }
        foreach (var t in set.LogTemplates)
        {
            net.LogTemplates[new LogTemplateKey(t.Source, t.Id)] = t;
        }
        foreach (var c in set.LogCounts)
        {
            var key = (c.Source, c.TemplateId, c.Minute);
            net.LogCounts[key] = net.LogCounts.GetValueOrDefault(key) + c.Count;
        }
        foreach (var s in set.LogSources)
        {
            net.LogSources[s.Source] = s;
        }
        foreach (var m in set.MergedLogTemplates)
        {
            AddMerge(net, m);
        }
    }

    /// <summary>The later of two retention cut-offs (null: none), so the merged commit deletes what either set would.</summary>
    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) => a is null || (b is { } later && later > a) ? b : a;

    /// <summary>Drops what earlier sets wrote for <paramref name="source"/> (it would outlive the deletion, which the
    /// writers run first) and records the deletion; later sets' writes start the source afresh.</summary>
    private static void ForgetLogSource(NetChanges net, string source)
    {
        foreach (var key in net.LogTemplates.Keys.Where(k => k.Source == source).ToList())
        {
            net.LogTemplates.Remove(key);
        }
        foreach (var key in net.LogCounts.Keys.Where(k => k.Source == source).ToList())
        {
            net.LogCounts.Remove(key);
        }
        foreach (var key in net.LogMerges.Keys.Where(k => k.Source == source).ToList())
        {
            net.LogMerges.Remove(key);
        }
        net.LogSources.Remove(source);
        net.DeletedLogSources.Add(source);
    }

    private static void AddMerge(NetChanges net, LogTemplateMerge merge)
    {
        foreach (var (from, into) in net.LogMerges.ToList())
        {
            if (from.Source == merge.Source && into == merge.From)
            {
                net.LogMerges[from] = merge.Into;
            }
        }
        net.LogMerges[new LogTemplateKey(merge.Source, merge.From)] = merge.Into;
        foreach (var (key, count) in net.LogCounts.Where(c => c.Key.Source == merge.Source && c.Key.TemplateId == merge.From).ToList())
        {
            net.LogCounts.Remove(key);
            var moved = (key.Source, merge.Into, key.Minute);
            net.LogCounts[moved] = net.LogCounts.GetValueOrDefault(moved) + count;
        }
    }
}
