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
    /// What is wrong with <paramref name="dataDirectory"/> as the place of the SQLite database, found without creating or
    /// opening anything: an empty or invalid path, or a file where it (or a directory above it) should be a directory,
    /// or a directory where the database file should be. Null when nothing is. The messages name the option.
    /// </summary>
    public static string? DataDirectoryProblem(string dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(dataDirectory))
        {
            return "--data-dir is empty; give the data directory 'vigil serve' uses";
        }
        string full;
        try
        {
            full = Path.GetFullPath(dataDirectory);
        }
        catch (ArgumentException ex)
        {
            var reason = dataDirectory.Contains('\0', StringComparison.Ordinal) ? "it contains a NUL character" : ex.Message;
            return $"--data-dir \"{dataDirectory.Replace("\0", "\\0", StringComparison.Ordinal)}\" is not a valid path: {reason}";
        }
        // The nearest part of the path that exists must be a directory: a file there made CreateDirectory throw
        // "The file ... already exists" or "Could not find a part of the path".
        for (var at = full; at is not null; at = Path.GetDirectoryName(at))
        {
            if (File.Exists(at))
            {
                return at == full ? $"--data-dir {full} is a file, not a directory" : $"--data-dir {full}: {at} is a file, not a directory";
            }
            if (Directory.Exists(at))
            {
                break;
            }
        }
        var database = SqlitePath(full);
        return Directory.Exists(database) ? $"{database} is a directory, not a SQLite database" : null;
    }

    /// <summary>
    /// A failure to open or migrate a store that the location given explains, as a sentence: a connection string that is
    /// not one, a data directory that cannot be created, a database file SQLite cannot open or that is not a database.
    /// Null for anything else (a database server that does not answer, a lock held too long): not the caller's input.
    /// </summary>
    public static string? OpenProblem(Exception exception, string? database, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(database))
        {
            // Npgsql's builder: ArgumentException for a malformed string or value, KeyNotFoundException for an unknown keyword.
            return exception is ArgumentException or KeyNotFoundException
                ? "--database (or VIGIL_DATABASE) is not a PostgreSQL connection string (Host=...;Database=... or "
                    + $"postgres://user:password@host:port/database; for SQLite give --data-dir instead): {exception.Message}"
                : null;
        }
        var file = SqlitePath(dataDirectory);
        return exception switch
        {
            Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 26 } => $"{file} is not a SQLite database (SQLite: file is not a database)",
            Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 14 } => $"cannot open or create {file}: SQLite cannot open a file there (is the directory writable?)",
            Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 8 } => $"cannot write {file}: it is read-only",
            // Creating the data directory where it cannot be (/proc, no permission); other I/O errors are not the input's.
            UnauthorizedAccessException or DirectoryNotFoundException or FileNotFoundException =>
                $"cannot create the data directory {Path.GetFullPath(dataDirectory)}: {exception.Message}",
            _ => null,
        };
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
