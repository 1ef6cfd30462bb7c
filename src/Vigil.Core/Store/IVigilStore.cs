using Vigil.Core.Alerts;
using Vigil.Core.Escalation;
using Vigil.Core.Incidents;
using Vigil.Core.Notifications;
using Vigil.Core.Security;
using Vigil.Core.Silences;

namespace Vigil.Core.Store;

/// <summary>Filter for listing incidents, newest first.</summary>
/// <param name="Statuses">Only these statuses; empty means all.</param>
/// <param name="BeforeId">Keyset pagination: only incidents with a smaller id.</param>
public sealed record IncidentQuery(IReadOnlyList<IncidentStatus> Statuses, int Limit = 100, long? BeforeId = null);

/// <summary>
/// The persistence seam: what the pipeline needs from durable storage, nothing more. Two implementations
/// (SQLite, PostgreSQL) pass the same test suite. Writes go through <see cref="ApplyAsync"/> so a whole operation —
/// alerts, incident, timeline, audit — commits atomically, and many operations can share one commit.
/// </summary>
public interface IVigilStore : IAsyncDisposable
{
    /// <summary>Applies pending versioned migrations; safe to call on every start.</summary>
    Task MigrateAsync(CancellationToken ct = default);

    /// <summary>Commits all change sets in one transaction, in order. Returns only after the commit is durable.</summary>
    Task ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken ct = default);

    Task<IReadOnlyList<Alert>> LoadAlertsAsync(CancellationToken ct = default);

    Task<IReadOnlyList<Silence>> LoadSilencesAsync(CancellationToken ct = default);

    Task<IReadOnlyList<AlertGroupRecord>> LoadGroupsAsync(CancellationToken ct = default);

    Task<Incident?> GetIncidentAsync(long id, CancellationToken ct = default);

    Task<IReadOnlyList<Incident>> ListIncidentsAsync(IncidentQuery query, CancellationToken ct = default);

    /// <summary>The alerts of one incident as they were when they joined it: labels, annotations, start and generator URL
    /// then. The end is not kept (it was still to come): EndsAt and UpdatedAt are the start.</summary>
    Task<IReadOnlyList<Alert>> GetIncidentMembersAsync(long incidentId, CancellationToken ct = default);

    /// <summary>The timeline of one incident in the order it happened.</summary>
    Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(long incidentId, CancellationToken ct = default);

    /// <summary>The largest incident id ever stored (0 when none), to continue numbering after a restart.</summary>
    Task<long> GetMaxIncidentIdAsync(CancellationToken ct = default);

    Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken ct = default);

    /// <summary>Every issued integration key, revoked ones included, oldest first.</summary>
    Task<IReadOnlyList<IntegrationKey>> ListIntegrationKeysAsync(CancellationToken ct = default);

    Task<ApiToken?> FindTokenByHashAsync(string secretHash, CancellationToken ct = default);

    /// <summary>Audit entries, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit, long? beforeSequence = null, CancellationToken ct = default);

    Task<string?> GetMetaAsync(string key, CancellationToken ct = default);

    /// <summary>Every log source, by name, with its stored template count.</summary>
    Task<IReadOnlyList<LogSourceRecord>> ListLogSourcesAsync(CancellationToken ct = default);

    /// <summary>Templates of one source in the given order (ties by id).</summary>
    Task<IReadOnlyList<LogTemplateRecord>> ListLogTemplatesAsync(string source, LogTemplateOrder order, int limit, CancellationToken ct = default);

    Task<LogTemplateRecord?> GetLogTemplateAsync(string source, long id, CancellationToken ct = default);

    /// <summary>Per-minute counts of one source from <paramref name="fromMinute"/> (inclusive), optionally one template only.</summary>
    Task<IReadOnlyList<LogMinuteCount>> ListLogCountsAsync(string source, long fromMinute, long? templateId = null, CancellationToken ct = default);

    /// <summary>Every stored metric series, one at a time (read once at start to restore the detectors: with full
    /// charts a series is ~25 KB, so holding them all at once doubled the start-up peak).</summary>
    IAsyncEnumerable<MetricSeriesRecord> ReadMetricSeriesAsync(CancellationToken ct = default);

    /// <summary>The journaled metric samples not yet pruned by a checkpoint, in the order they were committed, one at a
    /// time (read once at start to replay them: after a crash under load the journal can hold millions, and holding
    /// them all at once doubled the start-up peak).</summary>
    IAsyncEnumerable<MetricSampleRecord> ReadMetricSamplesAsync(CancellationToken ct = default);

    /// <summary>Per-minute SLI event counts from <paramref name="fromMinute"/> (inclusive), by SLO and minute.</summary>
    Task<IReadOnlyList<SloMinuteRecord>> ListSloMinutesAsync(long fromMinute, CancellationToken ct = default);

    /// <summary>
    /// Per-minute SLI event counts of every SLO in [<paramref name="fromMinute"/>, <paramref name="endMinute"/>), by SLO
    /// and minute (the minutes of the bucket a rolling SLO window starts in).
    /// </summary>
    Task<IReadOnlyList<SloMinuteRecord>> ListSloMinutesBetweenAsync(long fromMinute, long endMinute, CancellationToken ct = default);

    /// <summary>Per-minute SLI event counts of one SLO from <paramref name="fromMinute"/> (inclusive), by minute.</summary>
    Task<IReadOnlyList<SloMinuteRecord>> ListSloMinutesAsync(long fromMinute, string slo, CancellationToken ct = default);

    /// <summary>How far each Prometheus SLI has been read, by SLO.</summary>
    Task<IReadOnlyList<SloSourceRecord>> ListSloSourcesAsync(CancellationToken ct = default);

    /// <summary>The change freezes in force, by SLO and objective.</summary>
    Task<IReadOnlyList<SloFreezeRecord>> ListSloFreezesAsync(CancellationToken ct = default);

    /// <summary>Freeze exemptions not revoked that end after <paramref name="endsAfter"/>, of one service or (null)
    /// all, by start.</summary>
    Task<IReadOnlyList<FreezeExemption>> ListFreezeExemptionsAsync(string? service, DateTimeOffset endsAfter, CancellationToken ct = default);

    /// <summary>One freeze exemption by id, revoked or not.</summary>
    Task<FreezeExemption?> GetFreezeExemptionAsync(string id, CancellationToken ct = default);

    /// <summary>The answer remembered under a request's Idempotency-Key, if any.</summary>
    Task<IdempotentAnswer?> GetIdempotentAnswerAsync(string scope, string key, CancellationToken ct = default);

    /// <summary>Every stored escalation (loaded once at start; the worker keeps them in memory after that).</summary>
    Task<IReadOnlyList<EscalationState>> ListEscalationsAsync(CancellationToken ct = default);

    /// <summary>
    /// Incident ids of up to <paramref name="limit"/> escalation rows whose incident is resolved (or gone), smallest
    /// first: rows nothing reads any more. Earlier versions kept an ended escalation's row when its incident resolved.
    /// </summary>
    Task<IReadOnlyList<long>> ListEscalationsOfResolvedIncidentsAsync(int limit, CancellationToken ct = default);

    /// <summary>
    /// Claims up to <paramref name="limit"/> pending outbox rows due at <paramref name="now"/> whose lease is free or
    /// expired, leasing them until <paramref name="leaseUntil"/>. Two processes on one database never claim the same row
    /// while its lease holds (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>; SQLite: one writer at a time).
    /// </summary>
    Task<IReadOnlyList<OutboxRecord>> ClaimOutboxAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct = default);

    /// <summary>The notification log, newest first.</summary>
    Task<IReadOnlyList<OutboxRecord>> ListOutboxAsync(OutboxQuery query, CancellationToken ct = default);

    /// <summary>Change events, newest first.</summary>
    Task<IReadOnlyList<ChangeEventRecord>> ListChangeEventsAsync(int limit, CancellationToken ct = default);
    /// <summary>Overrides not deleted that overlap [from, to), of one schedule or (null) all, by start.</summary>
    Task<IReadOnlyList<OnCall.ScheduleOverride>> ListOverridesAsync(string? schedule, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default);

    /// <summary>One override by id, deleted or not.</summary>
    Task<OnCall.ScheduleOverride?> GetOverrideAsync(string id, CancellationToken ct = default);

    /// <summary>Swaps in any status that overlap [from, to), of one schedule or (null) all, by start.</summary>
    Task<IReadOnlyList<OnCall.ShiftSwap>> ListSwapsAsync(string? schedule, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default);

    Task<OnCall.ShiftSwap?> GetSwapAsync(string id, CancellationToken ct = default);
}
