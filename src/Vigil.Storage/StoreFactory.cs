using Vigil.Core.Store;
using Vigil.Storage.Lease;
using Vigil.Storage.Postgres;
using Vigil.Storage.Sqlite;

namespace Vigil.Storage;

/// <summary>Chooses the backend: PostgreSQL when a connection string is given, otherwise SQLite in the data directory.</summary>
public static class StoreFactory
{
    /// <param name="database">A PostgreSQL connection string (<c>Host=...;Database=...</c> or a <c>postgres://</c> URL), or null/empty for SQLite.</param>
    /// <param name="dataDirectory">Directory for the SQLite file <c>vigil.db</c>; created when missing.</param>
    /// <remarks>The store is not migrated yet: call <see cref="IVigilStore.MigrateAsync"/> before using it.</remarks>
    public static IVigilStore Open(string? database, string dataDirectory) =>
        string.IsNullOrWhiteSpace(database)
            ? new SqliteStore(dataDirectory)
            : new PostgresStore(PostgresConnectionString.Normalize(database));

    /// <summary>The SQLite database file of a data directory (absolute); it may not exist yet.</summary>
    public static string SqlitePath(string dataDirectory) => Path.GetFullPath(Path.Combine(dataDirectory, SqliteStore.FileName));

    /// <summary>Where <see cref="Open"/> would store, for people to check, without the password: the SQLite file, or
    /// PostgreSQL's database, host and port.</summary>
    public static string Describe(string? database, string dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(database))
        {
            return "SQLite " + SqlitePath(dataDirectory);
        }
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(PostgresConnectionString.Normalize(database));
        return $"PostgreSQL database {builder.Database ?? builder.Username ?? "(default)"} on {builder.Host}:{builder.Port}";
    }

    /// <summary>
    /// Takes the database's server lease (see <see cref="IServerLease"/>), waiting as long as another server holds it.
    /// </summary>
    /// <param name="waiting">Told why it waits (once per reason), e.g. to log it.</param>
    /// <param name="retry">How often a waiting standby tries again.</param>
    public static Task<IServerLease> AcquireServerLeaseAsync(
        string? database, string dataDirectory, Action<string> waiting, TimeSpan retry, CancellationToken ct = default) =>
        string.IsNullOrWhiteSpace(database)
            ? FileServerLease.AcquireAsync(dataDirectory, waiting, retry, ct)
            : PostgresServerLease.AcquireAsync(PostgresConnectionString.Normalize(database), waiting, retry, ct);
}
