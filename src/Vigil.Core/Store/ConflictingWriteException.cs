namespace Vigil.Core.Store;

/// <summary>
/// A conditional write (see <see cref="ChangeSet.SwapTransitions"/>) found its row changed since it was read, by another
/// request or another replica on the same database. Nothing of the commit was applied; the caller re-reads and decides.
/// </summary>
public sealed class ConflictingWriteException(string target, string message) : Exception(message)
{
    /// <summary>What was changed meanwhile, e.g. "swap sw_1234".</summary>
    public string Target { get; } = target;
}
