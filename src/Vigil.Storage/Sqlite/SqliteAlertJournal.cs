using Microsoft.Data.Sqlite;
using Vigil.Core.Alerts;

namespace Vigil.Storage.Sqlite;

/// <summary>
/// Alert writes for SQLite, log-structured. Prometheus re-sends every firing alert every minute, so most alert writes
/// update an alert already stored; updating <c>alerts</c> in place dirties one page of the fingerprint b-tree per
/// alert, and with WAL every commit then rewrites megabytes of pages (measured: ~490 KB written per 100-alert
/// request). Instead each version is appended to <c>alert_journal</c>, which dirties only its last pages.
/// <para>
/// The journal is bounded: when it holds more than <see cref="Capacity"/> rows, the oldest rows are folded away. A
/// row whose fingerprint has a newer row is simply dropped; only a fingerprint's newest row is copied into
/// <c>alerts</c> (or deletes it). As long as alerts are re-sent within the journal's span — the common case — almost
/// nothing is copied. Which row is newest is known from an in-memory map, rebuilt from the table on first use and
/// after a failed transaction, so folding never reads rows it will drop.
/// </para>
/// Not thread-safe: used only by <see cref="SqliteWriter"/> inside its transaction.
/// </summary>
internal sealed class SqliteAlertJournal(SqliteConnection connection, int minimumCapacity = SqliteAlertJournal.DefaultMinimumCapacity) : IDisposable
{
    public const int DefaultMinimumCapacity = 20_000;

    private readonly SqliteAlertWriter _appender = new(connection);
    private readonly SqliteStatement _foldUpsert = new(connection,
        """
        INSERT INTO alerts (fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout)
        SELECT fingerprint, labels, annotations, starts_at, ends_at, generator_url, updated_at, timeout
        FROM alert_journal WHERE seq = @seq
        ON CONFLICT (fingerprint) DO UPDATE SET
            labels = excluded.labels, annotations = excluded.annotations, starts_at = excluded.starts_at,
            ends_at = excluded.ends_at, generator_url = excluded.generator_url, updated_at = excluded.updated_at,
            timeout = excluded.timeout
        """);
    private readonly SqliteStatement _foldDelete = new(connection, "DELETE FROM alerts WHERE fingerprint = @fingerprint");
    private readonly SqliteStatement _trim = new(connection, "DELETE FROM alert_journal WHERE seq <= @seq");
    private readonly SqliteStatement _journalVersion = new(connection, "SELECT CASE deleted WHEN 0 THEN updated_at END FROM alert_journal WHERE seq = @seq");
    private readonly SqliteStatement _tableVersion = new(connection, "SELECT updated_at FROM alerts WHERE fingerprint = @fingerprint");

    private readonly Queue<Entry> _entries = new();
    private readonly Dictionary<Fingerprint, long> _newest = [];
    private bool _loaded;

    /// <summary>
    /// Rows kept before folding: twice the number of distinct alerts in the journal (so an alert re-sent at a steady
    /// pace is superseded before its row reaches the tail), and never fewer than the minimum.
    /// </summary>
    public int Capacity => Math.Max(minimumCapacity, 2 * _newest.Count);

    public int Count => _entries.Count;

    public void Append(Alert alert, SqliteTransaction tx)
    {
        EnsureLoaded(tx);
        Track(new Entry(_appender.Append(alert), alert.Fingerprint, Deleted: false));
    }

    public void AppendDeletion(Fingerprint fingerprint, SqliteTransaction tx)
    {
        EnsureLoaded(tx);
        Track(new Entry(_appender.AppendDeletion(fingerprint), fingerprint, Deleted: true));
    }

    /// <summary>
    /// Deletes the alert if its stored version — its newest journal row, else its <c>alerts</c> row — was updated no
    /// later than <paramref name="notAfter"/>; a missing or newer one is left alone (see <c>ChangeSet.ExpiredAlerts</c>).
    /// </summary>
    public void Expire(Fingerprint fingerprint, DateTimeOffset notAfter, SqliteTransaction tx)
    {
        EnsureLoaded(tx);
        var stored = _newest.TryGetValue(fingerprint, out var seq)
            ? _journalVersion.Scalar(tx, seq)
            : _tableVersion.Scalar(tx, fingerprint.ToString());
        if (stored is long updatedAt && updatedAt <= SqliteTime.ToTicks(notAfter))
        {
            AppendDeletion(fingerprint, tx);
        }
    }

    /// <summary>Folds the oldest rows beyond <see cref="Capacity"/> into <c>alerts</c>.</summary>
    public void Fold(SqliteTransaction tx)
    {
        long trimmedThrough = -1;
        while (_entries.Count > Capacity)
        {
            var oldest = _entries.Dequeue();
            trimmedThrough = oldest.Seq;
            if (_newest[oldest.Fingerprint] != oldest.Seq)
            {
                continue;
            }
            _newest.Remove(oldest.Fingerprint);
            if (oldest.Deleted)
            {
                _foldDelete.Run(tx, oldest.Fingerprint.ToString());
            }
            else
            {
                _foldUpsert.Run(tx, oldest.Seq);
            }
        }
        if (trimmedThrough >= 0)
        {
            _trim.Run(tx, trimmedThrough);
        }
    }

    /// <summary>The transaction was rolled back: forget the in-memory view, it is rebuilt from the table on next use.</summary>
    public void Invalidate()
    {
        _loaded = false;
        _entries.Clear();
        _newest.Clear();
    }

    private void Track(Entry entry)
    {
        _entries.Enqueue(entry);
        _newest[entry.Fingerprint] = entry.Seq;
    }

    private void EnsureLoaded(SqliteTransaction tx)
    {
        if (_loaded)
        {
            return;
        }
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "SELECT seq, fingerprint, deleted FROM alert_journal ORDER BY seq";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var text = reader.GetString(1);
            if (!Fingerprint.TryParse(text, out var fingerprint))
            {
                throw new InvalidDataException($"alert_journal holds an invalid fingerprint '{text}'");
            }
            Track(new Entry(reader.GetInt64(0), fingerprint, reader.GetInt64(2) != 0));
        }
        _loaded = true;
    }

    public void Dispose()
    {
        _appender.Dispose();
        _foldUpsert.Dispose();
        _foldDelete.Dispose();
        _trim.Dispose();
        _journalVersion.Dispose();
        _tableVersion.Dispose();
    }

    private readonly record struct Entry(long Seq, Fingerprint Fingerprint, bool Deleted);
}
