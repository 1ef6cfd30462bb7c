using Microsoft.Data.Sqlite;
using Vigil.Core.Store;
using Vigil.Storage.Migrations;
using Xunit.Abstractions;

namespace Vigil.Storage.Tests;

/// <summary>The store contract against SQLite, in a fresh temporary data directory per test.</summary>
public sealed class SqliteStoreTests(ITestOutputHelper output) : StoreContract(output)
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vigil-storage-tests", Guid.NewGuid().ToString("N"), "data");

    protected override string Backend => "sqlite";

    // The data directory itself is not created here: the store must create it.
    protected override Task CreateDatabaseAsync() => Task.CompletedTask;

    protected override Task DropDatabaseAsync()
    {
        var parent = Path.GetDirectoryName(_directory)!;
        if (Directory.Exists(parent))
        {
            Directory.Delete(parent, recursive: true);
        }
        return Task.CompletedTask;
    }

    protected override IVigilStore OpenStore() => StoreFactory.Open(null, _directory);

    protected override async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(_directory, "vigil.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task The_database_file_is_in_wal_mode_in_the_data_directory()
    {
        Assert.True(File.Exists(Path.Combine(_directory, "vigil.db")));
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "vigil.db")};Pooling=False");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Timestamps_are_stored_as_unix_ticks_and_enums_as_snake_case()
    {
        await Store.ApplyAsync([TestData.Changes(c =>
        {
            c.Incidents.Add(TestData.Incident(1, Core.Incidents.IncidentStatus.Acknowledged));
            c.Timeline.Add(new(1, DateTimeOffset.UnixEpoch.AddTicks(1), Core.Incidents.TimelineKind.AlertAdded, "a", "m"));
        })]);
        Assert.Equal(1, await ScalarAsync("SELECT at FROM timeline"));
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM timeline WHERE kind = 'alert_added'"));
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM incidents WHERE status = 'acknowledged' AND severity = 'critical'"));
    }

    /// <summary>Migration 0017 gives incidents opened before it their group's service label (what team permissions and
    /// escalation read then), and none to those whose group had none.</summary>
    [Fact]
    public async Task Incidents_stored_before_migration_0017_take_their_group_service()
    {
        var before = Path.Combine(Path.GetDirectoryName(_directory)!, "before-0017");
        Directory.CreateDirectory(before);
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(before, "vigil.db")};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();
            await Migrator.ApplyPendingAsync(connection, tx, [.. Migrator.Load("sqlite").Where(m => m.Version < 17)],
                Sqlite.SqliteStore.BootstrapSql, 0L, CancellationToken.None);
            await using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT INTO incidents (id, group_key, title, status, severity, priority, group_labels, receiver, created_at, updated_at, alerts)
                VALUES (1, 'k1', 't', 'triggered', 'critical', 'P1', '{"alertname":"A","service":"checkout"}', 'ops', 0, 0, '[]'),
                       (2, 'k2', 't', 'triggered', 'critical', 'P1', '{"alertname":"B"}', 'ops', 0, 0, '[]'),
                       (3, 'k3', 't', 'triggered', 'critical', 'P1', '{"service":""}', 'ops', 0, 0, '[]')
                """;
            await insert.ExecuteNonQueryAsync();
            tx.Commit();
        }
        await using var store = StoreFactory.Open(null, before);
        await store.MigrateAsync();

        Assert.Equal("checkout", (await store.GetIncidentAsync(1))!.Service);
        Assert.Null((await store.GetIncidentAsync(2))!.Service);
        Assert.Null((await store.GetIncidentAsync(3))!.Service);
    }
}
