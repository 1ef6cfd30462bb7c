namespace Vigil.Server;

/// <summary>What <c>vigil serve</c> was asked for on its command line.</summary>
/// <param name="Urls">ASP.NET-style listen URLs separated by ';' (default http://127.0.0.1:8080).</param>
/// <param name="DataDirectory">Where the SQLite database and default config live (default ./data).</param>
/// <param name="Database">A PostgreSQL connection string, or null for SQLite in the data directory.</param>
/// <param name="ConfigFile">The YAML config file, or null for data-dir/vigil.yml if present, else built-in defaults.</param>
/// <param name="Demo">Seed a simulated environment into an empty data directory and run open on loopback.</param>
/// <param name="TakeServerLease">Be the one active server on the database, waiting as a standby while another is
/// (always, for <c>vigil serve</c>; tests that run servers side by side on purpose turn it off).</param>
public sealed record ServeOptions(
    string Urls = "http://127.0.0.1:8080",
    string DataDirectory = "./data",
    string? Database = null,
    string? ConfigFile = null,
    bool Demo = false,
    bool TakeServerLease = true);
