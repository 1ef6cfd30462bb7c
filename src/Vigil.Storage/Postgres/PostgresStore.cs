using System.Data.Common;
using Npgsql;
using Vigil.Core.Notifications;
using Vigil.Core.Store;
using Vigil.Storage.Common;
using Vigil.Storage.Migrations;

namespace Vigil.Storage.Postgres;

/// <summary>
/// PostgreSQL backend. Connections come from one <see cref="NpgsqlDataSource"/> (pooled); unlike SQLite, PostgreSQL
/// runs concurrent writers itself, so ApplyAsync needs no lock of ours — each call is one transaction on its own
/// connection, and row locks order conflicting upserts.
/// </summary>
internal sealed class PostgresStore : SqlStoreBase
{
    // Arbitrary but fixed: every Vigil replica migrating the same database takes this advisory lock, so two replicas
    // starting together run the migrations one after the other instead of racing on CREATE TABLE.
    private const long MigrationLockKey = 0x5669_6769_6c4d_6967; // "VigilMig"

    internal const string BootstrapSql =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL)";

    private const int MaxAttempts = 3;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresStore(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override async Task MigrateAsync(CancellationToken ct = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, tx))
        {
            // Transaction-scoped: released by the commit or rollback below, even if this process dies.
            lockCommand.Parameters.AddWithValue("key", MigrationLockKey);
            await lockCommand.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        await Migrator.ApplyPendingAsync(connection, tx, Migrator.Load("postgres"), BootstrapSql, DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public override async Task ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.All(c => c.IsEmpty))
        {
            return;
        }
        var net = NetChanges.From(changes);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ApplyOnceAsync(net, ct).ConfigureAwait(false);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                && attempt < MaxAttempts)
            {
                // The transaction was rolled back as a whole, so running it again is safe. Sorted keys make this rare
                // (see PostgresWriter); it can still happen between a bulk upsert and unrelated row locks.
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt), ct).ConfigureAwait(false);
            }
        }
    }

    private async Task ApplyOnceAsync(NetChanges net, CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var batch = PostgresWriter.Build(connection, tx, net, out var conditions))
        {
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            // A conflict leaves the transaction uncommitted: disposing it rolls everything back.
            PostgresWriter.ThrowOnConflict(conditions);
        }
        // With the default synchronous_commit=on, CommitAsync returns once the commit record is flushed to disk.
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// FOR UPDATE SKIP LOCKED: replicas claiming at the same moment each get different rows instead of waiting on, or
    /// double-claiming, the same ones; the lease keeps a claimed row from being claimed again until it expires.
    /// </summary>
    public override async Task<IReadOnlyList<OutboxRecord>> ClaimOutboxAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(
            $"""
            UPDATE outbox o SET lease_until = @lease
            FROM (SELECT o.id FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= @now
                  AND (o.lease_until IS NULL OR o.lease_until <= @now) AND {NoOlderPendingRow}
                  ORDER BY o.next_attempt_at, o.id LIMIT @limit FOR UPDATE OF o SKIP LOCKED) c
            WHERE o.id = c.id
            RETURNING {string.Join(", ", OutboxColumns.Split(", ").Select(c => "o." + c))}
            """, connection);
        cmd.Parameters.AddWithValue("lease", leaseUntil.ToUniversalTime());
        cmd.Parameters.AddWithValue("now", now.ToUniversalTime());
        cmd.Parameters.AddWithValue("limit", limit);
        var rows = new List<OutboxRecord>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(ReadOutbox(reader));
        }
        rows.Sort((a, b) => a.Id.CompareTo(b.Id));
        return rows;
    }

    protected override async ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken ct) =>
        await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    protected override object TimeParameter(DateTimeOffset value) => value.ToUniversalTime();

    protected override Guid ReadGuid(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
