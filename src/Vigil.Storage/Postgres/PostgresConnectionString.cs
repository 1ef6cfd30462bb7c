using Npgsql;

namespace Vigil.Storage.Postgres;

/// <summary>
/// Accepts both Npgsql's <c>Host=...;Database=...</c> form and the <c>postgres://user:pass@host:port/db?sslmode=...</c>
/// URL form that hosting platforms and libpq users hand out, and turns either into an Npgsql connection string.
/// </summary>
public static class PostgresConnectionString
{
    public static string Normalize(string database)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        var text = database.Trim();
        if (!text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            && !text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            // Validates the keywords now, so a typo fails at startup with Npgsql's message rather than on first use.
            return new NpgsqlConnectionStringBuilder(text).ConnectionString;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException("invalid PostgreSQL URL: expected postgres://user:password@host:port/database", nameof(database));
        }
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host.Trim('[', ']') };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }
        var path = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (path.Length > 0)
        {
            builder.Database = path;
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            try
            {
                // libpq's names that differ from Npgsql's; the rest (sslmode, timeout, ...) are accepted as they are.
                builder[key switch
                {
                    "user" => "Username",
                    "dbname" => "Database",
                    "connect_timeout" => "Timeout",
                    "application_name" => "Application Name",
                    _ => key,
                }] = value;
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"unsupported PostgreSQL URL parameter \"{key}\": {ex.Message}", nameof(database), ex);
            }
        }
        return builder.ConnectionString;
    }
}
