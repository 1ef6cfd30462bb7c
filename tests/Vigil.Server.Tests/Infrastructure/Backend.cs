using Npgsql;

namespace Vigil.Server.Tests.Infrastructure;

public enum Backend
{
    Sqlite,
    Postgres,
}

/// <summary>A fresh, empty database for one test server: a temp directory for SQLite, a new database for PostgreSQL.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _pgDatabase;

    private TestDatabase(Backend backend, string dataDirectory, string? connectionString, string? pgDatabase)
    {
        Backend = backend;
        DataDirectory = dataDirectory;
        ConnectionString = connectionString;
        _pgDatabase = pgDatabase;
    }

    public Backend Backend { get; }

    public string DataDirectory { get; }

    /// <summary>The PostgreSQL connection string, or null for SQLite.</summary>
    public string? ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(Backend backend)
    {
        var dir = Directory.CreateTempSubdirectory("vigil-test-").FullName;
        if (backend == Backend.Sqlite)
        {
            return new TestDatabase(backend, dir, null, null);
        }
        var admin = AdminConnectionString();
        var name = "vigil_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(backend, dir, builder.ConnectionString, name);
    }

    public static string AdminConnectionString() =>
        Environment.GetEnvironmentVariable("VIGIL_TEST_POSTGRES")
        ?? throw new InvalidOperationException(
            "PostgreSQL tests need a server: run ./test.sh (which starts one) or set VIGIL_TEST_POSTGRES to an admin connection string.");

    public async ValueTask DisposeAsync()
    {
        if (_pgDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(AdminConnectionString());
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_pgDatabase} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
