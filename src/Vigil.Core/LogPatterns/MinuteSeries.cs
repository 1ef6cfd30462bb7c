namespace Vigil.Core.LogPatterns;

/// <summary>
/// Counts per minute for one template over a sliding window: a fixed ring of buckets, so memory per template is
/// constant however long it lives. Minutes are whole minutes since the Unix epoch.
/// </summary>
public sealed class MinuteSeries(int windowMinutes)
{
    private readonly long[] _buckets = new long[windowMinutes];
    private long _newest = long.MinValue;

    /// <summary>The first minute this series ever counted (long.MaxValue when empty): how much history exists.</summary>
    public long FirstMinute { get; private set; } = long.MaxValue;

    public int WindowMinutes => _buckets.Length;

    public static long MinuteOf(DateTimeOffset at) => Math.DivRem(at.ToUnixTimeSeconds(), 60) is var (q, r) && r < 0 ? q - 1 : q;

    /// <summary>Adds <paramref name="count"/> lines at <paramref name="minute"/>; minutes older than the window are ignored.</summary>
    public void Add(long minute, long count)
    {
        if (_newest != long.MinValue && minute <= _newest - _buckets.Length)
        {
            return;
        }
        if (minute > _newest)
        {
            // Clear the buckets the window moves over (at most the whole ring).
            var from = _newest == long.MinValue ? minute - _buckets.Length + 1 : Math.Max(_newest + 1, minute - _buckets.Length + 1);
            for (var m = from; m <= minute; m++)
            {
                _buckets[Slot(m)] = 0;
            }
            _newest = minute;
        }
        _buckets[Slot(minute)] += count;
        FirstMinute = Math.Min(FirstMinute, minute);
    }

    /// <summary>Adds every minute of <paramref name="other"/> still in this window (a merged template's history).</summary>
    public void AddFrom(MinuteSeries other)
    {
        if (other._newest == long.MinValue)
        {
            return;
        }
        for (var m = Math.Max(other.FirstMinute, other._newest - other._buckets.Length + 1); m <= other._newest; m++)
        {
            if (other[m] is var count and > 0)
            {
                Add(m, count);
            }
        }
    }

    /// <summary>The count at <paramref name="minute"/>: zero outside the window or after the newest minute.</summary>
    public long this[long minute] =>
        _newest == long.MinValue || minute > _newest || minute <= _newest - _buckets.Length ? 0 : _buckets[Slot(minute)];

    private int Slot(long minute) => (int)(((minute % _buckets.Length) + _buckets.Length) % _buckets.Length);
}
