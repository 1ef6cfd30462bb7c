using System.Data.Common;
using System.Globalization;
using System.Reflection;

namespace Vigil.Storage.Migrations;

/// <summary>One versioned schema change, an embedded <c>Migrations/&lt;backend&gt;/NNNN_name.sql</c> file.</summary>
internal sealed record Migration(int Version, string Name, string Sql);

/// <summary>
/// Applies the embedded SQL migrations of one backend in version order, recording each in <c>schema_migrations</c>.
/// The backend opens the transaction (and takes whatever lock keeps two processes from migrating at once); this
/// class only decides what is pending and runs it, all in that one transaction, so a failed migration leaves the
/// schema exactly as it was.
/// </summary>
internal static class Migrator
{
    public static IReadOnlyList<Migration> Load(string backend)
    {
        var assembly = typeof(Migrator).Assembly;
        // Manifest names look like "Vigil.Storage.Migrations.sqlite.0001_init.sql".
        var prefix = $"{assembly.GetName().Name}.Migrations.{backend}.";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }
            var name = resource[prefix.Length..^".sql".Length];
            var underscore = name.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(name.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"migration resource {resource} is not named NNNN_description.sql");
            }
            migrations.Add(new Migration(version, name, ReadResource(assembly, resource)));
        }
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException($"two {backend} migrations have version {migrations[i].Version}");
            }
        }
        if (migrations.Count == 0)
        {
            throw new InvalidOperationException($"no embedded {backend} migrations found");
        }
        return migrations;
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Runs every migration newer than the ones recorded. <paramref name="bootstrapSql"/> creates
    /// <c>schema_migrations</c> if missing; <paramref name="now"/> is the applied_at value in the backend's time format.
    /// </summary>
    public static async Task<int> ApplyPendingAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<Migration> migrations, string bootstrapSql, object now, CancellationToken ct)
    {
        await ExecuteAsync(connection, transaction, bootstrapSql, ct).ConfigureAwait(false);
        var applied = new HashSet<long>();
        await using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = transaction;
            cmd.CommandText = "SELECT version FROM schema_migrations";
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                applied.Add(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
            }
        }
        var count = 0;
        foreach (var migration in migrations)
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }
            await ExecuteAsync(connection, transaction, migration.Sql, ct).ConfigureAwait(false);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @now)";
            var version = record.CreateParameter();
            version.ParameterName = "@version";
            version.Value = (long)migration.Version;
            record.Parameters.Add(version);
            var at = record.CreateParameter();
            at.ParameterName = "@now";
            at.Value = now;
            record.Parameters.Add(at);
            await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            count++;
        }
        return count;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
