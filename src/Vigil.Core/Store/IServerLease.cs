namespace Vigil.Core.Store;

/// <summary>
/// The right to be the one active server on a database. Every server keeps alert groups, incidents, escalations and
/// silences in memory and writes them back, so two active servers on one database overwrite each other's incidents
/// (see docs/decisions/010); a second <c>vigil serve</c> waits for the lease as a standby instead.
/// </summary>
public interface IServerLease : IAsyncDisposable
{
    /// <summary>Cancelled when the lease is lost (the database session holding it broke): the server must stop at
    /// once, because a standby may take over.</summary>
    CancellationToken Lost { get; }
}
