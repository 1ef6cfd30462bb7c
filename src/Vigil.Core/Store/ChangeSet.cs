using Vigil.Core.Alerts;
using Vigil.Core.Escalation;
using Vigil.Core.Incidents;
using Vigil.Core.Notifications;
using Vigil.Core.Security;
using Vigil.Core.Silences;

namespace Vigil.Core.Store;

/// <summary>
/// Persistent state of one aggregation group. The dispatcher owns the shape of <see cref="StateJson"/>; the store only
/// needs the key and the time the group is next due, which is the durable timer (group_wait / group_interval).
/// </summary>
public sealed record AlertGroupRecord(string Key, string StateJson, DateTimeOffset? DueAt);

/// <summary>
/// Everything one logical operation changes, written in a single transaction. Several change sets may be committed
/// together (group commit); they are applied in order.
/// </summary>
public sealed class ChangeSet
{
    /// <summary>Alerts to insert or replace, by fingerprint.</summary>
    public List<Alert> Alerts { get; } = [];

    /// <summary>Alerts to delete, whatever version is stored.</summary>
    public List<Fingerprint> DeletedAlerts { get; } = [];

    /// <summary>
    /// Garbage collection of long-resolved alerts: each is deleted only if the stored version is not newer than the one
    /// given (see <see cref="AlertVersion"/>). Applied after <see cref="DeletedAlerts"/> and before <see cref="Alerts"/>
    /// of the same set; against the versions earlier sets of the same commit stored.
    /// </summary>
    public List<AlertVersion> ExpiredAlerts { get; } = [];

    /// <summary>Incidents to insert or replace, by id (ids are allocated by the caller).</summary>
    public List<Incident> Incidents { get; } = [];

    /// <summary>
    /// Alerts as they were when they joined an incident: its page shows them once the alerts themselves are collected
    /// (<c>alerts.resolved_retention</c>). The first copy stored per incident and alert is kept.
    /// </summary>
    public List<IncidentMember> IncidentMembers { get; } = [];

    /// <summary>Timeline entries to append (their Sequence is assigned by the store).</summary>
    public List<TimelineEntry> Timeline { get; } = [];

    public List<AlertGroupRecord> Groups { get; } = [];

    public List<string> DeletedGroups { get; } = [];

    /// <summary>Silences to insert or replace, by id.</summary>
    public List<Silence> Silences { get; } = [];

    public List<ApiToken> Tokens { get; } = [];

    /// <summary>Issued integration keys to insert or replace, by id (revoking sets <c>RevokedAt</c>).</summary>
    public List<IntegrationKey> IntegrationKeys { get; } = [];

    public List<AuditEntry> Audit { get; } = [];

    /// <summary>Small key/value settings (e.g. that demo data has been seeded).</summary>
    public Dictionary<string, string> Meta { get; } = [];

    /// <summary>
    /// Log templates to insert or update by (source, id). Counts and last-seen only grow: the store keeps the larger
    /// of stored and written values, so commits of one source finishing out of order cannot move them back.
    /// </summary>
    public List<LogTemplateRecord> LogTemplates { get; } = [];

    /// <summary>Log templates merged away or evicted by their miner.</summary>
    public List<LogTemplateKey> DeletedLogTemplates { get; } = [];

    /// <summary>
    /// Merges of log templates, in the order the miner made them: each moves the stored per-minute counts of the
    /// merged template onto the survivor (added to the survivor's own), so its history stays whole.
    /// </summary>
    public List<LogTemplateMerge> MergedLogTemplates { get; } = [];

    /// <summary>Per-minute line counts to add to the stored ones.</summary>
    public List<LogMinuteCount> LogCounts { get; } = [];

    /// <summary>Log sources to insert or update (next id and line totals only grow).</summary>
    public List<LogSourceRecord> LogSources { get; } = [];

    /// <summary>Log sources forgotten whole (their row, templates and per-minute counts), before this set's own log
    /// writes: a source whose label stopped sending must give its <c>logs.max_sources</c> place back.</summary>
    public List<string> DeletedLogSources { get; } = [];

    /// <summary>Retention: per-minute log counts of minutes before this one (minutes since the Unix epoch) are deleted.</summary>
    public long? PruneLogCountsBeforeMinute { get; set; }

    /// <summary>Metric series to insert or replace by id (detector state and recent points).</summary>
    public List<MetricSeriesRecord> MetricSeries { get; } = [];

    /// <summary>Metric series seen for the first time: inserted only if absent, never overwriting a checkpoint.</summary>
    public List<MetricSeriesRecord> NewMetricSeries { get; } = [];

    /// <summary>Accepted metric samples to append to the journal.</summary>
    public List<MetricSampleRecord> MetricSamples { get; } = [];

    /// <summary>Metric series to delete (stored state and points), before this set's own series are written.</summary>
    public List<string> DeletedMetricSeries { get; } = [];

    /// <summary>Series whose journaled samples are dropped, before this set's own samples are appended: the series
    /// starts learning again, and a restart must not replay what it learned before into the fresh detector.</summary>
    public List<string> DroppedMetricJournals { get; } = [];

    /// <summary>A checkpoint: journaled samples recorded before this time (UTC ticks) are reflected in the saved states.</summary>
    public long? PruneMetricSamplesRecordedBeforeTicks { get; set; }

    /// <summary>Per-minute SLI event counts to add to the stored ones.</summary>
    public List<SloMinuteRecord> SloMinutes { get; } = [];

    /// <summary>Retention: SLI event minutes before this one (minutes since the Unix epoch) are deleted.</summary>
    public long? PruneSloMinutesBeforeMinute { get; set; }

    /// <summary>Ranges of stored SLO minutes to delete before this set's <see cref="SloMinutes"/> are added (replacing them).</summary>
    public List<SloMinuteRange> ClearedSloMinutes { get; } = [];

    /// <summary>Prometheus SLI read progress to insert or replace, by SLO.</summary>
    public List<SloSourceRecord> SloSources { get; } = [];

    /// <summary>SLOs whose read progress is forgotten (removed from the config).</summary>
    public List<string> DeletedSloSources { get; } = [];

    /// <summary>Change freezes to insert or replace, by (SLO, objective).</summary>
    public List<SloFreezeRecord> SloFreezes { get; } = [];

    /// <summary>Change freezes lifted, by (SLO, objective index).</summary>
    public List<(string Slo, int Objective)> DeletedSloFreezes { get; } = [];

    /// <summary>Freeze exemptions to insert or replace (a revoke is a replace with RevokedAt), by id.</summary>
    public List<FreezeExemption> FreezeExemptions { get; } = [];

    /// <summary>Escalation states to insert or replace, by incident id.</summary>
    public List<EscalationState> Escalations { get; } = [];

    /// <summary>Escalations of incidents that no longer escalate (resolved), by incident id.</summary>
    public List<long> DeletedEscalations { get; } = [];

    /// <summary>Notifications to queue (skipped if their dedup key is already stored); see <see cref="NotificationOutbox"/>.</summary>
    public List<OutboxMessage> Outbox { get; } = [];

    /// <summary>Delivery outcomes to write back to outbox rows.</summary>
    public List<OutboxUpdate> OutboxUpdates { get; } = [];

    /// <summary>Change events to append (their Id is assigned by the store).</summary>
    public List<ChangeEventRecord> ChangeEvents { get; } = [];
    /// <summary>Schedule overrides to insert or replace, by id (deletion sets <c>DeletedAt</c>).</summary>
    public List<OnCall.ScheduleOverride> ScheduleOverrides { get; } = [];

    /// <summary>Shift swaps to insert or replace, by id.</summary>
    public List<OnCall.ShiftSwap> ShiftSwaps { get; } = [];

    /// <summary>
    /// Decisions on stored swaps, applied after this set's <see cref="ShiftSwaps"/>, each only if the swap's stored
    /// status is still the expected one. If one is not, <see cref="IVigilStore.ApplyAsync"/> throws
    /// <see cref="ConflictingWriteException"/> and applies nothing of the change sets it was given.
    /// </summary>
    public List<SwapTransition> SwapTransitions { get; } = [];

    /// <summary>Answers to remember under their Idempotency-Key (an answer already stored under the key is kept).</summary>
    public List<IdempotentAnswer> IdempotentAnswers { get; } = [];

    /// <summary>Remembered answers older than this are forgotten.</summary>
    public DateTimeOffset? ForgetIdempotentAnswersBefore { get; set; }

    /// <summary>Retention: notifications queued before this that are delivered or given up are deleted (pending ones
    /// stay whatever their age).</summary>
    public DateTimeOffset? ForgetFinishedNotificationsBefore { get; set; }

    public bool IsEmpty =>
        Alerts.Count == 0 && DeletedAlerts.Count == 0 && ExpiredAlerts.Count == 0 && Incidents.Count == 0 && IncidentMembers.Count == 0 && Timeline.Count == 0
        && Groups.Count == 0 && DeletedGroups.Count == 0 && Silences.Count == 0 && Tokens.Count == 0 && IntegrationKeys.Count == 0
        && Audit.Count == 0 && Meta.Count == 0 && LogTemplates.Count == 0 && DeletedLogTemplates.Count == 0 && MergedLogTemplates.Count == 0
        && LogCounts.Count == 0 && LogSources.Count == 0 && DeletedLogSources.Count == 0 && PruneLogCountsBeforeMinute is null && MetricSeries.Count == 0
        && NewMetricSeries.Count == 0 && MetricSamples.Count == 0 && DroppedMetricJournals.Count == 0 && DeletedMetricSeries.Count == 0 && PruneMetricSamplesRecordedBeforeTicks is null
        && SloMinutes.Count == 0 && PruneSloMinutesBeforeMinute is null && ClearedSloMinutes.Count == 0 && SloSources.Count == 0
        && DeletedSloSources.Count == 0 && SloFreezes.Count == 0 && DeletedSloFreezes.Count == 0 && FreezeExemptions.Count == 0 && Outbox.Count == 0 && OutboxUpdates.Count == 0
        && ChangeEvents.Count == 0 && ScheduleOverrides.Count == 0 && ShiftSwaps.Count == 0 && SwapTransitions.Count == 0 && Escalations.Count == 0
        && DeletedEscalations.Count == 0 && IdempotentAnswers.Count == 0 && ForgetIdempotentAnswersBefore is null
        && ForgetFinishedNotificationsBefore is null;
}

/// <summary>An alert of an incident, as it was when it joined.</summary>
public sealed record IncidentMember(long IncidentId, Alert Alert);
