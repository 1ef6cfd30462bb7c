using Vigil.Core.Store;

namespace Vigil.Storage;

/// <summary>Chooses the backend: PostgreSQL when a connection string is given, otherwise SQLite in the data directory.</summary>
public static class StoreFactory
{
    /// <param name="database">A PostgreSQL connection string (<c>Host=...;Database=...</c> or a <c>postgres://</c> URL), or null/empty for SQLite.</param>
    /// <param name="dataDirectory">Directory for the SQLite file <c>vigil.db</c>; created when missing.</param>
    public static IVigilStore Open(string? database, string dataDirectory) =>
        throw new NotImplementedException("storage not written yet");
}
