using Npgsql;
using Vigil.Core.Store;

namespace Vigil.Storage.Lease;

/// <summary>
/// The PostgreSQL backend's lease: a session-level advisory lock held by one dedicated connection for the server's
/// life. The session ends — and the lock with it — when the process dies (the kernel closes its socket), when it
/// stops, or when it goes silent for <see cref="SilenceLimit"/> (idle_session_timeout: a frozen or cut-off server
/// must not keep a standby waiting for ever). The holder pings every <see cref="PingInterval"/>; a ping that fails
/// means the lock may be gone, and <see cref="Lost"/> fires well before a standby could have taken it.
/// </summary>
internal sealed class PostgresServerLease : IServerLease
{
    // Arbitrary but fixed, and not the migration lock's key (PostgresStore.MigrationLockKey).
    internal const long LeaseKey = 0x5669_6769_6c53_7276; // "VigilSrv"

    internal static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(5);
    internal static readonly TimeSpan SilenceLimit = TimeSpan.FromSeconds(30);

    private readonly NpgsqlConnection _connection;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pings;
    private int _disposed;

    private PostgresServerLease(NpgsqlConnection connection)
    {
        _connection = connection;
        _pings = PingAsync();
    }

    public CancellationToken Lost => _lost.Token;

    public static async Task<IServerLease> AcquireAsync(string connectionString, Action<string> waiting, TimeSpan retry, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // Its own session, never returned to a pool: the lock lives exactly as long as this connection.
            Pooling = false,
            ApplicationName = $"vigil serve on {Environment.MachineName} (pid {Environment.ProcessId})",
        };
        string? lastTold = null;
        while (true)
        {
            var connection = new NpgsqlConnection(builder.ConnectionString);
            var taken = false;
            string why;
            try
            {
                await connection.OpenAsync(ct).ConfigureAwait(false);
                await ExecuteAsync(connection, "SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3", ct)
                    .ConfigureAwait(false);
                try
                {
                    await ExecuteAsync(connection, $"SET idle_session_timeout = '{(int)SilenceLimit.TotalMilliseconds}ms'", ct).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedObject)
                {
                    // PostgreSQL before 14: a silent holder is found by the TCP keepalives alone.
                }
                await using (var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection))
                {
                    take.Parameters.AddWithValue("key", LeaseKey);
                    if (await take.ExecuteScalarAsync(ct).ConfigureAwait(false) is true)
                    {
                        taken = true;
                        return new PostgresServerLease(connection);
                    }
                }
                why = $"another Vigil server is active on this database ({await HolderAsync(connection, ct).ConfigureAwait(false)}); "
                    + "waiting as a standby until it stops";
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !ct.IsCancellationRequested)
            {
                why = $"cannot reach the database to take the server lease ({ex.Message}); retrying";
            }
            finally
            {
                if (!taken)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }
            if (why != lastTold)
            {
                waiting(why);
                lastTold = why;
            }
            await Task.Delay(retry, ct).ConfigureAwait(false);
        }
    }

    private static async Task<string> HolderAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        // pg_locks shows a bigint advisory key as its high and low 32 bits.
        await using var who = new NpgsqlCommand(
            """
            SELECT a.application_name, COALESCE(host(a.client_addr), 'local socket'), a.backend_start
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid = @high::bigint::oid AND l.objid = @low::bigint::oid
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, connection);
        who.Parameters.AddWithValue("high", (long)((ulong)LeaseKey >> 32));
        who.Parameters.AddWithValue("low", LeaseKey & 0xFFFF_FFFF);
        await using var reader = await who.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false)
            ? $"{reader.GetString(0)} from {reader.GetString(1)} since {reader.GetDateTime(2):u}"
            : "its holder is not visible to this database user";
    }

    private async Task PingAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(PingInterval, _stop.Token).ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(PingInterval * 2);
                await ExecuteAsync(_connection, "SELECT 1", timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception)
        {
            // Any failure — a broken socket, a timed-out ping, the session terminated — may mean the lock is gone.
            await _lost.CancelAsync().ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // Released when the server stops and again when its services are disposed.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _pings.ConfigureAwait(false);
        // Closing the session releases the lock.
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _lost.Dispose();
    }
}
