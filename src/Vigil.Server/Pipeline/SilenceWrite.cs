using Vigil.Core.Silences;

namespace Vigil.Server.Pipeline;

/// <summary>
/// A silence write in progress (<see cref="AlertPipeline.BeginSilenceWriteAsync"/>): it holds the pipeline's silence
/// lock from reading the silence it changes until memory shows its commit. Dispose to let the next write in.
/// </summary>
public sealed class SilenceWrite : IDisposable
{
    private readonly AlertPipeline _pipeline;
    private SemaphoreSlim? _gate;

    internal SilenceWrite(AlertPipeline pipeline, SemaphoreSlim gate)
    {
        _pipeline = pipeline;
        _gate = gate;
    }

    /// <summary>The silence as of this write: no other write can change it until this one is disposed.</summary>
    public Silence? Get(Guid id)
    {
        ObjectDisposedException.ThrowIf(_gate is null, this);
        return _pipeline.Silences.Get(id);
    }

    /// <summary>Creates or replaces a silence, with its audit entry, in one commit.</summary>
    public Task SaveAsync(Silence silence, string actor, string action, CancellationToken ct) => SaveAsync([(silence, action)], actor, ct);

    /// <summary>Commits several silence writes in one transaction (expiring an active silence and creating its
    /// replacement: apart, a failed second commit left the alerts unsilenced under a 503).</summary>
    public Task SaveAsync(IReadOnlyList<(Silence Silence, string Action)> writes, string actor, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_gate is null, this);
        return _pipeline.CommitSilenceWritesAsync(writes, actor, ct);
    }

    public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
}
