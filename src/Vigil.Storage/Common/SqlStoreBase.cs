using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using Vigil.Core.Alerts;
using Vigil.Core.Escalation;
using Vigil.Core.Incidents;
using Vigil.Core.Notifications;
using Vigil.Core.OnCall;
using Vigil.Core.Security;
using Vigil.Core.Silences;
using Vigil.Core.Store;
using Vigil.Storage.Mapping;

namespace Vigil.Storage.Common;

/// <summary>
/// The read side shared by both backends. The schemas have the same tables and columns and both ADO.NET providers
/// accept <c>@name</c> parameters and <c>LIMIT</c>, so every query and every row mapping lives here once; a backend
/// only says how to open a read connection and how it stores timestamps.
/// </summary>
internal abstract class SqlStoreBase : IVigilStore
{
    protected const string AlertColumns = "fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout";
    private const string SilenceColumns = "id, matchers, starts_at, ends_at, created_by, comment, updated_at";
    private const string IncidentColumns = "id, group_key, title, status, severity, priority, group_labels, receiver, created_at, updated_at, "
        + "acknowledged_at, acknowledged_by, resolved_at, resolved_by, alerts, service";
    private const string TokenColumns = "id, name, role, secret_hash, created_at, created_by, revoked_at, user_name";

    public abstract Task MigrateAsync(CancellationToken ct = default);

    public abstract Task ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken ct = default);

    public abstract ValueTask DisposeAsync();

    /// <summary>An open connection for queries; disposing it returns it to the pool.</summary>
    protected abstract ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken ct);

    protected abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    /// <summary>Silence ids are a native uuid in PostgreSQL and text in SQLite.</summary>
    protected abstract Guid ReadGuid(DbDataReader reader, int ordinal);

    private DateTimeOffset? ReadOptionalTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    private static string? ReadOptionalString(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>Selects <see cref="AlertColumns"/> of every stored alert.</summary>
    protected virtual string AlertsQuery => $"SELECT {AlertColumns} FROM alerts";

    public Task<IReadOnlyList<Alert>> LoadAlertsAsync(CancellationToken ct = default) =>
        QueryAsync(AlertsQuery, null, r => new Alert(
            RecordJson.ParseLabels(r.GetString(1)),
            RecordJson.ParseLabels(r.GetString(2)),
            ReadTime(r, 3),
            ReadTime(r, 4),
            r.GetString(5),
            ReadTime(r, 6),
            r.GetBoolean(7)), ct);

    public Task<IReadOnlyList<Silence>> LoadSilencesAsync(CancellationToken ct = default) =>
        QueryAsync($"SELECT {SilenceColumns} FROM silences", null, r => new Silence(
            ReadGuid(r, 0),
            RecordJson.ParseMatchers(r.GetString(1)),
            ReadTime(r, 2),
            ReadTime(r, 3),
            r.GetString(4),
            r.GetString(5),
            ReadTime(r, 6)), ct);

    public Task<IReadOnlyList<AlertGroupRecord>> LoadGroupsAsync(CancellationToken ct = default) =>
        QueryAsync("SELECT key, state_json, due_at FROM alert_groups", null,
            r => new AlertGroupRecord(r.GetString(0), r.GetString(1), ReadOptionalTime(r, 2)), ct);

    public Task<IReadOnlyList<EscalationState>> ListEscalationsAsync(CancellationToken ct = default) =>
        QueryAsync("SELECT incident_id, policy, status, next_level, cycle, next_due_at, steps, started_at FROM escalations ORDER BY incident_id", null,
            r => new EscalationState(r.GetInt64(0), r.GetString(1), EnumNames<EscalationStatus>.Parse(r.GetString(2)), r.GetInt32(3),
                r.GetInt32(4), ReadOptionalTime(r, 5), r.GetInt32(6), ReadTime(r, 7)), ct);

    public Task<IReadOnlyList<long>> ListEscalationsOfResolvedIncidentsAsync(int limit, CancellationToken ct = default) =>
        limit <= 0
            ? Task.FromResult<IReadOnlyList<long>>([])
            : QueryAsync(
                "SELECT e.incident_id FROM escalations e LEFT JOIN incidents i ON i.id = e.incident_id "
                + "WHERE i.id IS NULL OR i.status = @resolved ORDER BY e.incident_id LIMIT @limit",
                cmd =>
                {
                    AddParameter(cmd, "@resolved", EnumNames<IncidentStatus>.Name(IncidentStatus.Resolved));
                    AddParameter(cmd, "@limit", limit);
                },
                r => r.GetInt64(0), ct);

    public async Task<Incident?> GetIncidentAsync(long id, CancellationToken ct = default)
    {
        var rows = await QueryAsync($"SELECT {IncidentColumns} FROM incidents WHERE id = @id",
            cmd => AddParameter(cmd, "@id", id), ReadIncident, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<IReadOnlyList<Incident>> ListIncidentsAsync(IncidentQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<Incident>>([]);
        }
        var where = new List<string>();
        if (query.Statuses.Count > 0)
        {
            // One parameter per status: portable across both providers, and the list is at most three long.
            where.Add("status IN (" + string.Join(", ", query.Statuses.Select((_, i) => "@s" + i)) + ")");
        }
        if (query.BeforeId is not null)
        {
            where.Add("id < @before");
        }
        var sql = $"SELECT {IncidentColumns} FROM incidents"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY id DESC LIMIT @limit";
        return QueryAsync(sql, cmd =>
        {
            for (var i = 0; i < query.Statuses.Count; i++)
            {
                AddParameter(cmd, "@s" + i, EnumNames<IncidentStatus>.Name(query.Statuses[i]));
            }
            if (query.BeforeId is { } before)
            {
                AddParameter(cmd, "@before", before);
            }
            AddParameter(cmd, "@limit", query.Limit);
        }, ReadIncident, ct);
    }

    private Incident ReadIncident(DbDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        r.GetString(2),
        EnumNames<IncidentStatus>.Parse(r.GetString(3)),
        EnumNames<Severity>.Parse(r.GetString(4)),
        r.GetString(5),
        RecordJson.ParseLabels(r.GetString(6)),
        r.GetString(7),
        ReadTime(r, 8),
        ReadTime(r, 9),
        ReadOptionalTime(r, 10),
        ReadOptionalString(r, 11),
        ReadOptionalTime(r, 12),
        ReadOptionalString(r, 13),
        RecordJson.ParseFingerprints(r.GetString(14)),
        ReadOptionalString(r, 15));

    public Task<IReadOnlyList<Alert>> GetIncidentMembersAsync(long incidentId, CancellationToken ct = default) =>
        QueryAsync("SELECT labels, annotations, starts_at, generator_url FROM incident_members WHERE incident_id = @id",
            cmd => AddParameter(cmd, "@id", incidentId),
            r => new Alert(RecordJson.ParseLabels(r.GetString(0)), RecordJson.ParseLabels(r.GetString(1)), ReadTime(r, 2), ReadTime(r, 2), r.GetString(3),
                ReadTime(r, 2)),
            ct);

    public Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(long incidentId, CancellationToken ct = default) =>
        QueryAsync("SELECT incident_id, at, kind, actor, message, sequence FROM timeline WHERE incident_id = @id ORDER BY sequence",
            cmd => AddParameter(cmd, "@id", incidentId),
            r => new TimelineEntry(r.GetInt64(0), ReadTime(r, 1), EnumNames<TimelineKind>.Parse(r.GetString(2)), r.GetString(3), r.GetString(4), r.GetInt64(5)),
            ct);

    public async Task<long> GetMaxIncidentIdAsync(CancellationToken ct = default)
    {
        await using var conn = await OpenReadConnectionAsync(ct).ConfigureAwait(false);
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(MAX(id), 0) FROM incidents", cancellationToken: ct)).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken ct = default) =>
        QueryAsync($"SELECT {TokenColumns} FROM tokens ORDER BY created_at, id", null, ReadToken, ct);

    public Task<IReadOnlyList<IntegrationKey>> ListIntegrationKeysAsync(CancellationToken ct = default) =>
        QueryAsync("SELECT id, name, service, key_hash, created_at, created_by, revoked_at FROM integration_keys ORDER BY created_at, id", null,
            r => new IntegrationKey(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), ReadTime(r, 4), r.GetString(5), ReadOptionalTime(r, 6)), ct);

    public async Task<ApiToken?> FindTokenByHashAsync(string secretHash, CancellationToken ct = default)
    {
        // Revoked tokens are returned too: the caller tells "revoked" apart from "unknown".
        var rows = await QueryAsync($"SELECT {TokenColumns} FROM tokens WHERE secret_hash = @hash",
            cmd => AddParameter(cmd, "@hash", secretHash), ReadToken, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private ApiToken ReadToken(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), EnumNames<Role>.Parse(r.GetString(2)), r.GetString(3), ReadTime(r, 4), r.GetString(5), ReadOptionalTime(r, 6),
        ReadOptionalString(r, 7));

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit, long? beforeSequence = null, CancellationToken ct = default)
    {
        if (limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<AuditEntry>>([]);
        }
        var sql = "SELECT at, actor, action, target, details, sequence FROM audit"
            + (beforeSequence is null ? "" : " WHERE sequence < @before")
            + " ORDER BY sequence DESC LIMIT @limit";
        return QueryAsync(sql, cmd =>
        {
            if (beforeSequence is { } before)
            {
                AddParameter(cmd, "@before", before);
            }
            AddParameter(cmd, "@limit", limit);
        }, r => new AuditEntry(ReadTime(r, 0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5)), ct);
    }

    public async Task<string?> GetMetaAsync(string key, CancellationToken ct = default)
    {
        await using var conn = await OpenReadConnectionAsync(ct).ConfigureAwait(false);
        return await conn.QuerySingleOrDefaultAsync<string?>(new CommandDefinition("SELECT value FROM meta WHERE key = @key", new { key }, cancellationToken: ct)).ConfigureAwait(false);
    }

    private const string LogTemplateColumns =
        "source, id, template, tokens, variable_slots, level, service, count, first_seen, last_seen, examples";

    public Task<IReadOnlyList<LogSourceRecord>> ListLogSourcesAsync(CancellationToken ct = default) =>
        QueryAsync(
            """
            SELECT s.source, s.next_id, s.aliases, s.lines, s.updated_at,
                   (SELECT COUNT(*) FROM log_templates t WHERE t.source = s.source)
            FROM log_sources s ORDER BY s.source
            """,
            null,
            r => new LogSourceRecord(r.GetString(0), r.GetInt64(1), LogJson.ParseAliases(r.GetString(2)), r.GetInt64(3), ReadTime(r, 4),
                checked((int)r.GetInt64(5))),
            ct);

    public Task<IReadOnlyList<LogTemplateRecord>> ListLogTemplatesAsync(string source, LogTemplateOrder order, int limit, CancellationToken ct = default)
    {
        if (limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<LogTemplateRecord>>([]);
        }
        var orderBy = order switch
        {
            LogTemplateOrder.Newest => "first_seen DESC, id DESC",
            LogTemplateOrder.Rarest => "count, id DESC",
            LogTemplateOrder.Count => "count DESC, id",
            _ => "id",
        };
        return QueryAsync($"SELECT {LogTemplateColumns} FROM log_templates WHERE source = @source ORDER BY {orderBy} LIMIT @limit",
            cmd =>
            {
                AddParameter(cmd, "@source", source);
                AddParameter(cmd, "@limit", limit);
            }, ReadLogTemplate, ct);
    }

    public async Task<LogTemplateRecord?> GetLogTemplateAsync(string source, long id, CancellationToken ct = default)
    {
        var rows = await QueryAsync($"SELECT {LogTemplateColumns} FROM log_templates WHERE source = @source AND id = @id",
            cmd =>
            {
                AddParameter(cmd, "@source", source);
                AddParameter(cmd, "@id", id);
            }, ReadLogTemplate, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    private LogTemplateRecord ReadLogTemplate(DbDataReader r) => new(
        r.GetString(0),
        r.GetInt64(1),
        r.GetString(2),
        LogJson.ParseStrings(r.GetString(3)),
        LogJson.ParseBools(r.GetString(4)),
        r.GetString(5),
        r.GetString(6),
        r.GetInt64(7),
        ReadTime(r, 8),
        ReadTime(r, 9),
        LogJson.ParseStrings(r.GetString(10)));

    public Task<IReadOnlyList<LogMinuteCount>> ListLogCountsAsync(string source, long fromMinute, long? templateId = null, CancellationToken ct = default) =>
        QueryAsync(
            "SELECT source, template_id, minute, count FROM log_counts WHERE source = @source AND minute >= @from"
            + (templateId is null ? "" : " AND template_id = @template")
            + " ORDER BY template_id, minute",
            cmd =>
            {
                AddParameter(cmd, "@source", source);
                AddParameter(cmd, "@from", fromMinute);
                if (templateId is { } id)
                {
                    AddParameter(cmd, "@template", id);
                }
            },
            r => new LogMinuteCount(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)),
            ct);

    public IAsyncEnumerable<MetricSeriesRecord> ReadMetricSeriesAsync(CancellationToken ct = default) =>
        StreamAsync("SELECT id, name, labels, state, points, updated_at, detector FROM metric_series ORDER BY id", null,
            r => new MetricSeriesRecord(r.GetString(0), r.GetString(1), LogJson.ParseStringMap(r.GetString(2)),
                r.GetFieldValue<byte[]>(3), r.GetFieldValue<byte[]>(4), ReadTime(r, 5), r.IsDBNull(6) ? null : r.GetString(6)), ct);

    public IAsyncEnumerable<MetricSampleRecord> ReadMetricSamplesAsync(CancellationToken ct = default) =>
        StreamAsync("SELECT series_id, ts, value, recorded_at FROM metric_samples ORDER BY seq", null,
            r => new MetricSampleRecord(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetInt64(3)), ct);

    public Task<IReadOnlyList<SloMinuteRecord>> ListSloMinutesAsync(long fromMinute, CancellationToken ct = default) =>
        QueryAsync("SELECT slo, minute, good, total FROM slo_minutes WHERE minute >= @from ORDER BY slo, minute",
            cmd => AddParameter(cmd, "@from", fromMinute),
            r => new SloMinuteRecord(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3)), ct);

    public Task<IReadOnlyList<SloMinuteRecord>> ListSloMinutesBetweenAsync(long fromMinute, long endMinute, CancellationToken ct = default) =>
        QueryAsync("SELECT slo, minute, good, total FROM slo_minutes WHERE minute >= @from AND minute < @end ORDER BY slo, minute",
            cmd =>
            {
                AddParameter(cmd, "@from", fromMinute);
                AddParameter(cmd, "@end", endMinute);
            },
            r => new SloMinuteRecord(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3)), ct);

    public Task<IReadOnlyList<SloMinuteRecord>> ListSloMinutesAsync(long fromMinute, string slo, CancellationToken ct = default) =>
        QueryAsync("SELECT slo, minute, good, total FROM slo_minutes WHERE slo = @slo AND minute >= @from ORDER BY minute",
            cmd =>
            {
                AddParameter(cmd, "@slo", slo);
                AddParameter(cmd, "@from", fromMinute);
            },
            r => new SloMinuteRecord(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.GetDouble(3)), ct);

    public Task<IReadOnlyList<SloSourceRecord>> ListSloSourcesAsync(CancellationToken ct = default) =>
        QueryAsync("SELECT slo, source_key, fetched_through FROM slo_sources ORDER BY slo", null,
            r => new SloSourceRecord(r.GetString(0), r.GetString(1), r.GetInt64(2)), ct);

    public Task<IReadOnlyList<SloFreezeRecord>> ListSloFreezesAsync(CancellationToken ct = default) =>
        QueryAsync("SELECT slo, objective, service, since, remaining FROM slo_freezes ORDER BY slo, objective", null,
            r => new SloFreezeRecord(r.GetString(0), Convert.ToInt32(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture), r.GetString(2), ReadTime(r, 3), r.IsDBNull(4) ? null : r.GetDouble(4)), ct);
    protected const string OutboxColumns =
        "id, dedup_key, channel, incident_id, payload, status, attempts, next_attempt_at, last_error, created_at, sent_at";

    /// <summary>
    /// The claim's ordering rule, on both backends, for a claimable row aliased <c>o</c>: no older row of the same
    /// channel and incident is still pending. A "resolved" queued while the "firing" before it waits out its retry
    /// backoff would otherwise be sent first, leaving the receiver's last word "firing"; and a pending row that is being
    /// sent keeps the next one back, so two replicas never send one incident's rows to a channel at the same time.
    /// Rows without an incident are independent (the comparison is never true for a null incident_id). Index
    /// <c>outbox_pending_order</c> (migration 0020) keeps the lookup to pending rows.
    /// </summary>
    protected const string NoOlderPendingRow =
        """
        NOT EXISTS (SELECT 1 FROM outbox older WHERE older.status = 'pending' AND older.channel = o.channel
                    AND older.incident_id = o.incident_id AND older.id < o.id)
        """;

    public abstract Task<IReadOnlyList<OutboxRecord>> ClaimOutboxAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct = default);

    protected OutboxRecord ReadOutbox(DbDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.GetString(4),
        EnumNames<OutboxStatus>.Parse(r.GetString(5)), r.GetInt32(6), ReadTime(r, 7), ReadOptionalString(r, 8), ReadTime(r, 9),
        ReadOptionalTime(r, 10));

    public Task<IReadOnlyList<OutboxRecord>> ListOutboxAsync(OutboxQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var where = new List<string>();
        if (query.IncidentId is not null)
        {
            where.Add("incident_id = @incident");
        }
        if (query.Status is not null)
        {
            where.Add("status = @status");
        }
        if (query.ChannelPrefix is not null)
        {
            // substr, not LIKE: the prefix is taken literally ('_' and '%' are no wildcards), the same on both backends.
            where.Add("substr(channel, 1, @prefixLength) = @prefix");
        }
        var sql = $"SELECT {OutboxColumns} FROM outbox" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY id DESC LIMIT @limit";
        return QueryAsync(sql, cmd =>
        {
            if (query.IncidentId is { } incident)
            {
                AddParameter(cmd, "@incident", incident);
            }
            if (query.Status is { } status)
            {
                AddParameter(cmd, "@status", EnumNames<OutboxStatus>.Name(status));
            }
            if (query.ChannelPrefix is { } prefix)
            {
                AddParameter(cmd, "@prefix", prefix);
                AddParameter(cmd, "@prefixLength", prefix.Length);
            }
            AddParameter(cmd, "@limit", Math.Max(query.Limit, 0));
        }, ReadOutbox, ct);
    }

    public Task<IReadOnlyList<ChangeEventRecord>> ListChangeEventsAsync(int limit, CancellationToken ct = default) =>
        QueryAsync("SELECT id, integration, service, summary, source, ts, json, received_at FROM change_events ORDER BY id DESC LIMIT @limit",
            cmd => AddParameter(cmd, "@limit", Math.Max(limit, 0)),
            r => new ChangeEventRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), ReadOptionalString(r, 4), ReadTime(r, 5),
                r.GetString(6), ReadTime(r, 7)), ct);
    /// <summary>A timestamp as a query parameter, in the backend's storage representation.</summary>
    protected abstract object TimeParameter(DateTimeOffset value);

    private const string OverrideColumns = "id, schedule, starts_at, ends_at, user_name, created_at, created_by, deleted_at";
    private const string SwapColumns = "id, schedule, starts_at, ends_at, from_user, to_user, status, kind, created_at, created_by, decided_at, decided_by";

    public Task<IReadOnlyList<ScheduleOverride>> ListOverridesAsync(string? schedule, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) =>
        QueryAsync($"SELECT {OverrideColumns} FROM schedule_overrides WHERE deleted_at IS NULL AND ends_at > @from AND starts_at < @to"
            + (schedule is null ? "" : " AND schedule = @schedule") + " ORDER BY starts_at, id",
            cmd => BindRange(cmd, schedule, from, to), ReadOverride, ct);

    public async Task<ScheduleOverride?> GetOverrideAsync(string id, CancellationToken ct = default) =>
        (await QueryAsync($"SELECT {OverrideColumns} FROM schedule_overrides WHERE id = @id", cmd => AddParameter(cmd, "@id", id), ReadOverride, ct)
            .ConfigureAwait(false)).FirstOrDefault();

    public Task<IReadOnlyList<ShiftSwap>> ListSwapsAsync(string? schedule, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) =>
        QueryAsync($"SELECT {SwapColumns} FROM shift_swaps WHERE ends_at > @from AND starts_at < @to"
            + (schedule is null ? "" : " AND schedule = @schedule") + " ORDER BY starts_at, id",
            cmd => BindRange(cmd, schedule, from, to), ReadSwap, ct);

    public async Task<ShiftSwap?> GetSwapAsync(string id, CancellationToken ct = default) =>
        (await QueryAsync($"SELECT {SwapColumns} FROM shift_swaps WHERE id = @id", cmd => AddParameter(cmd, "@id", id), ReadSwap, ct)
            .ConfigureAwait(false)).FirstOrDefault();

    private const string ExemptionColumns = "id, service, starts_at, ends_at, reason, created_at, created_by, revoked_at";

    public Task<IReadOnlyList<FreezeExemption>> ListFreezeExemptionsAsync(string? service, DateTimeOffset endsAfter, CancellationToken ct = default) =>
        QueryAsync($"SELECT {ExemptionColumns} FROM freeze_exemptions WHERE revoked_at IS NULL AND ends_at > @after"
            + (service is null ? "" : " AND service = @service") + " ORDER BY starts_at, id",
            cmd =>
            {
                AddParameter(cmd, "@after", TimeParameter(endsAfter));
                if (service is not null)
                {
                    AddParameter(cmd, "@service", service);
                }
            }, ReadExemption, ct);

    public async Task<FreezeExemption?> GetFreezeExemptionAsync(string id, CancellationToken ct = default) =>
        (await QueryAsync($"SELECT {ExemptionColumns} FROM freeze_exemptions WHERE id = @id", cmd => AddParameter(cmd, "@id", id), ReadExemption, ct)
            .ConfigureAwait(false)).FirstOrDefault();

    public async Task<IdempotentAnswer?> GetIdempotentAnswerAsync(string scope, string key, CancellationToken ct = default) =>
        (await QueryAsync("SELECT scope, key, request_hash, status, body, created_at FROM idempotent_answers WHERE scope = @scope AND key = @key",
            cmd =>
            {
                AddParameter(cmd, "@scope", scope);
                AddParameter(cmd, "@key", key);
            },
            r => new IdempotentAnswer(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetString(4), ReadTime(r, 5)), ct)
            .ConfigureAwait(false)).FirstOrDefault();

    private FreezeExemption ReadExemption(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), ReadTime(r, 2), ReadTime(r, 3), r.GetString(4), ReadTime(r, 5), r.GetString(6), ReadOptionalTime(r, 7));

    private void BindRange(DbCommand cmd, string? schedule, DateTimeOffset from, DateTimeOffset to)
    {
        AddParameter(cmd, "@from", TimeParameter(from));
        AddParameter(cmd, "@to", TimeParameter(to));
        if (schedule is not null)
        {
            AddParameter(cmd, "@schedule", schedule);
        }
    }

    private ScheduleOverride ReadOverride(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), ReadTime(r, 2), ReadTime(r, 3), r.GetString(4), ReadTime(r, 5), r.GetString(6), ReadOptionalTime(r, 7));

    private ShiftSwap ReadSwap(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), ReadTime(r, 2), ReadTime(r, 3), r.GetString(4), ReadOptionalString(r, 5),
        EnumNames<SwapStatus>.Parse(r.GetString(6)), EnumNames<SwapKind>.Parse(r.GetString(7)), ReadTime(r, 8), r.GetString(9),
        ReadOptionalTime(r, 10), ReadOptionalString(r, 11));

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Action<DbCommand>? bind, Func<DbDataReader, T> map, CancellationToken ct)
    {
        var result = new List<T>();
        await foreach (var row in StreamAsync(sql, bind, map, ct).ConfigureAwait(false))
        {
            result.Add(row);
        }
        return result;
    }

    /// <summary>The rows one at a time, on a read connection held until the caller has seen the last.</summary>
    private async IAsyncEnumerable<T> StreamAsync<T>(string sql, Action<DbCommand>? bind, Func<DbDataReader, T> map,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await using var conn = await OpenReadConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        bind?.Invoke(cmd);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            yield return map(reader);
        }
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
