using Npgsql;
using Vigil.Storage.Migrations;
using Vigil.Storage.Postgres;
using Vigil.Core.Store;
using Xunit.Abstractions;

namespace Vigil.Storage.Tests;

/// <summary>
/// The store contract against PostgreSQL. <c>VIGIL_TEST_POSTGRES</c> is an admin connection to a server; every test
/// gets its own freshly created database, dropped afterwards. Without the variable these tests fail rather than
/// skip, so a green run always means both backends were tested.
/// </summary>
public sealed class PostgresStoreTests(ITestOutputHelper output) : StoreContract(output)
{
    private const string Variable = "VIGIL_TEST_POSTGRES";
    private readonly string _database = "vigil_test_" + Guid.NewGuid().ToString("N");

    protected override string Backend => "postgres";

    private static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: run ./test.sh, which starts PostgreSQL, or set {Variable} "
                + "(e.g. eval \"$(tests/scripts/postgres.sh start && tests/scripts/postgres.sh env)\")");

    private string DatabaseConnectionString =>
        new NpgsqlConnectionStringBuilder(PostgresConnectionString.Normalize(AdminConnectionString)) { Database = _database, Pooling = false }.ConnectionString;

    private async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(PostgresConnectionString.Normalize(AdminConnectionString)) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    protected override Task CreateDatabaseAsync() => AdminAsync($"CREATE DATABASE \"{_database}\" ENCODING 'UTF8' TEMPLATE template0");

    protected override async Task DropDatabaseAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 })
        {
            // FORCE: pooled connections of a store that failed to dispose must not keep the database alive.
            await AdminAsync($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)");
        }
    }

    protected override IVigilStore OpenStore() =>
        StoreFactory.Open(new NpgsqlConnectionStringBuilder(DatabaseConnectionString) { Pooling = true }.ConnectionString, "/nonexistent-unused");

    protected override async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_postgres_url_opens_the_same_database()
    {
        var b = new NpgsqlConnectionStringBuilder(DatabaseConnectionString);
        var url = $"postgres://{Uri.EscapeDataString(b.Username!)}:{Uri.EscapeDataString(b.Password ?? "")}@{b.Host}:{b.Port}/{b.Database}?sslmode=disable";
        await Store.ApplyAsync([TestData.Changes(c => c.Meta["via"] = "keywords")]);

        await using var viaUrl = StoreFactory.Open(url, "/nonexistent-unused");
        await viaUrl.MigrateAsync();
        Assert.Equal("keywords", await viaUrl.GetMetaAsync("via"));
    }

    [Fact]
    public async Task Timestamps_are_timestamptz_and_enums_snake_case()
    {
        await Store.ApplyAsync([TestData.Changes(c =>
        {
            c.Incidents.Add(TestData.Incident(1, Core.Incidents.IncidentStatus.Acknowledged));
            c.Timeline.Add(new(1, DateTimeOffset.UnixEpoch.AddTicks(10), Core.Incidents.TimelineKind.AlertAdded, "a", "m"));
        })]);
        Assert.Equal(1, await ScalarAsync("SELECT (extract(epoch FROM at) * 1000000)::bigint FROM timeline"));
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM timeline WHERE kind = 'alert_added'"));
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM incidents WHERE status = 'acknowledged' AND severity = 'critical'"));
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM incidents WHERE group_labels->>'alertname' = 'Alert1'"));
    }

    /// <summary>Migration 0016 re-keys alert_groups by the key's SHA-256: groups stored before it are still updated and
    /// deleted by their key afterwards, not duplicated or left behind.</summary>
    [Fact]
    public Task Alert_groups_stored_before_migration_0016_are_still_found_by_key() => BeforeMigrationAsync(16,
        """INSERT INTO alert_groups (key, state_json, due_at) VALUES ('0:{alertname="Ünïcode"}', '{"v":1}', now()), ('0:{alertname="B"}', '{}', NULL)""",
        async store =>
        {
            await store.ApplyAsync([TestData.Changes(c =>
            {
                c.Groups.Add(new("0:{alertname=\"Ünïcode\"}", "{\"v\":2}", null));
                c.DeletedGroups.Add("0:{alertname=\"B\"}");
            })]);

            Assert.Equal(new AlertGroupRecord("0:{alertname=\"Ünïcode\"}", "{\"v\":2}", null), Assert.Single(await store.LoadGroupsAsync()));
        });

    /// <summary>Migration 0017 gives incidents opened before it their group's service label (what team permissions and
    /// escalation read then), and none to those whose group had none.</summary>
    [Fact]
    public Task Incidents_stored_before_migration_0017_take_their_group_service() => BeforeMigrationAsync(17,
        """
        INSERT INTO incidents (id, group_key, title, status, severity, priority, group_labels, receiver, created_at, updated_at, alerts)
        VALUES (1, 'k1', 't', 'triggered', 'critical', 'P1', '{"alertname":"A","service":"checkout"}', 'ops', now(), now(), '[]'),
               (2, 'k2', 't', 'triggered', 'critical', 'P1', '{"alertname":"B"}', 'ops', now(), now(), '[]'),
               (3, 'k3', 't', 'triggered', 'critical', 'P1', '{"service":""}', 'ops', now(), now(), '[]')
        """,
        async store =>
        {
            Assert.Equal("checkout", (await store.GetIncidentAsync(1))!.Service);
            Assert.Null((await store.GetIncidentAsync(2))!.Service);
            Assert.Null((await store.GetIncidentAsync(3))!.Service);
        });

    /// <summary>A database of its own migrated to just before <paramref name="version"/> and seeded with
    /// <paramref name="seedSql"/>; <paramref name="check"/> gets a store on it that has run every migration.</summary>
    private async Task BeforeMigrationAsync(int version, string seedSql, Func<IVigilStore, Task> check)
    {
        var before = $"{_database}_{version - 1:D4}";
        var connectionString = new NpgsqlConnectionStringBuilder(DatabaseConnectionString) { Database = before }.ConnectionString;
        await AdminAsync($"CREATE DATABASE \"{before}\" ENCODING 'UTF8' TEMPLATE template0");
        try
        {
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var tx = await connection.BeginTransactionAsync();
                await Migrator.ApplyPendingAsync(connection, tx, [.. Migrator.Load("postgres").Where(m => m.Version < version)],
                    PostgresStore.BootstrapSql, DateTimeOffset.UtcNow, CancellationToken.None);
                await using var seed = new NpgsqlCommand(seedSql, connection, tx);
                await seed.ExecuteNonQueryAsync();
                await tx.CommitAsync();
            }
            await using var store = StoreFactory.Open(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = true }.ConnectionString, "/nonexistent-unused");
            await store.MigrateAsync();
            await check(store);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await AdminAsync($"DROP DATABASE IF EXISTS \"{before}\" WITH (FORCE)");
        }
    }
}
