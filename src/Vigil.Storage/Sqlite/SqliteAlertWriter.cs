using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Vigil.Core.Alerts;
using Vigil.Storage.Mapping;

namespace Vigil.Storage.Sqlite;

/// <summary>
/// The hot ingest path: appends alert versions to <c>alert_journal</c> straight through SQLite's C API on the writer
/// connection. Compared with a
/// reused SqliteCommand this binds parameters by index instead of looking each name up on every execution, and binds
/// the JSON and fingerprint as UTF-8 bytes from reused buffers instead of allocating strings — roughly halving the
/// cost per alert. It runs inside whatever transaction the connection has open. Not thread-safe.
/// </summary>
internal sealed class SqliteAlertWriter(SqliteConnection connection) : IDisposable
{
    private const string AppendSql =
        """
        INSERT INTO alert_journal (fingerprint, deleted, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        """;

    private sqlite3_stmt? _append;

    /// <summary>Appends the alert's new version; returns its journal sequence number.</summary>
    public long Append(Alert alert)
    {
        var stmt = Bind(alert.Fingerprint, deleted: false);
        // bind_text with a span copies the bytes (SQLITE_TRANSIENT), so the shared JSON buffer can be reused at once.
        Check(raw.sqlite3_bind_text(stmt, 3, RecordJson.LabelsUtf8(alert.Labels)));
        Check(raw.sqlite3_bind_text(stmt, 4, RecordJson.LabelsUtf8(alert.Annotations)));
        Check(raw.sqlite3_bind_int64(stmt, 5, SqliteTime.ToTicks(alert.StartsAt)));
        Check(raw.sqlite3_bind_int64(stmt, 6, SqliteTime.ToTicks(alert.EndsAt)));
        Check(raw.sqlite3_bind_text(stmt, 7, alert.GeneratorUrl));
        Check(raw.sqlite3_bind_int64(stmt, 8, SqliteTime.ToTicks(alert.UpdatedAt)));
        Check(raw.sqlite3_bind_int64(stmt, 9, alert.Timeout ? 1 : 0));
        return Step(stmt);
    }

    /// <summary>Appends a deletion marker; returns its journal sequence number.</summary>
    public long AppendDeletion(Fingerprint fingerprint)
    {
        var stmt = Bind(fingerprint, deleted: true);
        Check(raw.sqlite3_bind_text(stmt, 3, "{}"));
        Check(raw.sqlite3_bind_text(stmt, 4, "{}"));
        Check(raw.sqlite3_bind_int64(stmt, 5, 0));
        Check(raw.sqlite3_bind_int64(stmt, 6, 0));
        Check(raw.sqlite3_bind_text(stmt, 7, ""));
        Check(raw.sqlite3_bind_int64(stmt, 8, 0));
        Check(raw.sqlite3_bind_int64(stmt, 9, 0));
        return Step(stmt);
    }

    private sqlite3_stmt Bind(Fingerprint fingerprint, bool deleted)
    {
        // Prepared on first use, i.e. after migrations created the table; SQLite re-prepares it by itself should the
        // schema change later.
        var stmt = _append ??= Prepare();
        Span<byte> text = stackalloc byte[16];
        fingerprint.Value.TryFormat(text, out _, "x16", CultureInfo.InvariantCulture);
        Check(raw.sqlite3_bind_text(stmt, 1, text));
        Check(raw.sqlite3_bind_int64(stmt, 2, deleted ? 1 : 0));
        return stmt;
    }

    private long Step(sqlite3_stmt stmt)
    {
        var rc = raw.sqlite3_step(stmt);
        // reset returns the step's error again; the step's code is the one to report.
        raw.sqlite3_reset(stmt);
        if (rc != raw.SQLITE_DONE)
        {
            throw Error(rc);
        }
        return raw.sqlite3_last_insert_rowid(connection.Handle!);
    }

    private sqlite3_stmt Prepare()
    {
        var rc = raw.sqlite3_prepare_v2(connection.Handle!, AppendSql, out var stmt);
        if (rc != raw.SQLITE_OK)
        {
            stmt?.Dispose();
            throw Error(rc);
        }
        return stmt;
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw Error(rc);
        }
    }

    private SqliteException Error(int rc) =>
        new($"SQLite Error {rc}: '{raw.sqlite3_errmsg(connection.Handle!).utf8_to_string()}' (alert journal)", rc);

    public void Dispose()
    {
        _append?.Dispose();
        _append = null;
    }
}
