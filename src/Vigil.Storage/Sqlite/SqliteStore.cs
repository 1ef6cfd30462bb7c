using System.Data.Common;
using Microsoft.Data.Sqlite;
using Vigil.Core.Notifications;
using Vigil.Core.Store;
using Vigil.Storage.Common;
using Vigil.Storage.Migrations;

namespace Vigil.Storage.Sqlite;

/// <summary>
/// SQLite backend: the file <c>vigil.db</c> in the data directory, in WAL mode so readers never block the writer.
/// All writes go through one long-lived connection guarded by a semaphore (SQLite allows one writer at a time anyway,
/// and a single connection keeps its prepared statements warm); reads use short-lived pooled connections.
/// </summary>
internal sealed class SqliteStore : SqlStoreBase
{
    private const int BusyTimeoutMs = 10_000;

    /// <summary>The database file's name in the data directory.</summary>
    internal const string FileName = "vigil.db";

    internal const string BootstrapSql =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT";

    private readonly string _readConnectionString;
    private readonly SqliteConnection _writeConnection;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SqliteWriter _writer;
    private bool _disposed;

    public SqliteStore(string dataDirectory, int journalCapacity = SqliteAlertJournal.DefaultMinimumCapacity)
    {
        Directory.CreateDirectory(dataDirectory);
        Path = System.IO.Path.GetFullPath(System.IO.Path.Combine(dataDirectory, FileName));
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMs / 1000,
        };
        _readConnectionString = builder.ToString();
        // The writer is not pooled: it lives as long as the store, and disposing it must really close the file.
        builder.Pooling = false;
        _writeConnection = new SqliteConnection(builder.ToString());
        _writeConnection.Open();
        // busy_timeout: wait for another process' lock instead of failing at once. synchronous=FULL: in WAL mode NORMAL
        // may lose the last commits on power loss, and ApplyAsync promises that a returned commit is durable.
        // cache_size 16 MiB: folding the alert journal touches pages all over the fingerprint b-tree; with the default
        // 2 MiB they would be evicted and re-read many times within one transaction. journal_size_limit: after a big
        // batch is checkpointed, shrink the WAL file back instead of keeping its high-water mark on disk.
        Execute(_writeConnection, $"PRAGMA busy_timeout={BusyTimeoutMs}; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
            + "PRAGMA cache_size=-16384; PRAGMA journal_size_limit=67108864;");
        // Statements compile lazily on first use (and recompile after a schema change), so this is safe before migrating.
        _writer = new SqliteWriter(_writeConnection, journalCapacity);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public override async Task MigrateAsync(CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // An IMMEDIATE transaction takes the write lock up front, so a second process migrating the same file
            // waits (busy_timeout) and then sees the versions this one recorded.
            using var tx = _writeConnection.BeginTransaction(deferred: false);
            await Migrator.ApplyPendingAsync(_writeConnection, tx, Migrator.Load("sqlite"), BootstrapSql,
                SqliteTime.ToTicks(DateTimeOffset.UtcNow), ct).ConfigureAwait(false);
            tx.Commit();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override async Task ApplyAsync(IReadOnlyList<ChangeSet> changes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.All(c => c.IsEmpty))
        {
            return;
        }
        // Computed before taking the lock: serialising JSON need not hold up the writer.
        var net = NetChanges.From(changes);
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // Synchronous on purpose: Microsoft.Data.Sqlite's async methods run synchronously anyway, and returning
            // only after Commit() is what makes the commit acknowledged-after-durable.
            _writer.Apply(net);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// One UPDATE ... RETURNING on the write connection: SQLite has a single writer, so two processes sharing the file
    /// take turns and the second sees the first one's lease.
    /// </summary>
    public override async Task<IReadOnlyList<OutboxRecord>> ClaimOutboxAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct = default)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var cmd = _writeConnection.CreateCommand();
            cmd.CommandText =
                $"""
                UPDATE outbox SET lease_until = @lease
                WHERE id IN (SELECT o.id FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= @now
                             AND (o.lease_until IS NULL OR o.lease_until <= @now) AND {NoOlderPendingRow}
                             ORDER BY o.next_attempt_at, o.id LIMIT @limit)
                RETURNING {OutboxColumns}
                """;
            cmd.Parameters.AddWithValue("@lease", SqliteTime.ToTicks(leaseUntil));
            cmd.Parameters.AddWithValue("@now", SqliteTime.ToTicks(now));
            cmd.Parameters.AddWithValue("@limit", limit);
            var rows = new List<OutboxRecord>();
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(ReadOutbox(reader));
            }
            rows.Sort((a, b) => a.Id.CompareTo(b.Id));
            return rows;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Stored alerts are <c>alerts</c> overlaid with each fingerprint's newest journal row (see <see cref="SqliteAlertJournal"/>).</summary>
    protected override string AlertsQuery =>
        $"""
        SELECT {AlertColumns} FROM alerts WHERE fingerprint NOT IN (SELECT fingerprint FROM alert_journal)
        UNION ALL
        SELECT {AlertColumns} FROM (
            -- SQLite takes the bare columns from the row holding MAX(seq): each fingerprint's newest version.
            SELECT {AlertColumns}, deleted, MAX(seq) FROM alert_journal GROUP BY fingerprint
        ) WHERE deleted = 0
        """;

    protected override ValueTask<DbConnection> OpenReadConnectionAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout={BusyTimeoutMs};");
            return ValueTask.FromResult<DbConnection>(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    protected override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => SqliteTime.FromTicks(reader.GetInt64(ordinal));

    protected override object TimeParameter(DateTimeOffset value) => SqliteTime.ToTicks(value);

    protected override Guid ReadGuid(DbDataReader reader, int ordinal) => Guid.Parse(reader.GetString(ordinal));

    public override async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _writer.Dispose();
            _writeConnection.Dispose();
            // Pooled read connections would otherwise keep the file open after the store is gone.
            using var probe = new SqliteConnection(_readConnectionString);
            SqliteConnection.ClearPool(probe);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
