using Vigil.Core.Slo.Budget;

namespace Vigil.Core.Slo.Alerting;

/// <summary>
/// Good/total sums per bucket of a few minutes, aligned to the Unix epoch, in a ring that covers one SLO period.
/// Buckets only ever receive additions (a replaced minute arrives as the difference), so they need no per-minute data.
/// Like <see cref="MinuteRing"/>, counts are <see cref="float"/> bad/total pairs (8 bytes a bucket) and a bucket that
/// never received data has a NaN total.
/// </summary>
internal sealed class BucketRing
{
    private readonly float[] _bad;
    private readonly float[] _total;
    private long _head = long.MinValue; // the newest bucket index (minute / BucketMinutes)

    public BucketRing(int bucketMinutes, int capacityBuckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketMinutes, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBuckets, 1);
        BucketMinutes = bucketMinutes;
        _bad = new float[capacityBuckets];
        _total = new float[capacityBuckets];
        Array.Fill(_total, float.NaN);
    }

    public int BucketMinutes { get; }

    public int Capacity => _bad.Length;

    public long BucketOf(long minute) => Math.DivRem(minute, BucketMinutes, out var rest) - (rest < 0 ? 1 : 0);

    /// <summary>Moves the newest bucket to the one holding <paramref name="minute"/>; buckets that wrap around are emptied.</summary>
    public void AdvanceTo(long minute)
    {
        var bucket = BucketOf(minute);
        if (_head == long.MinValue || bucket - _head >= Capacity)
        {
            if (_head != long.MinValue)
            {
                Array.Clear(_bad);
                Array.Fill(_total, float.NaN);
            }
            _head = bucket;
            return;
        }
        while (_head < bucket)
        {
            _head++;
            var slot = Slot(_head);
            _bad[slot] = 0;
            _total[slot] = float.NaN;
        }
    }

    /// <summary>Adds to the bucket of <paramref name="minute"/> (deltas may be negative); false when the ring no longer keeps it.</summary>
    public bool Add(long minute, double bad, double total)
    {
        AdvanceTo(minute);
        var bucket = BucketOf(minute);
        if (bucket <= _head - Capacity)
        {
            return false;
        }
        var slot = Slot(bucket);
        _bad[slot] += (float)bad;
        _total[slot] = float.IsNaN(_total[slot]) ? (float)total : _total[slot] + (float)total;
        return true;
    }

    /// <summary>The counts of one bucket (missing when it has no data or is not kept).</summary>
    public EventCounts At(long bucket)
    {
        if (_head == long.MinValue || bucket > _head || bucket <= _head - Capacity)
        {
            return EventCounts.Missing;
        }
        var slot = Slot(bucket);
        return float.IsNaN(_total[slot]) ? EventCounts.Missing : new EventCounts(_total[slot] - _bad[slot], _total[slot]);
    }

    /// <summary>Counts of buckets <paramref name="fromBucket"/> to <paramref name="toBucket"/> (inclusive, clipped to those kept), in one linear pass.</summary>
    public EventCounts Sum(long fromBucket, long toBucket)
    {
        if (_head == long.MinValue)
        {
            return EventCounts.Missing;
        }
        var from = Math.Max(fromBucket, _head - Capacity + 1);
        var to = Math.Min(toBucket, _head);
        double bad = 0, total = 0;
        var any = false;
        var slot = from <= to ? Slot(from) : 0;
        for (var b = from; b <= to; b++)
        {
            var t = _total[slot];
            if (!float.IsNaN(t))
            {
                bad += _bad[slot];
                total += t;
                any = true;
            }
            if (++slot == Capacity)
            {
                slot = 0;
            }
        }
        return any ? new EventCounts(total - bad, total) : EventCounts.Missing;
    }

    private int Slot(long bucket) => (int)(((bucket % Capacity) + Capacity) % Capacity);
}
