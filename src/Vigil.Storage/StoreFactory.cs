using Vigil.Core.Store;
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
}
