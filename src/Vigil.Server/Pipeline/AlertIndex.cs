using System.Collections.Concurrent;
using Vigil.Core.Alerts;

namespace Vigil.Server.Pipeline;

/// <summary>
/// The current version of every stored alert, in memory, for fast reads (GET /api/v2/alerts) and merging.
/// Only <see cref="IngestWriter"/> writes to it, and only after the change is committed to the store, so the index
/// never shows an alert that a crash could lose.
/// </summary>
public sealed class AlertIndex
{
    private readonly ConcurrentDictionary<Fingerprint, Alert> _alerts = new();

    public int Count => _alerts.Count;

    public Alert? Get(Fingerprint fingerprint) => _alerts.TryGetValue(fingerprint, out var alert) ? alert : null;

    public ICollection<Alert> All => _alerts.Values;

    internal void Set(Alert alert) => _alerts[alert.Fingerprint] = alert;

    internal void Remove(Fingerprint fingerprint) => _alerts.TryRemove(fingerprint, out _);

    public int CountFiring(DateTimeOffset now)
    {
        var count = 0;
        foreach (var alert in _alerts.Values)
        {
            if (!alert.IsResolvedAt(now))
            {
                count++;
            }
        }
        return count;
    }
}
