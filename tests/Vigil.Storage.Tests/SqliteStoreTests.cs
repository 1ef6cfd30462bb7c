using Microsoft.Data.Sqlite;
using Vigil.Core.Store;
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
}
