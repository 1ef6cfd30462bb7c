using Vigil.Core.OnCall;

namespace Vigil.Core.Store;

/// <summary>
/// A decision on a stored swap (accept, cancel): its status, to-user and decision are written only if its stored status
/// is still <paramref name="Expected"/> — the one the decision was made on. Two replicas accepting one request, or an
/// accept racing a cancel, each read "requested"; without the condition both were told they succeeded and the last
/// commit silently won.
/// </summary>
public sealed record SwapTransition(ShiftSwap Swap, SwapStatus Expected)
{
    /// <summary>What the store throws when the stored status is no longer <see cref="Expected"/>.</summary>
    public ConflictingWriteException Conflict() =>
        new($"swap {Swap.Id}", $"swap {Swap.Id} is no longer {Expected.ToString().ToLowerInvariant()}; nothing was changed");
}
