namespace Vigil.Server.Pipeline;

public sealed partial class AlertPipeline
{
    // See BeginRecordWriteAsync. Never held together with the incident or silence gates.
    private readonly SemaphoreSlim _recordWriteGate = new(1, 1);

    /// <summary>
    /// One turn for an API write that reads a record, checks it and writes it back — revoking a token, an integration key
    /// or a freeze exemption, deleting an override, creating a key whose name must be free. Without it several requests
    /// at once each read the record as unchanged and each committed (and audited) the change. One server owns the
    /// database (decision 010), so a gate in the server is enough. These writes are rare, so one gate serves them all.
    /// Dispose the turn to let the next write in.
    /// </summary>
    public async Task<IDisposable> BeginRecordWriteAsync(CancellationToken ct)
    {
        await _recordWriteGate.WaitAsync(ct);
        return new GateTurn(_recordWriteGate);
    }

    private sealed class GateTurn(SemaphoreSlim gate) : IDisposable
    {
        private SemaphoreSlim? _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
    }
}
