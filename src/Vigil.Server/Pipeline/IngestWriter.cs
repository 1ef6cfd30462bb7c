using System.Threading.Channels;
using Vigil.Core.Alerts;
using Vigil.Core.Store;

namespace Vigil.Server.Pipeline;

/// <summary>
/// Group commit for alert ingest. Requests hand their validated alerts to one writer loop, which drains everything
/// queued, merges it with the stored alerts (Alertmanager's merge rules), commits it all in one transaction and only
/// then completes every request — so a 2xx always means "durable", while concurrent senders share each fsync.
/// </summary>
public sealed class IngestWriter : IAsyncDisposable
{
    private const int MaxAlertsPerCommit = 20_000;

    private readonly Channel<PendingIngest> _queue = Channel.CreateUnbounded<PendingIngest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IVigilStore _store;
    private readonly AlertIndex _index;
    private readonly Action<IReadOnlyList<Alert>> _committed;
    private readonly ILogger<IngestWriter> _logger;
    private readonly Task _loop;

    /// <param name="committed">Called on the writer loop with the stored versions of the alerts of each commit.</param>
    public IngestWriter(IVigilStore store, AlertIndex index, Action<IReadOnlyList<Alert>> committed, ILogger<IngestWriter> logger)
    {
        _store = store;
        _index = index;
        _committed = committed;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues alerts and returns once they are committed (or throws if the commit failed).</summary>
    public Task WriteAsync(IReadOnlyList<Alert> alerts, CancellationToken ct = default)
    {
        if (alerts.Count == 0)
        {
            return Task.CompletedTask;
        }
        var pending = new PendingIngest(alerts, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("Vigil is shutting down; the alerts were not stored.");
        }
        return pending.Done.Task.WaitAsync(ct);
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingIngest>();
        var merged = new Dictionary<Fingerprint, Alert>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            merged.Clear();
            var total = 0;
            while (total < MaxAlertsPerCommit && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
                total += item.Alerts.Count;
            }
            foreach (var item in batch)
            {
                foreach (var alert in item.Alerts)
                {
                    var fp = alert.Fingerprint;
                    var stored = merged.TryGetValue(fp, out var earlier) ? earlier : _index.Get(fp);
                    merged[fp] = AlertMerge.Combine(stored, alert);
                }
            }
            var changes = new ChangeSet();
            changes.Alerts.AddRange(merged.Values);
            try
            {
                await _store.ApplyAsync([changes]);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Committing {Count} alerts failed; the senders get an error and will retry", changes.Alerts.Count);
                foreach (var item in batch)
                {
                    item.Done.TrySetException(ex);
                }
                continue;
            }
            foreach (var alert in changes.Alerts)
            {
                _index.Set(alert);
            }
            try
            {
                _committed(changes.Alerts);
            }
            catch (Exception ex)
            {
                // The alerts are committed; a failure downstream must not turn the senders' success into an error.
                _logger.LogError(ex, "Dispatching committed alerts failed");
            }
            foreach (var item in batch)
            {
                item.Done.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private sealed record PendingIngest(IReadOnlyList<Alert> Alerts, TaskCompletionSource Done);
}
