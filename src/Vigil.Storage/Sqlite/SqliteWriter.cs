using Vigil.Core.Escalation;
using Microsoft.Data.Sqlite;
using Vigil.Core.Incidents;
using Vigil.Core.Notifications;
using Vigil.Core.Security;
using Vigil.Storage.Common;
using Vigil.Storage.Mapping;

namespace Vigil.Storage.Sqlite;

/// <summary>
/// The single writer: one connection and one prepared command per statement, created once and reused for every
/// transaction, so each row only binds parameters and steps an already-compiled statement. The alert upsert, the
/// hot ingest path, goes through <see cref="SqliteAlertWriter"/>. Not thread-safe: <see cref="SqliteStore"/>
/// serialises callers.
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteAlertJournal _alerts;
    private readonly SqliteStatement _upsertIncident;
    private readonly SqliteStatement _appendTimeline;
    private readonly SqliteStatement _insertMember;
    private readonly SqliteStatement _upsertGroup;
    private readonly SqliteStatement _deleteGroup;
    private readonly SqliteStatement _upsertEscalation;
    private readonly SqliteStatement _deleteEscalation;
    private readonly SqliteStatement _upsertSilence;
    private readonly SqliteStatement _upsertToken;
    private readonly SqliteStatement _upsertIntegrationKey;
    private readonly SqliteStatement _appendAudit;
    private readonly SqliteStatement _upsertMeta;
    private readonly SqliteStatement _upsertLogTemplate;
    private readonly SqliteStatement _deleteLogTemplate;
    private readonly SqliteStatement _addLogCount;
    private readonly SqliteStatement _upsertLogSource;
    private readonly SqliteStatement _pruneLogCounts;
    private readonly SqliteStatement _moveLogCounts;
    private readonly SqliteStatement _deleteLogSource;
    private readonly SqliteStatement _upsertMetricSeries;
    private readonly SqliteStatement _insertMetricSeries;
    private readonly SqliteStatement _appendMetricSample;
    private readonly SqliteStatement _pruneMetricSamples;
    private readonly SqliteStatement _dropMetricJournal;
    private readonly SqliteStatement _deleteMetricSeries;
    private readonly SqliteStatement _addSloMinute;
    private readonly SqliteStatement _pruneSloMinutes;
    private readonly SqliteStatement _clearSloMinutes;
    private readonly SqliteStatement _upsertSloSource;
    private readonly SqliteStatement _deleteSloSource;
    private readonly SqliteStatement _upsertSloFreeze;
    private readonly SqliteStatement _deleteSloFreeze;
    private readonly SqliteStatement _insertOutbox;
    private readonly SqliteStatement _updateOutbox;
    private readonly SqliteStatement _appendChangeEvent;
    private readonly SqliteStatement _upsertOverride;
    private readonly SqliteStatement _upsertSwap;
    private readonly SqliteStatement _decideSwap;
    private readonly SqliteStatement _upsertExemption;
    private readonly SqliteStatement _insertAnswer;
    private readonly SqliteStatement _forgetAnswers;
    private readonly SqliteStatement _forgetNotifications;

    public SqliteWriter(SqliteConnection connection, int journalCapacity = SqliteAlertJournal.DefaultMinimumCapacity)
    {
        _connection = connection;
        _alerts = new SqliteAlertJournal(connection, journalCapacity);
        _upsertIncident = new(connection,
            """
            INSERT INTO incidents (id, group_key, title, status, severity, priority, group_labels, receiver, created_at, updated_at,
                                   acknowledged_at, acknowledged_by, resolved_at, resolved_by, alerts, service)
            VALUES (@id, @group_key, @title, @status, @severity, @priority, @group_labels, @receiver, @created_at, @updated_at,
                    @acknowledged_at, @acknowledged_by, @resolved_at, @resolved_by, @alerts, @service)
            ON CONFLICT (id) DO UPDATE SET
                group_key = excluded.group_key, title = excluded.title, status = excluded.status, severity = excluded.severity,
                priority = excluded.priority, group_labels = excluded.group_labels, receiver = excluded.receiver,
                created_at = excluded.created_at, updated_at = excluded.updated_at, acknowledged_at = excluded.acknowledged_at,
                acknowledged_by = excluded.acknowledged_by, resolved_at = excluded.resolved_at, resolved_by = excluded.resolved_by,
                alerts = excluded.alerts, service = excluded.service
            """);
        _insertMember = new(connection,
            """
            INSERT INTO incident_members (incident_id, fingerprint, labels, annotations, starts_at, generator_url)
            VALUES (@incident_id, @fingerprint, @labels, @annotations, @starts_at, @generator_url)
            ON CONFLICT (incident_id, fingerprint) DO NOTHING
            """);
        _appendTimeline = new(connection,
            "INSERT INTO timeline (incident_id, at, kind, actor, message) VALUES (@incident_id, @at, @kind, @actor, @message)");
        _upsertGroup = new(connection,
            """
            INSERT INTO alert_groups (key, state_json, due_at) VALUES (@key, @state_json, @due_at)
            ON CONFLICT (key) DO UPDATE SET state_json = excluded.state_json, due_at = excluded.due_at
            """);
        _deleteGroup = new(connection, "DELETE FROM alert_groups WHERE key = @key");
        _upsertEscalation = new(connection,
            """
            INSERT INTO escalations (incident_id, policy, status, next_level, cycle, next_due_at, steps, started_at)
            VALUES (@incident_id, @policy, @status, @next_level, @cycle, @next_due_at, @steps, @started_at)
            ON CONFLICT (incident_id) DO UPDATE SET
                policy = excluded.policy, status = excluded.status, next_level = excluded.next_level, cycle = excluded.cycle,
                next_due_at = excluded.next_due_at, steps = excluded.steps, started_at = excluded.started_at
            """);
        _deleteEscalation = new(connection, "DELETE FROM escalations WHERE incident_id = @incident_id");
        _upsertSilence = new(connection,
            """
            INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, updated_at)
            VALUES (@id, @matchers, @starts_at, @ends_at, @created_by, @comment, @updated_at)
            ON CONFLICT (id) DO UPDATE SET
                matchers = excluded.matchers, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
                created_by = excluded.created_by, comment = excluded.comment, updated_at = excluded.updated_at
            """);
        _upsertIntegrationKey = new(connection,
            """
            INSERT INTO integration_keys (id, name, service, key_hash, created_at, created_by, revoked_at)
            VALUES (@id, @name, @service, @key_hash, @created_at, @created_by, @revoked_at)
            ON CONFLICT (id) DO UPDATE SET
                name = excluded.name, service = excluded.service, key_hash = excluded.key_hash,
                created_at = excluded.created_at, created_by = excluded.created_by, revoked_at = excluded.revoked_at
            """);
        _upsertToken = new(connection,
            """
            INSERT INTO tokens (id, name, role, secret_hash, created_at, created_by, revoked_at, user_name)
            VALUES (@id, @name, @role, @secret_hash, @created_at, @created_by, @revoked_at, @user_name)
            ON CONFLICT (id) DO UPDATE SET
                name = excluded.name, role = excluded.role, secret_hash = excluded.secret_hash,
                created_at = excluded.created_at, created_by = excluded.created_by, revoked_at = excluded.revoked_at,
                user_name = excluded.user_name
            """);
        _upsertOverride = new(connection,
            """
            INSERT INTO schedule_overrides (id, schedule, starts_at, ends_at, user_name, created_at, created_by, deleted_at)
            VALUES (@id, @schedule, @starts_at, @ends_at, @user_name, @created_at, @created_by, @deleted_at)
            ON CONFLICT (id) DO UPDATE SET
                schedule = excluded.schedule, starts_at = excluded.starts_at, ends_at = excluded.ends_at, user_name = excluded.user_name,
                created_at = excluded.created_at, created_by = excluded.created_by, deleted_at = excluded.deleted_at
            """);
        _upsertExemption = new(connection,
            """
            INSERT INTO freeze_exemptions (id, service, starts_at, ends_at, reason, created_at, created_by, revoked_at)
            VALUES (@id, @service, @starts_at, @ends_at, @reason, @created_at, @created_by, @revoked_at)
            ON CONFLICT (id) DO UPDATE SET
                service = excluded.service, starts_at = excluded.starts_at, ends_at = excluded.ends_at, reason = excluded.reason,
                created_at = excluded.created_at, created_by = excluded.created_by, revoked_at = excluded.revoked_at
            """);
        _insertAnswer = new(connection,
            """
            INSERT INTO idempotent_answers (scope, key, request_hash, status, body, created_at)
            VALUES (@scope, @key, @request_hash, @status, @body, @created_at)
            ON CONFLICT (scope, key) DO NOTHING
            """);
        _forgetAnswers = new(connection, "DELETE FROM idempotent_answers WHERE created_at < @created_at");
        _forgetNotifications = new(connection, "DELETE FROM outbox WHERE status <> 'pending' AND created_at < @created_at");
        _upsertSwap = new(connection,
            """
            INSERT INTO shift_swaps (id, schedule, starts_at, ends_at, from_user, to_user, status, kind, created_at, created_by, decided_at, decided_by)
            VALUES (@id, @schedule, @starts_at, @ends_at, @from_user, @to_user, @status, @kind, @created_at, @created_by, @decided_at, @decided_by)
            ON CONFLICT (id) DO UPDATE SET
                schedule = excluded.schedule, starts_at = excluded.starts_at, ends_at = excluded.ends_at, from_user = excluded.from_user,
                to_user = excluded.to_user, status = excluded.status, kind = excluded.kind, created_at = excluded.created_at,
                created_by = excluded.created_by, decided_at = excluded.decided_at, decided_by = excluded.decided_by
            """);
        // Conditional: a decision applies only to the status it was made on (see SwapTransition).
        _decideSwap = new(connection,
            """
            UPDATE shift_swaps SET to_user = @to_user, status = @status, decided_at = @decided_at, decided_by = @decided_by
            WHERE id = @id AND status = @expected
            """);
        _appendAudit = new(connection,
            "INSERT INTO audit (at, actor, action, target, details) VALUES (@at, @actor, @action, @target, @details)");
        _upsertMeta = new(connection,
            "INSERT INTO meta (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        // Counts, first/last seen and next id only move one way (see ChangeSet.LogTemplates); examples are replaced.
        _upsertLogTemplate = new(connection,
            """
            INSERT INTO log_templates (source, id, template, tokens, variable_slots, level, service, count, first_seen, last_seen, examples)
            VALUES (@source, @id, @template, @tokens, @variable_slots, @level, @service, @count, @first_seen, @last_seen, @examples)
            ON CONFLICT (source, id) DO UPDATE SET
                template = excluded.template, tokens = excluded.tokens, variable_slots = excluded.variable_slots,
                level = excluded.level, count = MAX(log_templates.count, excluded.count),
                first_seen = MIN(log_templates.first_seen, excluded.first_seen),
                last_seen = MAX(log_templates.last_seen, excluded.last_seen), examples = excluded.examples
            """);
        _deleteLogTemplate = new(connection, "DELETE FROM log_templates WHERE source = @source AND id = @id");
        _addLogCount = new(connection,
            """
            INSERT INTO log_counts (source, template_id, minute, count) VALUES (@source, @template_id, @minute, @count)
            ON CONFLICT (source, minute, template_id) DO UPDATE SET count = log_counts.count + excluded.count
            """);
        _pruneLogCounts = new(connection, "DELETE FROM log_counts WHERE minute < @minute");
        _moveLogCounts = new(connection,
            """
            INSERT INTO log_counts (source, template_id, minute, count)
            SELECT source, @into, minute, count FROM log_counts WHERE source = @source AND template_id = @from
            ON CONFLICT (source, minute, template_id) DO UPDATE SET count = log_counts.count + excluded.count;
            DELETE FROM log_counts WHERE source = @source AND template_id = @from
            """);
        _deleteLogSource = new(connection,
            """
            DELETE FROM log_counts WHERE source = @source;
            DELETE FROM log_templates WHERE source = @source;
            DELETE FROM log_sources WHERE source = @source
            """);
        _upsertLogSource = new(connection,
            """
            INSERT INTO log_sources (source, next_id, aliases, lines, updated_at) VALUES (@source, @next_id, @aliases, @lines, @updated_at)
            ON CONFLICT (source) DO UPDATE SET
                next_id = MAX(log_sources.next_id, excluded.next_id), aliases = excluded.aliases,
                lines = MAX(log_sources.lines, excluded.lines), updated_at = MAX(log_sources.updated_at, excluded.updated_at)
            """);
        _insertMetricSeries = new(connection,
            """
            INSERT INTO metric_series (id, name, labels, state, points, updated_at, detector) VALUES (@id, @name, @labels, @state, @points, @updated_at, @detector)
            ON CONFLICT (id) DO NOTHING
            """);
        _appendMetricSample = new(connection,
            "INSERT INTO metric_samples (series_id, ts, value, recorded_at) VALUES (@series_id, @ts, @value, @recorded_at)");
        _pruneMetricSamples = new(connection, "DELETE FROM metric_samples WHERE recorded_at < @recorded_at");
        // One scan for every series of the commit: the journal has no index on series (one would make each journaled
        // sample a random B-tree insert, 6x slower to append in a measurement), so one DELETE per series was one scan
        // each: minutes when a relearn matched tens of thousands of series, the writer (and alert ingest) blocked meanwhile.
        _dropMetricJournal = new(connection, "DELETE FROM metric_samples WHERE series_id IN (SELECT value FROM json_each(@series_ids))");
        _deleteMetricSeries = new(connection, "DELETE FROM metric_series WHERE id = @id");
        _pruneSloMinutes = new(connection, "DELETE FROM slo_minutes WHERE minute < @minute");
        _clearSloMinutes = new(connection, "DELETE FROM slo_minutes WHERE slo = @slo AND minute >= @from AND minute <= @to");
        _upsertSloSource = new(connection,
            """
            INSERT INTO slo_sources (slo, source_key, fetched_through) VALUES (@slo, @source_key, @fetched_through)
            ON CONFLICT (slo) DO UPDATE SET source_key = excluded.source_key, fetched_through = excluded.fetched_through
            """);
        _deleteSloSource = new(connection, "DELETE FROM slo_sources WHERE slo = @slo");
        _upsertSloFreeze = new(connection,
            """
            INSERT INTO slo_freezes (slo, objective, service, since, remaining) VALUES (@slo, @objective, @service, @since, @remaining)
            ON CONFLICT (slo, objective) DO UPDATE SET service = excluded.service, since = excluded.since, remaining = excluded.remaining
            """);
        _deleteSloFreeze = new(connection, "DELETE FROM slo_freezes WHERE slo = @slo AND objective = @objective");
        _addSloMinute = new(connection,
            """
            INSERT INTO slo_minutes (slo, minute, good, total) VALUES (@slo, @minute, @good, @total)
            ON CONFLICT (slo, minute) DO UPDATE SET good = slo_minutes.good + excluded.good, total = slo_minutes.total + excluded.total
            """);
        // DO NOTHING on the dedup key: a notification queued before (even by a previous process) is not queued again.
        _insertOutbox = new(connection,
            """
            INSERT INTO outbox (dedup_key, channel, incident_id, payload, status, attempts, next_attempt_at, created_at)
            VALUES (@dedup_key, @channel, @incident_id, @payload, 'pending', 0, @next_attempt_at, @created_at)
            ON CONFLICT (dedup_key) DO NOTHING
            """);
        _updateOutbox = new(connection,
            """
            UPDATE outbox SET status = @status, attempts = @attempts, next_attempt_at = @next_attempt_at, last_error = @last_error,
                              sent_at = @sent_at, lease_until = NULL
            WHERE id = @id AND (@claimed_until IS NULL OR lease_until = @claimed_until)
            """);
        _appendChangeEvent = new(connection,
            """
            INSERT INTO change_events (integration, service, summary, source, ts, json, received_at)
            VALUES (@integration, @service, @summary, @source, @ts, @json, @received_at)
            """);
        _upsertMetricSeries = new(connection,
            """
            INSERT INTO metric_series (id, name, labels, state, points, updated_at, detector) VALUES (@id, @name, @labels, @state, @points, @updated_at, @detector)
            ON CONFLICT (id) DO UPDATE SET
                name = excluded.name, labels = excluded.labels, state = excluded.state, points = excluded.points, updated_at = excluded.updated_at,
                detector = excluded.detector
            """);
    }

    /// <summary>Writes the net changes in one transaction and commits; throws (after rolling back) on any failure.</summary>
    public void Apply(NetChanges net)
    {
        try
        {
            Write(net);
        }
        catch
        {
            _alerts.Invalidate();
            throw;
        }
    }

    private void Write(NetChanges net)
    {
        using var tx = _connection.BeginTransaction(deferred: false);
        foreach (var (fingerprint, alert) in net.Alerts)
        {
            if (alert is null)
            {
                _alerts.AppendDeletion(fingerprint, tx);
            }
            else
            {
                _alerts.Append(alert, tx);
            }
        }
        foreach (var (fingerprint, notAfter) in net.ExpiredAlerts)
        {
            _alerts.Expire(fingerprint, notAfter, tx);
        }
        _alerts.Fold(tx);
        foreach (var i in net.Incidents.Values)
        {
            _upsertIncident.Run(tx, i.Id, i.GroupKey, i.Title, EnumNames<IncidentStatus>.Name(i.Status), EnumNames<Severity>.Name(i.Severity),
                i.Priority, RecordJson.Labels(i.GroupLabels), i.Receiver, SqliteTime.ToTicks(i.CreatedAt), SqliteTime.ToTicks(i.UpdatedAt),
                SqliteTime.ToTicks(i.AcknowledgedAt), (object?)i.AcknowledgedBy ?? DBNull.Value, SqliteTime.ToTicks(i.ResolvedAt),
                (object?)i.ResolvedBy ?? DBNull.Value, RecordJson.Fingerprints(i.Alerts), (object?)i.Service ?? DBNull.Value);
        }
        foreach (var ((incidentId, fingerprint), alert) in net.IncidentMembers)
        {
            _insertMember.Run(tx, incidentId, fingerprint.ToString(), RecordJson.Labels(alert.Labels), RecordJson.Labels(alert.Annotations),
                SqliteTime.ToTicks(alert.StartsAt), alert.GeneratorUrl);
        }
        foreach (var t in net.Timeline)
        {
            _appendTimeline.Run(tx, t.IncidentId, SqliteTime.ToTicks(t.At), EnumNames<TimelineKind>.Name(t.Kind), t.Actor, t.Message);
        }
        foreach (var (key, group) in net.Groups)
        {
            if (group is null)
            {
                _deleteGroup.Run(tx, key);
                continue;
            }
            _upsertGroup.Run(tx, key, group.StateJson, SqliteTime.ToTicks(group.DueAt));
        }
        foreach (var (id, e) in net.Escalations)
        {
            if (e is null)
            {
                _deleteEscalation.Run(tx, id);
                continue;
            }
            _upsertEscalation.Run(tx, id, e.Policy, EnumNames<EscalationStatus>.Name(e.Status), e.NextLevel, e.Cycle,
                SqliteTime.ToTicks(e.NextDueAt), e.Steps, SqliteTime.ToTicks(e.StartedAt));
        }
        foreach (var s in net.Silences.Values)
        {
            _upsertSilence.Run(tx, s.Id.ToString("D"), RecordJson.Matchers(s.Matchers), SqliteTime.ToTicks(s.StartsAt),
                SqliteTime.ToTicks(s.EndsAt), s.CreatedBy, s.Comment, SqliteTime.ToTicks(s.UpdatedAt));
        }
        foreach (var k in net.IntegrationKeys.Values)
        {
            _upsertIntegrationKey.Run(tx, k.Id, k.Name, k.Service, k.KeyHash, SqliteTime.ToTicks(k.CreatedAt), k.CreatedBy, SqliteTime.ToTicks(k.RevokedAt));
        }
        foreach (var t in net.Tokens.Values)
        {
            _upsertToken.Run(tx, t.Id, t.Name, EnumNames<Role>.Name(t.Role), t.SecretHash, SqliteTime.ToTicks(t.CreatedAt), t.CreatedBy,
                SqliteTime.ToTicks(t.RevokedAt), (object?)t.User ?? DBNull.Value);
        }
        foreach (var a in net.Audit)
        {
            _appendAudit.Run(tx, SqliteTime.ToTicks(a.At), a.Actor, a.Action, a.Target, a.Details);
        }
        foreach (var (key, value) in net.Meta)
        {
            _upsertMeta.Run(tx, key, value);
        }
        WriteLogs(net, tx);
        foreach (var id in net.DeletedMetricSeries)
        {
            _deleteMetricSeries.Run(tx, id);
        }
        foreach (var m in net.NewMetricSeries.Values)
        {
            _insertMetricSeries.Run(tx, m.Id, m.Name, LogJson.StringMap(m.Labels), m.State, m.Points, SqliteTime.ToTicks(m.UpdatedAt), (object?)m.Detector ?? DBNull.Value);
        }
        if (net.PruneMetricSamplesRecordedBeforeTicks is { } prune)
        {
            _pruneMetricSamples.Run(tx, prune);
        }
        if (net.DroppedMetricJournals.Count > 0)
        {
            _dropMetricJournal.Run(tx, LogJson.Strings([.. net.DroppedMetricJournals]));
        }
        foreach (var sample in net.MetricSamples)
        {
            _appendMetricSample.Run(tx, sample.SeriesId, sample.TimestampTicks, sample.Value, sample.RecordedAtTicks);
        }
        foreach (var m in net.MetricSeries.Values)
        {
            _upsertMetricSeries.Run(tx, m.Id, m.Name, LogJson.StringMap(m.Labels), m.State, m.Points, SqliteTime.ToTicks(m.UpdatedAt), (object?)m.Detector ?? DBNull.Value);
        }
        if (net.PruneSloMinutesBeforeMinute is { } sloCutoff)
        {
            _pruneSloMinutes.Run(tx, sloCutoff);
        }
        foreach (var range in net.ClearedSloMinutes)
        {
            _clearSloMinutes.Run(tx, range.Slo, range.FromMinute, range.ToMinute);
        }
        foreach (var ((slo, minute), (good, total)) in net.SloMinutes)
        {
            _addSloMinute.Run(tx, slo, minute, good, total);
        }
        foreach (var (slo, source) in net.SloSources)
        {
            if (source is null)
            {
                _deleteSloSource.Run(tx, slo);
                continue;
            }
            _upsertSloSource.Run(tx, source.Slo, source.SourceKey, source.FetchedThrough);
        }
        foreach (var ((slo, objective), freeze) in net.SloFreezes)
        {
            if (freeze is null)
            {
                _deleteSloFreeze.Run(tx, slo, objective);
                continue;
            }
            _upsertSloFreeze.Run(tx, freeze.Slo, freeze.Objective, freeze.Service, SqliteTime.ToTicks(freeze.Since),
                freeze.RemainingPercent is { } r ? r : DBNull.Value);
        }
        foreach (var o in net.Outbox.Values)
        {
            _insertOutbox.Run(tx, o.DedupKey, o.Channel, o.IncidentId is { } incident ? incident : DBNull.Value, o.Message.ToJson(),
                SqliteTime.ToTicks(o.CreatedAt), SqliteTime.ToTicks(o.CreatedAt));
        }
        foreach (var u in net.OutboxUpdates.Values)
        {
            _updateOutbox.Run(tx, EnumNames<OutboxStatus>.Name(u.Status), u.Attempts, SqliteTime.ToTicks(u.NextAttemptAt),
                (object?)u.LastError ?? DBNull.Value, SqliteTime.ToTicks(u.SentAt), u.Id, SqliteTime.ToTicks(u.ClaimedUntil));
        }
        foreach (var c in net.ChangeEvents)
        {
            _appendChangeEvent.Run(tx, c.Integration, c.Service, c.Summary, (object?)c.Source ?? DBNull.Value, SqliteTime.ToTicks(c.Timestamp),
                c.Json, SqliteTime.ToTicks(c.ReceivedAt));
        }
        foreach (var o in net.ScheduleOverrides.Values)
        {
            _upsertOverride.Run(tx, o.Id, o.Schedule, SqliteTime.ToTicks(o.Start), SqliteTime.ToTicks(o.End), o.User, SqliteTime.ToTicks(o.CreatedAt),
                o.CreatedBy, SqliteTime.ToTicks(o.DeletedAt));
        }
        foreach (var e in net.FreezeExemptions.Values)
        {
            _upsertExemption.Run(tx, e.Id, e.Service, SqliteTime.ToTicks(e.Start), SqliteTime.ToTicks(e.End), e.Reason, SqliteTime.ToTicks(e.CreatedAt),
                e.CreatedBy, SqliteTime.ToTicks(e.RevokedAt));
        }
        foreach (var s in net.ShiftSwaps.Values)
        {
            _upsertSwap.Run(tx, s.Id, s.Schedule, SqliteTime.ToTicks(s.Start), SqliteTime.ToTicks(s.End), s.FromUser, (object?)s.ToUser ?? DBNull.Value,
                EnumNames<Core.OnCall.SwapStatus>.Name(s.Status), EnumNames<Core.OnCall.SwapKind>.Name(s.Kind), SqliteTime.ToTicks(s.CreatedAt), s.CreatedBy,
                SqliteTime.ToTicks(s.DecidedAt), (object?)s.DecidedBy ?? DBNull.Value);
        }
        foreach (var t in net.SwapTransitions.Values)
        {
            var s = t.Swap;
            var changed = _decideSwap.Run(tx, (object?)s.ToUser ?? DBNull.Value, EnumNames<Core.OnCall.SwapStatus>.Name(s.Status), SqliteTime.ToTicks(s.DecidedAt),
                (object?)s.DecidedBy ?? DBNull.Value, s.Id, EnumNames<Core.OnCall.SwapStatus>.Name(t.Expected));
            if (changed == 0)
            {
                throw t.Conflict(); // the transaction is rolled back as it is disposed
            }
        }
        if (net.ForgetIdempotentAnswersBefore is { } forget)
        {
            _forgetAnswers.Run(tx, SqliteTime.ToTicks(forget));
        }
        if (net.ForgetFinishedNotificationsBefore is { } finished)
        {
            _forgetNotifications.Run(tx, SqliteTime.ToTicks(finished));
        }
        foreach (var a in net.IdempotentAnswers.Values)
        {
            _insertAnswer.Run(tx, a.Scope, a.Key, a.RequestHash, a.Status, a.Body, SqliteTime.ToTicks(a.CreatedAt));
        }
        tx.Commit();
    }

    private void WriteLogs(NetChanges net, SqliteTransaction tx)
    {
        foreach (var source in net.DeletedLogSources)
        {
            _deleteLogSource.Run(tx, source);
        }
        if (net.PruneLogCountsBeforeMinute is { } cutoff)
        {
            _pruneLogCounts.Run(tx, cutoff);
        }
        foreach (var (key, t) in net.LogTemplates)
        {
            if (t is null)
            {
                _deleteLogTemplate.Run(tx, key.Source, key.Id);
                continue;
            }
            _upsertLogTemplate.Run(tx, t.Source, t.Id, t.Template, LogJson.Strings(t.Tokens), LogJson.Bools(t.VariableSlots), t.Level,
                t.Service, t.Count, SqliteTime.ToTicks(t.FirstSeen), SqliteTime.ToTicks(t.LastSeen), LogJson.Strings(t.Examples));
        }
        foreach (var ((source, templateId, minute), count) in net.LogCounts)
        {
            _addLogCount.Run(tx, source, templateId, minute, count);
        }
        foreach (var (from, into) in net.LogMerges)
        {
            _moveLogCounts.Run(tx, into, from.Source, from.Id);
        }
        foreach (var s in net.LogSources.Values)
        {
            _upsertLogSource.Run(tx, s.Source, s.NextId, LogJson.Aliases(s.Aliases), s.Lines, SqliteTime.ToTicks(s.UpdatedAt));
        }
    }

    public void Dispose()
    {
        _alerts.Dispose();
        foreach (var s in new[] { _upsertIncident, _insertMember, _appendTimeline, _upsertGroup, _deleteGroup, _upsertEscalation, _deleteEscalation, _upsertSilence, _upsertToken, _upsertIntegrationKey, _appendAudit, _upsertMeta,
            _upsertLogTemplate, _deleteLogTemplate, _addLogCount, _upsertLogSource, _pruneLogCounts, _moveLogCounts, _deleteLogSource, _upsertMetricSeries, _insertMetricSeries, _appendMetricSample, _pruneMetricSamples, _dropMetricJournal, _deleteMetricSeries, _addSloMinute, _pruneSloMinutes,
            _clearSloMinutes, _upsertSloSource, _deleteSloSource, _upsertSloFreeze, _deleteSloFreeze, _insertOutbox, _updateOutbox, _appendChangeEvent,
            _upsertOverride, _upsertSwap, _decideSwap, _upsertExemption, _insertAnswer, _forgetAnswers, _forgetNotifications })
        {
            s.Dispose();
        }
    }
}
