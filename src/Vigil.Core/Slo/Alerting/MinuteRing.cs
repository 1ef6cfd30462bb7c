using Vigil.Core.Slo.Budget;

namespace Vigil.Core.Slo.Alerting;

/// <summary>
/// Per-minute good/total counts of one SLO over its period, in a ring buffer, with a running sum for each alert
/// window. Recording a minute updates every window in O(windows): the minute entering is added and the one leaving
/// subtracted, so an evaluation never re-reads a whole window.
/// </summary>
/// <remarks>
/// Counts are stored as <see cref="float"/> bad/total pairs (8 bytes a minute, 346 KB for 30 days): bad counts are
/// small, so the error ratio keeps its precision where it matters, and because the same float is added and later
/// subtracted from the double sums, a minute leaving a window cancels exactly what it added.
/// </remarks>
public sealed class MinuteRing
{
    private readonly float[] _bad;
    private readonly float[] _total; // NaN = no data for that minute
    private readonly int[] _windows;
    private readonly double[] _badSums;
    private readonly double[] _totalSums;
    private readonly int[] _dataMinutes;
    private long _head = long.MinValue; // the newest minute (minutes since the Unix epoch)

    /// <param name="capacityMinutes">How far back minutes are kept: the SLO period.</param>
    /// <param name="windowMinutes">Windows with a running sum; each at most <paramref name="capacityMinutes"/>.</param>
    public MinuteRing(int capacityMinutes, IReadOnlyList<int> windowMinutes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityMinutes, 1);
        _bad = new float[capacityMinutes];
        _total = new float[capacityMinutes];
        Array.Fill(_total, float.NaN);
        _windows = [.. windowMinutes];
        foreach (var window in _windows)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(window, capacityMinutes);
            ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        }
        _badSums = new double[_windows.Length];
        _totalSums = new double[_windows.Length];
        _dataMinutes = new int[_windows.Length];
    }

    public int Capacity => _bad.Length;

    public IReadOnlyList<int> Windows => _windows;

    /// <summary>The newest minute recorded or advanced to, or null before the first.</summary>
    public long? Head => _head == long.MinValue ? null : _head;

    public static long MinuteOf(DateTimeOffset time) => (long)Math.Floor(time.ToUnixTimeSeconds() / 60.0);

    /// <summary>
    /// Sets the counts of <paramref name="minute"/> (replacing an earlier value, so late or corrected data is fine).
    /// Returns false for minutes older than the ring keeps.
    /// </summary>
    public bool Record(long minute, double good, double total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        AdvanceTo(minute);
        if (minute <= _head - Capacity)
        {
            return false;
        }
        var slot = Slot(minute);
        var (oldBad, oldTotal) = (_bad[slot], _total[slot]);
        // A count beyond float's range (a bogus query result; pushed events are capped at 1e15) would be ∞ here and
        // make every window's budget unreadable for the rest of the period: it is held at float's largest value.
        var (newBad, newTotal) = (ToFloat(Math.Max(0, total - good)), ToFloat(total));
        _bad[slot] = newBad;
        _total[slot] = newTotal;
        for (var w = 0; w < _windows.Length; w++)
        {
            if (minute > _head - _windows[w])
            {
                Remove(w, oldBad, oldTotal);
                Add(w, newBad, newTotal);
            }
        }
        return true;
    }

    private static float ToFloat(double count) => (float)Math.Min(count, float.MaxValue);

    /// <summary>Moves the head to <paramref name="minute"/>, dropping minutes that leave each window; new minutes have no data.</summary>
    public void AdvanceTo(long minute)
    {
        if (_head == long.MinValue)
        {
            _head = minute;
            return;
        }
        if (minute <= _head)
        {
            return;
        }
        if (minute - _head >= Capacity)
        {
            // Everything kept is out of every window: start afresh instead of stepping through the gap.
            Array.Fill(_total, float.NaN);
            Array.Clear(_badSums);
            Array.Clear(_totalSums);
            Array.Clear(_dataMinutes);
            _head = minute;
            return;
        }
        while (_head < minute)
        {
            _head++;
            for (var w = 0; w < _windows.Length; w++)
            {
                var leaving = Slot(_head - _windows[w]);
                Remove(w, _bad[leaving], _total[leaving]);
            }
            // The slot of the new minute held the minute one capacity ago, already out of every window.
            var slot = Slot(_head);
            _bad[slot] = 0;
            _total[slot] = float.NaN;
        }
    }

    /// <summary>Counts over window <paramref name="index"/> (of <see cref="Windows"/>) ending at the head; missing when no minute has data.</summary>
    public EventCounts Sum(int index) =>
        _dataMinutes[index] == 0 ? EventCounts.Missing : new EventCounts(_totalSums[index] - _badSums[index], _totalSums[index]);

    /// <summary>
    /// True when <paramref name="predicate"/> holds for window <paramref name="index"/> ending at the head and at each
    /// of the <paramref name="steps"/> minutes before it (newest first). Each earlier window is the later one minus
    /// its newest minute plus the minute before its start, so the cost is O(steps), not O(steps × window). Minutes the
    /// ring no longer keeps count as missing: keep capacity ≥ window + steps.
    /// </summary>
    public bool Holds(int index, int steps, Func<EventCounts, bool> predicate)
    {
        double bad = _badSums[index], total = _totalSums[index];
        var data = _dataMinutes[index];
        var window = _windows[index];
        for (var back = 0; back <= steps; back++)
        {
            if (back > 0)
            {
                var leaving = At(_head - back + 1);
                if (leaving.HasData)
                {
                    (bad, total, data) = (bad - leaving.Bad, total - leaving.Total, data - 1);
                }
                var entering = At(_head - back + 1 - window);
                if (entering.HasData)
                {
                    (bad, total, data) = (bad + entering.Bad, total + entering.Total, data + 1);
                }
            }
            if (!predicate(data == 0 ? EventCounts.Missing : new EventCounts(total - bad, total)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The counts of one minute (missing when it has no data or the ring no longer keeps it).</summary>
    public EventCounts At(long minute)
    {
        if (minute > _head || minute <= _head - Capacity)
        {
            return EventCounts.Missing;
        }
        var slot = Slot(minute);
        return float.IsNaN(_total[slot]) ? EventCounts.Missing : new EventCounts(_total[slot] - _bad[slot], _total[slot]);
    }

    /// <summary>The minutes from <paramref name="from"/> to the head, oldest first (for budgets over calendar windows).</summary>
    public EventCounts[] Minutes(long from)
    {
        from = Math.Max(from, _head - Capacity + 1);
        var result = new EventCounts[Math.Max(0, _head - from + 1)];
        for (var i = 0; i < result.Length; i++)
        {
            var slot = Slot(from + i);
            result[i] = float.IsNaN(_total[slot]) ? EventCounts.Missing : new EventCounts(_total[slot] - _bad[slot], _total[slot]);
        }
        return result;
    }

    private int Slot(long minute) => (int)(((minute % Capacity) + Capacity) % Capacity);

    private void Add(int w, float bad, float total)
    {
        if (!float.IsNaN(total))
        {
            _badSums[w] += bad;
            _totalSums[w] += total;
            _dataMinutes[w]++;
        }
    }

    private void Remove(int w, float bad, float total)
    {
        if (!float.IsNaN(total))
        {
            _badSums[w] -= bad;
            _totalSums[w] -= total;
            if (--_dataMinutes[w] == 0)
            {
                // Nothing left: reset so rounding residue cannot pose as a tiny error rate.
                _badSums[w] = 0;
                _totalSums[w] = 0;
            }
        }
    }
}
