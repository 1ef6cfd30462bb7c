namespace Vigil.Server.Notifications;

/// <summary>
/// Tells the outbox worker that rows were just committed, so a page goes out at once rather than at the next poll.
/// Only a hint: the worker also polls, so a lost signal (or a row committed by another replica) only costs a second.
/// </summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);

    public void Raise() => _signal.Release();

    internal Task WaitAsync(CancellationToken ct) => _signal.WaitAsync(ct);
}
