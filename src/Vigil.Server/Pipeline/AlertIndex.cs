using System.Collections.Concurrent;
using System.Collections.Immutable;
using Vigil.Core.Alerts;

namespace Vigil.Server.Pipeline;

/// <summary>
/// The current version of every stored alert, in memory, for fast reads (GET /api/v2/alerts) and merging.
/// Only <see cref="IngestWriter"/> writes to it, and only after the change is committed to the store, so the index
/// never shows an alert that a crash could lose.
/// </summary>
public sealed class AlertIndex
{
    /// <summary>The label events carry their sender's deduplication key in (PagerDuty Events API, native events).</summary>
    public const string DedupKeyLabel = "dedup_key";

    private readonly ConcurrentDictionary<Fingerprint, Alert> _alerts = new();

    // The alerts of each dedup key, so an event finds the alert it refers to without reading every alert: a PagerDuty
    // alert's labels hold a random pd_alert_id, so its fingerprint cannot be worked out from the event. A fingerprint's
    // labels never change, so an alert enters once (when first set) and leaves when removed. The arrays are replaced, never
    // changed, so readers need no lock; a write that touches the index holds _byDedupKeyWrite across both dictionaries.
    private readonly ConcurrentDictionary<string, ImmutableArray<Fingerprint>> _byDedupKey = new(StringComparer.Ordinal);
    private readonly Lock _byDedupKeyWrite = new();

    public int Count => _alerts.Count;

    public Alert? Get(Fingerprint fingerprint) => _alerts.TryGetValue(fingerprint, out var alert) ? alert : null;

    public ICollection<Alert> All => _alerts.Values;

    /// <summary>The alerts whose <see cref="DedupKeyLabel"/> label is <paramref name="dedupKey"/>, firing or not, newest
    /// first (a key's firing alert is its latest; the resolved ones before it wait for collection).</summary>
    public IEnumerable<Alert> WithDedupKey(string dedupKey)
    {
        if (!_byDedupKey.TryGetValue(dedupKey, out var fingerprints))
        {
            yield break;
        }
        for (var i = fingerprints.Length - 1; i >= 0; i--)
        {
            var fingerprint = fingerprints[i];
            // Checked again: between the two reads the alert may have been removed.
            if (Get(fingerprint) is { } alert && alert.Labels.Get(DedupKeyLabel) == dedupKey)
            {
                yield return alert;
            }
        }
    }

    internal void Set(Alert alert)
    {
        if (alert.Labels.Get(DedupKeyLabel) is not { } dedupKey)
        {
            _alerts[alert.Fingerprint] = alert;
            return;
        }
        lock (_byDedupKeyWrite)
        {
            if (_alerts.TryAdd(alert.Fingerprint, alert))
            {
                _byDedupKey[dedupKey] = _byDedupKey.TryGetValue(dedupKey, out var others) ? others.Add(alert.Fingerprint) : [alert.Fingerprint];
            }
            else
            {
                _alerts[alert.Fingerprint] = alert;
            }
        }
    }

    internal void Remove(Fingerprint fingerprint)
    {
        lock (_byDedupKeyWrite)
        {
            if (!_alerts.TryRemove(fingerprint, out var removed) || removed.Labels.Get(DedupKeyLabel) is not { } dedupKey
                || !_byDedupKey.TryGetValue(dedupKey, out var fingerprints))
            {
                return;
            }
            var rest = fingerprints.Remove(fingerprint);
            if (rest.IsEmpty)
            {
                _byDedupKey.TryRemove(dedupKey, out _);
            }
            else
            {
                _byDedupKey[dedupKey] = rest;
            }
        }
    }

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
