using Vigil.Core.Store;

namespace Vigil.Storage.Lease;

/// <summary>
/// The SQLite backend's lease: an exclusive lock on <c>vigil.lock</c> beside the database file. .NET takes it with
/// flock(2) for <see cref="FileShare.None"/>, so the kernel releases it when the process dies, however it dies; a
/// local lock cannot be lost while the process lives.
/// </summary>
internal sealed class FileServerLease(FileStream file) : IServerLease
{
    public CancellationToken Lost => CancellationToken.None;

    public static async Task<IServerLease> AcquireAsync(string dataDirectory, Action<string> waiting, TimeSpan retry, CancellationToken ct)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "vigil.lock");
        var told = false;
        while (true)
        {
            try
            {
                return new FileServerLease(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException ex)
            {
                // Almost always the lock held by another server. An opening that fails otherwise (a read-only disk)
                // cannot be told apart portably — a probe opening takes a shared lock and fails the same way — so the
                // message carries the system's own words.
                if (!told)
                {
                    waiting($"cannot lock {path} ({ex.Message}): another Vigil server is active on {Path.GetFullPath(dataDirectory)}; "
                        + "waiting as a standby until it stops");
                    told = true;
                }
            }
            await Task.Delay(retry, ct).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => file.DisposeAsync();
}
