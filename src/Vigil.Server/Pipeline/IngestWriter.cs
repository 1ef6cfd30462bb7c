using System.Threading.Channels;
using Vigil.Core.Alerts;
using Vigil.Core.Store;

namespace Vigil.Server.Pipeline;

/// <summary>
/// Group commit for alert ingest. Requests hand their validated alerts to one writer loop, which drains everything
/// queued, merges it with the stored alerts (Alertmanager's merge rules), commits it all in one transaction and only
/// then completes every request — so a 2xx always means "durable", while concurrent senders share each fsync.
/// Garbage collection of resolved alerts goes through the same loop (<see cref="ExpireAsync"/>), so a deletion and a
/// new sample of the same alert are ordered, and the index changes only after the commit that made the change.
/// </summary>
public sealed class IngestWriter : IAsyncDisposable
{
    private const int MaxAlertsPerCommit = 20_000;

    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
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
        Enqueue(pending);
        return pending.Done.Task.WaitAsync(ct);
    }

    /// <summary>
    /// Deletes these alerts — versions read from the index — from storage and then from the index, in one commit of
    /// their own. An alert stored again since it was read (a new sample: it fired again, or was re-sent) is not the
    /// version seen and stays. Returns how many were deleted; throws if the commit failed (then nothing was removed).
    /// </summary>
    public Task<int> ExpireAsync(IReadOnlyList<Alert> seen, CancellationToken ct = default)
    {
        if (seen.Count == 0)
        {
            return Task.FromResult(0);
        }
        var pending = new PendingExpiry(seen, new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously));
        Enqueue(pending);
        return pending.Done.Task.WaitAsync(ct);
    }

    private void Enqueue(PendingWrite pending)
    {
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("Vigil is shutting down; the alerts were not stored.");
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingIngest>();
        var merged = new Dictionary<Fingerprint, Alert>();
        PendingWrite? next = null;
        while (next is not null || await _queue.Reader.WaitToReadAsync())
        {
            if (next is null && !_queue.Reader.TryRead(out next))
            {
                continue;
            }
            if (next is PendingExpiry expiry)
            {
                next = null;
                await CommitExpiryAsync(expiry);
                continue;
            }
            batch.Clear();
            merged.Clear();
            var first = (PendingIngest)next;
            next = null;
            batch.Add(first);
            var total = first.Alerts.Count;
            while (total < MaxAlertsPerCommit && _queue.Reader.TryRead(out var item))
            {
                if (item is not PendingIngest ingest)
                {
                    // An expiry commits on its own, after the alerts queued before it: a garbage collector's trouble must
                    // not fail the senders' commit, nor a sender's the collection.
                    next = item;
                    break;
                }
                batch.Add(ingest);
                total += ingest.Alerts.Count;
            }
            await CommitIngestAsync(batch, merged);
        }
    }

    private async Task CommitIngestAsync(List<PendingIngest> batch, Dictionary<Fingerprint, Alert> merged)
    {
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
            return;
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

    private async Task CommitExpiryAsync(PendingExpiry expiry)
    {
        var changes = new ChangeSet();
        foreach (var seen in expiry.Seen)
        {
            // Only this loop writes the index, so the version in it now is the stored one, and it stays so until the
            // commit below is done.
            if (ReferenceEquals(_index.Get(seen.Fingerprint), seen))
            {
                changes.ExpiredAlerts.Add(AlertVersion.Of(seen));
            }
        }
        if (changes.ExpiredAlerts.Count > 0)
        {
            try
            {
                await _store.ApplyAsync([changes]);
            }
            catch (Exception ex)
            {
                // Nothing was removed from the index: memory still matches storage, and the next collection tries again.
                expiry.Done.TrySetException(ex);
                return;
            }
            foreach (var version in changes.ExpiredAlerts)
            {
                _index.Remove(version.Fingerprint);
            }
        }
        expiry.Done.TrySetResult(changes.ExpiredAlerts.Count);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private abstract record PendingWrite;

    private sealed record PendingIngest(IReadOnlyList<Alert> Alerts, TaskCompletionSource Done) : PendingWrite;

    private sealed record PendingExpiry(IReadOnlyList<Alert> Seen, TaskCompletionSource<int> Done) : PendingWrite;
}
