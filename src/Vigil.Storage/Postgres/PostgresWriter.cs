using Vigil.Core.Escalation;
using Npgsql;
using Vigil.Core.Incidents;
using Vigil.Core.Notifications;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Storage.Common;
using Vigil.Storage.Mapping;

namespace Vigil.Storage.Postgres;

/// <summary>
/// Turns net changes into one <see cref="NpgsqlBatch"/>: one statement per table, each taking whole columns as
/// arrays (<c>INSERT ... SELECT FROM unnest(...)</c>). However many rows change, a commit is one round trip and at
/// most ten statements for the server to plan. Keyed rows are sent sorted by key so that concurrent transactions
/// lock rows in the same order, which keeps overlapping upserts from deadlocking each other.
/// </summary>
internal static class PostgresWriter
{
    /// <param name="conditions">The conditional updates of the batch: after it ran, one that changed no row means its
    /// row was changed meanwhile, and the transaction must not commit (<see cref="ThrowOnConflict"/>).</param>
    public static NpgsqlBatch Build(NpgsqlConnection connection, NpgsqlTransaction transaction, NetChanges net,
        out IReadOnlyList<(NpgsqlBatchCommand Command, SwapTransition Transition)> conditions)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        AddAlerts(batch, net);
        AddIncidents(batch, net);
        AddIncidentMembers(batch, net);
        AddTimeline(batch, net);
        AddGroups(batch, net);
        AddEscalations(batch, net);
        AddSilences(batch, net);
        AddTokens(batch, net);
        AddIntegrationKeys(batch, net);
        AddAudit(batch, net);
        AddMeta(batch, net);
        AddLogs(batch, net);
        AddMetricSeries(batch, net);
        AddSloMinutes(batch, net);
        AddOutbox(batch, net);
        AddOnCall(batch, net);
        conditions = AddSwapDecisions(batch, net);
        return batch;
    }

    /// <summary>Throws the conflict of the first conditional update that changed no row (call after the batch ran).</summary>
    public static void ThrowOnConflict(IReadOnlyList<(NpgsqlBatchCommand Command, SwapTransition Transition)> conditions)
    {
        foreach (var (command, transition) in conditions)
        {
            if (command.RecordsAffected == 0)
            {
                throw transition.Conflict();
            }
        }
    }

    // PostgreSQL (via Npgsql) accepts only UTC DateTimeOffsets for timestamptz; the instant is what matters.
    private static DateTimeOffset Utc(DateTimeOffset value) => value.ToUniversalTime();

    private static DateTimeOffset? Utc(DateTimeOffset? value) => value?.ToUniversalTime();

    private static void Add(NpgsqlBatch batch, string sql, params object[] columns)
    {
        var command = new NpgsqlBatchCommand(sql);
        for (var i = 0; i < columns.Length; i++)
        {
            // Positional ($1, $2, ...): batch commands need no SQL rewriting that way.
            command.Parameters.Add(new NpgsqlParameter { Value = PostgresText.Storable(sql, i + 1, columns[i]) });
        }
        batch.BatchCommands.Add(command);
    }

    private static void AddAlerts(NpgsqlBatch batch, NetChanges net)
    {
        var deleted = net.Alerts.Where(p => p.Value is null).Select(p => p.Key).Order().Select(f => f.ToString()).ToArray();
        if (deleted.Length > 0)
        {
            Add(batch, "DELETE FROM alerts WHERE fingerprint = ANY($1::text[])", (object)deleted);
        }
        if (net.ExpiredAlerts.Count > 0)
        {
            // Conditional: a row another server rewrote since the collector saw it (updated_at later) is kept. Under READ
            // COMMITTED a row updated concurrently is re-checked against its new version before it is deleted.
            var expired = net.ExpiredAlerts.OrderBy(p => p.Key).ToArray();
            Add(batch,
                """
                DELETE FROM alerts a USING unnest($1::text[], $2::timestamptz[]) AS e(fingerprint, updated_at)
                WHERE a.fingerprint = e.fingerprint AND a.updated_at <= e.updated_at
                """,
                expired.Select(p => p.Key.ToString()).ToArray(),
                expired.Select(p => Utc(p.Value)).ToArray());
        }
        var alerts = net.Alerts.Where(p => p.Value is not null).OrderBy(p => p.Key).Select(p => p.Value!).ToArray();
        if (alerts.Length == 0)
        {
            return;
        }
        Add(batch,
            """
            INSERT INTO alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout)
            SELECT * FROM unnest($1::text[], $2::jsonb[], $3::jsonb[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::timestamptz[], $8::boolean[])
            ON CONFLICT (fingerprint) DO UPDATE SET
                labels = excluded.labels, annotations = excluded.annotations, starts_at = excluded.starts_at,
                ends_at = excluded.ends_at, generator_url = excluded.generator_url, updated_at = excluded.updated_at,
                timeout = excluded.timeout
            """,
            alerts.Select(a => a.Fingerprint.ToString()).ToArray(),
            alerts.Select(a => RecordJson.Labels(a.Labels)).ToArray(),
            alerts.Select(a => RecordJson.Labels(a.Annotations)).ToArray(),
            alerts.Select(a => Utc(a.StartsAt)).ToArray(),
            alerts.Select(a => Utc(a.EndsAt)).ToArray(),
            alerts.Select(a => a.GeneratorUrl).ToArray(),
            alerts.Select(a => Utc(a.UpdatedAt)).ToArray(),
            alerts.Select(a => a.Timeout).ToArray());
    }

    private static void AddIncidents(NpgsqlBatch batch, NetChanges net)
    {
        if (net.Incidents.Count == 0)
        {
            return;
        }
        var rows = net.Incidents.Values.OrderBy(i => i.Id).ToArray();
        Add(batch,
            """
            INSERT INTO incidents (id, group_key, title, status, severity, priority, group_labels, receiver, created_at, updated_at,
                                   acknowledged_at, acknowledged_by, resolved_at, resolved_by, alerts, service)
            SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::text[],
                                 $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::text[], $13::timestamptz[], $14::text[], $15::jsonb[],
                                 $16::text[])
            ON CONFLICT (id) DO UPDATE SET
                group_key = excluded.group_key, title = excluded.title, status = excluded.status, severity = excluded.severity,
                priority = excluded.priority, group_labels = excluded.group_labels, receiver = excluded.receiver,
                created_at = excluded.created_at, updated_at = excluded.updated_at, acknowledged_at = excluded.acknowledged_at,
                acknowledged_by = excluded.acknowledged_by, resolved_at = excluded.resolved_at, resolved_by = excluded.resolved_by,
                alerts = excluded.alerts, service = excluded.service
            """,
            rows.Select(i => i.Id).ToArray(),
            rows.Select(i => i.GroupKey).ToArray(),
            rows.Select(i => i.Title).ToArray(),
            rows.Select(i => EnumNames<IncidentStatus>.Name(i.Status)).ToArray(),
            rows.Select(i => EnumNames<Severity>.Name(i.Severity)).ToArray(),
            rows.Select(i => i.Priority).ToArray(),
            rows.Select(i => RecordJson.Labels(i.GroupLabels)).ToArray(),
            rows.Select(i => i.Receiver).ToArray(),
            rows.Select(i => Utc(i.CreatedAt)).ToArray(),
            rows.Select(i => Utc(i.UpdatedAt)).ToArray(),
            rows.Select(i => Utc(i.AcknowledgedAt)).ToArray(),
            rows.Select(i => i.AcknowledgedBy).ToArray(),
            rows.Select(i => Utc(i.ResolvedAt)).ToArray(),
            rows.Select(i => i.ResolvedBy).ToArray(),
            rows.Select(i => RecordJson.Fingerprints(i.Alerts)).ToArray(),
            rows.Select(i => i.Service).ToArray());
    }

    private static void AddIncidentMembers(NpgsqlBatch batch, NetChanges net)
    {
        if (net.IncidentMembers.Count == 0)
        {
            return;
        }
        var rows = net.IncidentMembers.ToArray();
        Add(batch,
            """
            INSERT INTO incident_members (incident_id, fingerprint, labels, annotations, starts_at, generator_url)
            SELECT * FROM unnest($1::bigint[], $2::text[], $3::jsonb[], $4::jsonb[], $5::timestamptz[], $6::text[])
            ON CONFLICT (incident_id, fingerprint) DO NOTHING
            """,
            rows.Select(m => m.Key.IncidentId).ToArray(),
            rows.Select(m => m.Key.Fingerprint.ToString()).ToArray(),
            rows.Select(m => RecordJson.Labels(m.Value.Labels)).ToArray(),
            rows.Select(m => RecordJson.Labels(m.Value.Annotations)).ToArray(),
            rows.Select(m => Utc(m.Value.StartsAt)).ToArray(),
            rows.Select(m => m.Value.GeneratorUrl).ToArray());
    }

    private static void AddTimeline(NpgsqlBatch batch, NetChanges net)
    {
        if (net.Timeline.Count == 0)
        {
            return;
        }
        var rows = net.Timeline;
        // ORDER BY ordinality: identity values are handed out in the order the rows are inserted, which is the order
        // the entries were appended in.
        Add(batch,
            """
            INSERT INTO timeline (incident_id, at, kind, actor, message)
            SELECT incident_id, at, kind, actor, message
            FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(incident_id, at, kind, actor, message, ord)
            ORDER BY ord
            """,
            rows.Select(t => t.IncidentId).ToArray(),
            rows.Select(t => Utc(t.At)).ToArray(),
            rows.Select(t => EnumNames<TimelineKind>.Name(t.Kind)).ToArray(),
            rows.Select(t => t.Actor).ToArray(),
            rows.Select(t => t.Message).ToArray());
    }

    private static void AddGroups(NpgsqlBatch batch, NetChanges net)
    {
        var deleted = net.Groups.Where(p => p.Value is null).Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();
        if (deleted.Length > 0)
        {
            Add(batch, "DELETE FROM alert_groups WHERE key_sha256 IN (SELECT sha256(convert_to(k, 'UTF8')) FROM unnest($1::text[]) AS d(k))",
                (object)deleted);
        }
        var groups = net.Groups.Values.Where(g => g is not null).Select(g => g!).OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
        if (groups.Length == 0)
        {
            return;
        }
        // Keyed by the key's SHA-256 (migration 0016): keys hold senders' label values, far longer than a b-tree entry.
        Add(batch,
            """
            INSERT INTO alert_groups (key_sha256, key, state_json, due_at)
            SELECT sha256(convert_to(k, 'UTF8')), k, s, d FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS u(k, s, d)
            ON CONFLICT (key_sha256) DO UPDATE SET state_json = excluded.state_json, due_at = excluded.due_at
            """,
            groups.Select(g => g.Key).ToArray(),
            groups.Select(g => g.StateJson).ToArray(),
            groups.Select(g => Utc(g.DueAt)).ToArray());
    }

    private static void AddEscalations(NpgsqlBatch batch, NetChanges net)
    {
        var deleted = net.Escalations.Where(p => p.Value is null).Select(p => p.Key).Order().ToArray();
        if (deleted.Length > 0)
        {
            Add(batch, "DELETE FROM escalations WHERE incident_id = ANY($1::bigint[])", (object)deleted);
        }
        var rows = net.Escalations.Values.Where(e => e is not null).Select(e => e!).OrderBy(e => e.IncidentId).ToArray();
        if (rows.Length == 0)
        {
            return;
        }
        Add(batch,
            """
            INSERT INTO escalations (incident_id, policy, status, next_level, cycle, next_due_at, steps, started_at)
            SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::integer[], $5::integer[], $6::timestamptz[], $7::integer[], $8::timestamptz[])
            ON CONFLICT (incident_id) DO UPDATE SET
                policy = excluded.policy, status = excluded.status, next_level = excluded.next_level, cycle = excluded.cycle,
                next_due_at = excluded.next_due_at, steps = excluded.steps, started_at = excluded.started_at
            """,
            rows.Select(e => e.IncidentId).ToArray(),
            rows.Select(e => e.Policy).ToArray(),
            rows.Select(e => EnumNames<EscalationStatus>.Name(e.Status)).ToArray(),
            rows.Select(e => e.NextLevel).ToArray(),
            rows.Select(e => e.Cycle).ToArray(),
            rows.Select(e => Utc(e.NextDueAt)).ToArray(),
            rows.Select(e => e.Steps).ToArray(),
            rows.Select(e => Utc(e.StartedAt)).ToArray());
    }

    private static void AddSilences(NpgsqlBatch batch, NetChanges net)
    {
        if (net.Silences.Count == 0)
        {
            return;
        }
        var rows = net.Silences.Values.OrderBy(s => s.Id).ToArray();
        Add(batch,
            """
            INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment, updated_at)
            SELECT * FROM unnest($1::uuid[], $2::jsonb[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[], $7::timestamptz[])
            ON CONFLICT (id) DO UPDATE SET
                matchers = excluded.matchers, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
                created_by = excluded.created_by, comment = excluded.comment, updated_at = excluded.updated_at
            """,
            rows.Select(s => s.Id).ToArray(),
            rows.Select(s => RecordJson.Matchers(s.Matchers)).ToArray(),
            rows.Select(s => Utc(s.StartsAt)).ToArray(),
            rows.Select(s => Utc(s.EndsAt)).ToArray(),
            rows.Select(s => s.CreatedBy).ToArray(),
            rows.Select(s => s.Comment).ToArray(),
            rows.Select(s => Utc(s.UpdatedAt)).ToArray());
    }

    private static void AddTokens(NpgsqlBatch batch, NetChanges net)
    {
        if (net.Tokens.Count == 0)
        {
            return;
        }
        var rows = net.Tokens.Values.OrderBy(t => t.Id, StringComparer.Ordinal).ToArray();
        Add(batch,
            """
            INSERT INTO tokens (id, name, role, secret_hash, created_at, created_by, revoked_at, user_name)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::timestamptz[], $8::text[])
            ON CONFLICT (id) DO UPDATE SET
                name = excluded.name, role = excluded.role, secret_hash = excluded.secret_hash,
                created_at = excluded.created_at, created_by = excluded.created_by, revoked_at = excluded.revoked_at,
                user_name = excluded.user_name
            """,
            rows.Select(t => t.Id).ToArray(),
            rows.Select(t => t.Name).ToArray(),
            rows.Select(t => EnumNames<Role>.Name(t.Role)).ToArray(),
            rows.Select(t => t.SecretHash).ToArray(),
            rows.Select(t => Utc(t.CreatedAt)).ToArray(),
            rows.Select(t => t.CreatedBy).ToArray(),
            rows.Select(t => Utc(t.RevokedAt)).ToArray(),
            rows.Select(t => t.User).ToArray());
    }

    private static void AddIntegrationKeys(NpgsqlBatch batch, NetChanges net)
    {
        if (net.IntegrationKeys.Count == 0)
        {
            return;
        }
        var rows = net.IntegrationKeys.Values.OrderBy(k => k.Id, StringComparer.Ordinal).ToArray();
        Add(batch,
            """
            INSERT INTO integration_keys (id, name, service, key_hash, created_at, created_by, revoked_at)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::timestamptz[])
            ON CONFLICT (id) DO UPDATE SET
                name = excluded.name, service = excluded.service, key_hash = excluded.key_hash,
                created_at = excluded.created_at, created_by = excluded.created_by, revoked_at = excluded.revoked_at
            """,
            rows.Select(k => k.Id).ToArray(),
            rows.Select(k => k.Name).ToArray(),
            rows.Select(k => k.Service).ToArray(),
            rows.Select(k => k.KeyHash).ToArray(),
            rows.Select(k => Utc(k.CreatedAt)).ToArray(),
            rows.Select(k => k.CreatedBy).ToArray(),
            rows.Select(k => Utc(k.RevokedAt)).ToArray());
    }

    private static void AddAudit(NpgsqlBatch batch, NetChanges net)
    {
        if (net.Audit.Count == 0)
        {
            return;
        }
        var rows = net.Audit;
        Add(batch,
            """
            INSERT INTO audit (at, actor, action, target, details)
            SELECT at, actor, action, target, details
            FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(at, actor, action, target, details, ord)
            ORDER BY ord
            """,
            rows.Select(a => Utc(a.At)).ToArray(),
            rows.Select(a => a.Actor).ToArray(),
            rows.Select(a => a.Action).ToArray(),
            rows.Select(a => a.Target).ToArray(),
            rows.Select(a => a.Details).ToArray());
    }

    private static void AddMeta(NpgsqlBatch batch, NetChanges net)
    {
        if (net.Meta.Count == 0)
        {
            return;
        }
        var rows = net.Meta.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        Add(batch,
            """
            INSERT INTO meta (key, value) SELECT * FROM unnest($1::text[], $2::text[])
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """,
            rows.Select(p => p.Key).ToArray(),
            rows.Select(p => p.Value).ToArray());
    }

    private static void AddLogs(NpgsqlBatch batch, NetChanges net)
    {
        if (net.DeletedLogSources.Count > 0)
        {
            // First: the sets merged after the deletion write the source afresh (see NetChanges.DeletedLogSources).
            var forgotten = (object)net.DeletedLogSources.Order(StringComparer.Ordinal).ToArray();
            Add(batch, "DELETE FROM log_counts WHERE source = ANY($1::text[])", forgotten);
            Add(batch, "DELETE FROM log_templates WHERE source = ANY($1::text[])", forgotten);
            Add(batch, "DELETE FROM log_sources WHERE source = ANY($1::text[])", forgotten);
        }
        var deleted = net.LogTemplates.Where(p => p.Value is null).Select(p => p.Key)
            .OrderBy(k => k.Source, StringComparer.Ordinal).ThenBy(k => k.Id).ToArray();
        if (deleted.Length > 0)
        {
            Add(batch, "DELETE FROM log_templates t USING unnest($1::text[], $2::bigint[]) AS d(source, id) WHERE t.source = d.source AND t.id = d.id",
                deleted.Select(k => k.Source).ToArray(), deleted.Select(k => k.Id).ToArray());
        }
        var templates = net.LogTemplates.Values.Where(t => t is not null).Select(t => t!)
            .OrderBy(t => t.Source, StringComparer.Ordinal).ThenBy(t => t.Id).ToArray();
        if (templates.Length > 0)
        {
            // Counts, first/last seen and next id only move one way (see ChangeSet.LogTemplates); examples are replaced.
            Add(batch,
                """
                INSERT INTO log_templates (source, id, template, tokens, variable_slots, level, service, count, first_seen, last_seen, examples)
                SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::jsonb[], $5::jsonb[], $6::text[], $7::text[], $8::bigint[],
                                     $9::timestamptz[], $10::timestamptz[], $11::jsonb[])
                ON CONFLICT (source, id) DO UPDATE SET
                    template = excluded.template, tokens = excluded.tokens, variable_slots = excluded.variable_slots,
                    level = excluded.level, count = GREATEST(log_templates.count, excluded.count),
                    first_seen = LEAST(log_templates.first_seen, excluded.first_seen),
                    last_seen = GREATEST(log_templates.last_seen, excluded.last_seen), examples = excluded.examples
                """,
                templates.Select(t => t.Source).ToArray(),
                templates.Select(t => t.Id).ToArray(),
                templates.Select(t => t.Template).ToArray(),
                templates.Select(t => LogJson.Strings(t.Tokens)).ToArray(),
                templates.Select(t => LogJson.Bools(t.VariableSlots)).ToArray(),
                templates.Select(t => t.Level).ToArray(),
                templates.Select(t => t.Service).ToArray(),
                templates.Select(t => t.Count).ToArray(),
                templates.Select(t => Utc(t.FirstSeen)).ToArray(),
                templates.Select(t => Utc(t.LastSeen)).ToArray(),
                templates.Select(t => LogJson.Strings(t.Examples)).ToArray());
        }
        if (net.PruneLogCountsBeforeMinute is { } cutoff)
        {
            Add(batch, "DELETE FROM log_counts WHERE minute < $1", cutoff);
        }
        if (net.LogCounts.Count > 0)
        {
            var counts = net.LogCounts.OrderBy(p => p.Key.Source, StringComparer.Ordinal).ThenBy(p => p.Key.Minute).ThenBy(p => p.Key.TemplateId).ToArray();
            Add(batch,
                """
                INSERT INTO log_counts (source, template_id, minute, count)
                SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[])
                ON CONFLICT (source, minute, template_id) DO UPDATE SET count = log_counts.count + excluded.count
                """,
                counts.Select(p => p.Key.Source).ToArray(),
                counts.Select(p => p.Key.TemplateId).ToArray(),
                counts.Select(p => p.Key.Minute).ToArray(),
                counts.Select(p => p.Value).ToArray());
        }
        if (net.LogMerges.Count > 0)
        {
            // Summed per target row: one INSERT may not update the same row twice (two templates merged into one).
            var merges = net.LogMerges.OrderBy(m => m.Key.Source, StringComparer.Ordinal).ThenBy(m => m.Key.Id).ToArray();
            string[] sources = [.. merges.Select(m => m.Key.Source)];
            long[] from = [.. merges.Select(m => m.Key.Id)];
            Add(batch,
                """
                INSERT INTO log_counts (source, template_id, minute, count)
                SELECT c.source, m.into_id, c.minute, SUM(c.count)
                FROM log_counts c JOIN unnest($1::text[], $2::bigint[], $3::bigint[]) AS m(source, from_id, into_id)
                    ON c.source = m.source AND c.template_id = m.from_id
                GROUP BY c.source, m.into_id, c.minute
                ON CONFLICT (source, minute, template_id) DO UPDATE SET count = log_counts.count + excluded.count
                """,
                sources, from, merges.Select(m => m.Value).ToArray());
            Add(batch, "DELETE FROM log_counts c USING unnest($1::text[], $2::bigint[]) AS m(source, from_id) WHERE c.source = m.source AND c.template_id = m.from_id",
                sources, from);
        }
        if (net.LogSources.Count > 0)
        {
            var sources = net.LogSources.Values.OrderBy(s => s.Source, StringComparer.Ordinal).ToArray();
            Add(batch,
                """
                INSERT INTO log_sources (source, next_id, aliases, lines, updated_at)
                SELECT * FROM unnest($1::text[], $2::bigint[], $3::jsonb[], $4::bigint[], $5::timestamptz[])
                ON CONFLICT (source) DO UPDATE SET
                    next_id = GREATEST(log_sources.next_id, excluded.next_id), aliases = excluded.aliases,
                    lines = GREATEST(log_sources.lines, excluded.lines), updated_at = GREATEST(log_sources.updated_at, excluded.updated_at)
                """,
                sources.Select(s => s.Source).ToArray(),
                sources.Select(s => s.NextId).ToArray(),
                sources.Select(s => LogJson.Aliases(s.Aliases)).ToArray(),
                sources.Select(s => s.Lines).ToArray(),
                sources.Select(s => Utc(s.UpdatedAt)).ToArray());
        }
    }

    private static void AddMetricSeries(NpgsqlBatch batch, NetChanges net)
    {
        if (net.DeletedMetricSeries.Count > 0)
        {
            Add(batch, "DELETE FROM metric_series WHERE id = ANY($1::text[])", (object)net.DeletedMetricSeries.Order(StringComparer.Ordinal).ToArray());
        }
        if (net.NewMetricSeries.Count > 0)
        {
            var fresh = net.NewMetricSeries.Values.OrderBy(m => m.Id, StringComparer.Ordinal).ToArray();
            Add(batch,
                """
                INSERT INTO metric_series (id, name, labels, state, points, updated_at, detector)
                SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::bytea[], $5::bytea[], $6::timestamptz[], $7::text[])
                ON CONFLICT (id) DO NOTHING
                """,
                fresh.Select(m => m.Id).ToArray(),
                fresh.Select(m => m.Name).ToArray(),
                fresh.Select(m => LogJson.StringMap(m.Labels)).ToArray(),
                fresh.Select(m => m.State).ToArray(),
                fresh.Select(m => m.Points).ToArray(),
                fresh.Select(m => Utc(m.UpdatedAt)).ToArray(),
                fresh.Select(m => m.Detector).ToArray());
        }
        if (net.PruneMetricSamplesRecordedBeforeTicks is { } prune)
        {
            Add(batch, "DELETE FROM metric_samples WHERE recorded_at < $1", prune);
        }
        if (net.DroppedMetricJournals.Count > 0)
        {
            Add(batch, "DELETE FROM metric_samples WHERE series_id = ANY($1::text[])", (object)net.DroppedMetricJournals.ToArray());
        }
        if (net.MetricSamples.Count > 0)
        {
            Add(batch,
                """
                INSERT INTO metric_samples (series_id, ts, value, recorded_at)
                SELECT * FROM unnest($1::text[], $2::bigint[], $3::float8[], $4::bigint[])
                """,
                net.MetricSamples.Select(s => s.SeriesId).ToArray(),
                net.MetricSamples.Select(s => s.TimestampTicks).ToArray(),
                net.MetricSamples.Select(s => s.Value).ToArray(),
                net.MetricSamples.Select(s => s.RecordedAtTicks).ToArray());
        }
        if (net.MetricSeries.Count == 0)
        {
            return;
        }
        var rows = net.MetricSeries.Values.OrderBy(m => m.Id, StringComparer.Ordinal).ToArray();
        Add(batch,
            """
            INSERT INTO metric_series (id, name, labels, state, points, updated_at, detector)
            SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::bytea[], $5::bytea[], $6::timestamptz[], $7::text[])
            ON CONFLICT (id) DO UPDATE SET
                name = excluded.name, labels = excluded.labels, state = excluded.state, points = excluded.points, updated_at = excluded.updated_at,
                detector = excluded.detector
            """,
            rows.Select(m => m.Id).ToArray(),
            rows.Select(m => m.Name).ToArray(),
            rows.Select(m => LogJson.StringMap(m.Labels)).ToArray(),
            rows.Select(m => m.State).ToArray(),
            rows.Select(m => m.Points).ToArray(),
            rows.Select(m => Utc(m.UpdatedAt)).ToArray(),
            rows.Select(m => m.Detector).ToArray());
    }

    private static void AddOutbox(NpgsqlBatch batch, NetChanges net)
    {
        if (net.Outbox.Count > 0)
        {
            // In queue order (ids tell the order notifications were queued in); a deadlock between two replicas queueing
            // the same keys in another order is retried by PostgresStore.ApplyAsync.
            var rows = net.Outbox.Values.ToArray();
            // DO NOTHING on the dedup key: a notification queued before (by any replica) is not queued again.
            Add(batch,
                """
                INSERT INTO outbox (dedup_key, channel, incident_id, payload, status, attempts, next_attempt_at, created_at)
                SELECT d, c, i, p, 'pending', 0, t, t
                FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::timestamptz[]) WITH ORDINALITY AS u(d, c, i, p, t, ord)
                ORDER BY ord
                ON CONFLICT (dedup_key) DO NOTHING
                """,
                rows.Select(o => o.DedupKey).ToArray(),
                rows.Select(o => o.Channel).ToArray(),
                rows.Select(o => o.IncidentId).ToArray(),
                rows.Select(o => o.Message.ToJson()).ToArray(),
                rows.Select(o => Utc(o.CreatedAt)).ToArray());
        }
        if (net.OutboxUpdates.Count > 0)
        {
            var rows = net.OutboxUpdates.Values.OrderBy(u => u.Id).ToArray();
            Add(batch,
                """
                UPDATE outbox o SET status = u.s, attempts = u.a, next_attempt_at = u.n, last_error = u.e, sent_at = u.t, lease_until = NULL
                FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::timestamptz[], $5::text[], $6::timestamptz[], $7::timestamptz[])
                    AS u(id, s, a, n, e, t, l)
                WHERE o.id = u.id AND (u.l IS NULL OR o.lease_until = u.l)
                """,
                rows.Select(u => u.Id).ToArray(),
                rows.Select(u => EnumNames<OutboxStatus>.Name(u.Status)).ToArray(),
                rows.Select(u => u.Attempts).ToArray(),
                rows.Select(u => Utc(u.NextAttemptAt)).ToArray(),
                rows.Select(u => u.LastError).ToArray(),
                rows.Select(u => Utc(u.SentAt)).ToArray(),
                rows.Select(u => Utc(u.ClaimedUntil)).ToArray());
        }
        if (net.ChangeEvents.Count > 0)
        {
            var rows = net.ChangeEvents;
            Add(batch,
                """
                INSERT INTO change_events (integration, service, summary, source, ts, json, received_at)
                SELECT i, s, m, src, ts, j, r FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::timestamptz[])
                    WITH ORDINALITY AS u(i, s, m, src, ts, j, r, ord)
                ORDER BY ord
                """,
                rows.Select(c => c.Integration).ToArray(),
                rows.Select(c => c.Service).ToArray(),
                rows.Select(c => c.Summary).ToArray(),
                rows.Select(c => c.Source).ToArray(),
                rows.Select(c => Utc(c.Timestamp)).ToArray(),
                rows.Select(c => c.Json).ToArray(),
                rows.Select(c => Utc(c.ReceivedAt)).ToArray());
        }
    }

    private static void AddSloMinutes(NpgsqlBatch batch, NetChanges net)
    {
        if (net.PruneSloMinutesBeforeMinute is { } cutoff)
        {
            Add(batch, "DELETE FROM slo_minutes WHERE minute < $1", cutoff);
        }
        foreach (var range in net.ClearedSloMinutes)
        {
            Add(batch, "DELETE FROM slo_minutes WHERE slo = $1 AND minute >= $2 AND minute <= $3", range.Slo, range.FromMinute, range.ToMinute);
        }
        AddSloSourcesAndFreezes(batch, net);
        if (net.SloMinutes.Count == 0)
        {
            return;
        }
        // Sorted so concurrent commits lock rows in the same order (no deadlock between two pushes).
        var rows = net.SloMinutes.OrderBy(p => p.Key.Slo, StringComparer.Ordinal).ThenBy(p => p.Key.Minute).ToArray();
        Add(batch,
            """
            INSERT INTO slo_minutes (slo, minute, good, total)
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::float8[], $4::float8[])
            ON CONFLICT (slo, minute) DO UPDATE SET good = slo_minutes.good + excluded.good, total = slo_minutes.total + excluded.total
            """,
            rows.Select(p => p.Key.Slo).ToArray(),
            rows.Select(p => p.Key.Minute).ToArray(),
            rows.Select(p => p.Value.Good).ToArray(),
            rows.Select(p => p.Value.Total).ToArray());
    }

    private static void AddSloSourcesAndFreezes(NpgsqlBatch batch, NetChanges net)
    {
        var deletedSources = net.SloSources.Where(p => p.Value is null).Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();
        if (deletedSources.Length > 0)
        {
            Add(batch, "DELETE FROM slo_sources WHERE slo = ANY($1::text[])", (object)deletedSources);
        }
        var sources = net.SloSources.Values.OfType<Vigil.Core.Store.SloSourceRecord>().OrderBy(s => s.Slo, StringComparer.Ordinal).ToArray();
        if (sources.Length > 0)
        {
            Add(batch,
                """
                INSERT INTO slo_sources (slo, source_key, fetched_through)
                SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
                ON CONFLICT (slo) DO UPDATE SET source_key = excluded.source_key, fetched_through = excluded.fetched_through
                """,
                sources.Select(s => s.Slo).ToArray(),
                sources.Select(s => s.SourceKey).ToArray(),
                sources.Select(s => s.FetchedThrough).ToArray());
        }
        foreach (var ((slo, objective), _) in net.SloFreezes.Where(p => p.Value is null).OrderBy(p => p.Key.Slo, StringComparer.Ordinal).ThenBy(p => p.Key.Objective))
        {
            Add(batch, "DELETE FROM slo_freezes WHERE slo = $1 AND objective = $2", slo, objective);
        }
        foreach (var freeze in net.SloFreezes.Values.OfType<Vigil.Core.Store.SloFreezeRecord>().OrderBy(f => f.Slo, StringComparer.Ordinal).ThenBy(f => f.Objective))
        {
            Add(batch,
                """
                INSERT INTO slo_freezes (slo, objective, service, since, remaining) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (slo, objective) DO UPDATE SET service = excluded.service, since = excluded.since, remaining = excluded.remaining
                """,
                freeze.Slo, freeze.Objective, freeze.Service, Utc(freeze.Since), freeze.RemainingPercent is { } r ? r : DBNull.Value);
        }
    }

    /// <summary>
    /// One conditional update per decision (there is one per API request), so each reports its own row count. Under READ
    /// COMMITTED a second decision on the same row waits for the first to commit, then re-checks the status and
    /// changes nothing.
    /// </summary>
    private static List<(NpgsqlBatchCommand Command, SwapTransition Transition)> AddSwapDecisions(NpgsqlBatch batch, NetChanges net)
    {
        var conditions = new List<(NpgsqlBatchCommand, SwapTransition)>();
        foreach (var t in net.SwapTransitions.Values.OrderBy(t => t.Swap.Id, StringComparer.Ordinal))
        {
            var s = t.Swap;
            Add(batch,
                """
                UPDATE shift_swaps SET to_user = $1, status = $2, decided_at = $3, decided_by = $4
                WHERE id = $5 AND status = $6
                """,
                (object?)s.ToUser ?? DBNull.Value, EnumNames<Core.OnCall.SwapStatus>.Name(s.Status), (object?)Utc(s.DecidedAt) ?? DBNull.Value,
                (object?)s.DecidedBy ?? DBNull.Value, s.Id, EnumNames<Core.OnCall.SwapStatus>.Name(t.Expected));
            conditions.Add((batch.BatchCommands[^1], t));
        }
        return conditions;
    }

    private static void AddOnCall(NpgsqlBatch batch, NetChanges net)
    {
        if (net.ScheduleOverrides.Count > 0)
        {
            var rows = net.ScheduleOverrides.Values.OrderBy(o => o.Id, StringComparer.Ordinal).ToArray();
            Add(batch,
                """
                INSERT INTO schedule_overrides (id, schedule, starts_at, ends_at, user_name, created_at, created_by, deleted_at)
                SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::timestamptz[], $7::text[], $8::timestamptz[])
                ON CONFLICT (id) DO UPDATE SET
                    schedule = excluded.schedule, starts_at = excluded.starts_at, ends_at = excluded.ends_at, user_name = excluded.user_name,
                    created_at = excluded.created_at, created_by = excluded.created_by, deleted_at = excluded.deleted_at
                """,
                rows.Select(o => o.Id).ToArray(),
                rows.Select(o => o.Schedule).ToArray(),
                rows.Select(o => Utc(o.Start)).ToArray(),
                rows.Select(o => Utc(o.End)).ToArray(),
                rows.Select(o => o.User).ToArray(),
                rows.Select(o => Utc(o.CreatedAt)).ToArray(),
                rows.Select(o => o.CreatedBy).ToArray(),
                rows.Select(o => Utc(o.DeletedAt)).ToArray());
        }
        if (net.FreezeExemptions.Count > 0)
        {
            var rows = net.FreezeExemptions.Values.OrderBy(e => e.Id, StringComparer.Ordinal).ToArray();
            Add(batch,
                """
                INSERT INTO freeze_exemptions (id, service, starts_at, ends_at, reason, created_at, created_by, revoked_at)
                SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::timestamptz[], $7::text[], $8::timestamptz[])
                ON CONFLICT (id) DO UPDATE SET
                    service = excluded.service, starts_at = excluded.starts_at, ends_at = excluded.ends_at, reason = excluded.reason,
                    created_at = excluded.created_at, created_by = excluded.created_by, revoked_at = excluded.revoked_at
                """,
                rows.Select(e => e.Id).ToArray(),
                rows.Select(e => e.Service).ToArray(),
                rows.Select(e => Utc(e.Start)).ToArray(),
                rows.Select(e => Utc(e.End)).ToArray(),
                rows.Select(e => e.Reason).ToArray(),
                rows.Select(e => Utc(e.CreatedAt)).ToArray(),
                rows.Select(e => e.CreatedBy).ToArray(),
                rows.Select(e => Utc(e.RevokedAt)).ToArray());
        }
        if (net.ForgetIdempotentAnswersBefore is { } forget)
        {
            Add(batch, "DELETE FROM idempotent_answers WHERE created_at < $1", Utc(forget));
        }
        if (net.ForgetFinishedNotificationsBefore is { } finished)
        {
            Add(batch, "DELETE FROM outbox WHERE status <> 'pending' AND created_at < $1", Utc(finished));
        }
        if (net.IdempotentAnswers.Count > 0)
        {
            var rows = net.IdempotentAnswers.Values.ToArray();
            Add(batch,
                """
                INSERT INTO idempotent_answers (scope, key, request_hash, status, body, created_at)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::timestamptz[])
                ON CONFLICT (scope, key) DO NOTHING
                """,
                rows.Select(a => a.Scope).ToArray(),
                rows.Select(a => a.Key).ToArray(),
                rows.Select(a => a.RequestHash).ToArray(),
                rows.Select(a => a.Status).ToArray(),
                rows.Select(a => a.Body).ToArray(),
                rows.Select(a => Utc(a.CreatedAt)).ToArray());
        }
        if (net.ShiftSwaps.Count > 0)
        {
            var rows = net.ShiftSwaps.Values.OrderBy(s => s.Id, StringComparer.Ordinal).ToArray();
            Add(batch,
                """
                INSERT INTO shift_swaps (id, schedule, starts_at, ends_at, from_user, to_user, status, kind, created_at, created_by, decided_at, decided_by)
                SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[],
                                     $9::timestamptz[], $10::text[], $11::timestamptz[], $12::text[])
                ON CONFLICT (id) DO UPDATE SET
                    schedule = excluded.schedule, starts_at = excluded.starts_at, ends_at = excluded.ends_at, from_user = excluded.from_user,
                    to_user = excluded.to_user, status = excluded.status, kind = excluded.kind, created_at = excluded.created_at,
                    created_by = excluded.created_by, decided_at = excluded.decided_at, decided_by = excluded.decided_by
                """,
                rows.Select(s => s.Id).ToArray(),
                rows.Select(s => s.Schedule).ToArray(),
                rows.Select(s => Utc(s.Start)).ToArray(),
                rows.Select(s => Utc(s.End)).ToArray(),
                rows.Select(s => s.FromUser).ToArray(),
                rows.Select(s => s.ToUser).ToArray(),
                rows.Select(s => EnumNames<Core.OnCall.SwapStatus>.Name(s.Status)).ToArray(),
                rows.Select(s => EnumNames<Core.OnCall.SwapKind>.Name(s.Kind)).ToArray(),
                rows.Select(s => Utc(s.CreatedAt)).ToArray(),
                rows.Select(s => s.CreatedBy).ToArray(),
                rows.Select(s => Utc(s.DecidedAt)).ToArray(),
                rows.Select(s => s.DecidedBy).ToArray());
        }
    }
}
