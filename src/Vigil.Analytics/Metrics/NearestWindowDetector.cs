using System.Numerics;

namespace Vigil.Analytics.Metrics;

/// <summary>
/// How far the latest stretch of a series lies from every earlier one (a streaming discord): the Euclidean distance
/// between the last <see cref="Window"/> values and the closest earlier window of as many that does not overlap it,
/// among the last <c>history</c> windows, in units of the range seen so far (not z-normalised: level and amplitude are
/// what it adds to the pattern detectors, docs/metric-detection.md, "A nearest-window member"). It speaks when that
/// distance beats the largest one of the last ~20,000 samples — a lasting new level, a new amplitude, a new shape.
/// <para>Each lag's squared distance is carried along the series and updated in O(1) a sample
/// (d²(t+1, ℓ) = d²(t, ℓ) + (x[t+1] − x[t+1−ℓ])² − (x[t+1−m] − x[t+1−m−ℓ])²), so a sample costs O(history), not
/// O(history × window); every <c>history</c> samples (at least 1,000) the sums are recomputed, so rounding cannot pile up.</para>
/// </summary>
internal sealed class NearestWindowDetector
{
    /// <summary>Values in a window.</summary>
    public const int Window = 32;

    /// <summary>Values learned before it scores (as the other members' probations).</summary>
    private const int WarmUp = 300;

    /// <summary>Samples per block of the record's memory.</summary>
    private const int RecordBlock = 1000;

    /// <summary>Finished blocks the record remembers: the record is the largest distance of the last ~20,000 samples
    /// (70 days of 5-minute samples). On NAB's files (at most 22,695 rows) this scores as the all-time record did (3 or 5
    /// blocks lose 0.2); for a series that runs for months it means a wild stretch long ago no longer mutes the member.</summary>
    private const int RecordBlocks = 20;

    /// <summary>Distances below this share of the range are rounding, not shape: a sine sampled at a whole period
    /// repeats to ~1e-14, and the ratio of two such distances would be noise that could page.</summary>
    private const double Resolution = 1e-6;

    /// <summary>Samples between recomputations of the carried sums at the least. Recomputing costs O(history × Window),
    /// so every <c>history</c> samples it is O(Window) a sample, most of the member's cost at a short history (the
    /// lightweight detector's 100); the rounding the carried sums gather over 1,000 steps is ~1e-13 of their size.</summary>
    private const int MinimumRecomputeInterval = 1000;

    private readonly int _history;
    private readonly int _recomputeInterval;
    private readonly int _capacity;      // values kept: 2·Window + history
    // The latest values, each written twice (at i and i + capacity), so any run of ages is one contiguous span.
    private readonly double[] _ring;
    // Per lag, oldest first: _squared[j] is the squared distance of the latest window to the one Window + history − 1 − j
    // samples back, so it lines up with the ring's spans for the vectorised update.
    private readonly double[] _squared;
    private int _next;
    private long _count;
    private int _sinceRecompute;
    private double _low = double.PositiveInfinity;
    private double _high = double.NegativeInfinity;
    // The record: the largest scaled distance of the current block of RecordBlock samples and of the RecordBlocks
    // blocks before it, so an old wild stretch stops muting the member after ~RecordBlocks × RecordBlock samples. Kept
    // as the largest of _blockRecord and _blockRecords (distances are ≥ 0, so unfilled slots' zeros change nothing).
    private double _record;
    private double _blockRecord;
    private int _inBlock;
    private readonly double[] _blockRecords = new double[RecordBlocks]; // ring of the finished blocks' records
    private int _nextBlock;

    public NearestWindowDetector(int history)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(history, 1);
        _history = history;
        _recomputeInterval = Math.Max(history, MinimumRecomputeInterval);
        _capacity = (2 * Window) + history;
        _ring = new double[2 * _capacity];
        _squared = new double[history];
    }

    /// <summary>Learns <paramref name="value"/> (finite); returns its score in [0, 1].</summary>
    public double Score(double value)
    {
        _ring[_next] = value;
        _ring[_next + _capacity] = value;
        _next = _next + 1 == _capacity ? 0 : _next + 1;
        _count++;
        (_low, _high) = (Math.Min(_low, value), Math.Max(_high, value));
        if (++_sinceRecompute >= _recomputeInterval)
        {
            Recompute();
        }
        else
        {
            Advance();
        }
        if (_count <= WarmUp) // WarmUp > 2 · Window: every lag has had a window by then
        {
            return 0.0;
        }
        var nearest = Nearest(_squared.AsSpan(_history - Valid()));
        var distance = Math.Sqrt(Math.Max(nearest, 0.0)) / Math.Max(_high - _low, 1e-9);
        if (!double.IsFinite(distance))
        {
            return 0.0; // values near ±double.MaxValue: their squares overflow
        }
        distance = distance < Resolution ? 0.0 : distance;
        var score = 0.0;
        if (_count > WarmUp + Window && _record > 0)
        {
            var ratio = distance / _record;
            var square = ratio * ratio;
            var fourth = square * square; // ratio⁸ by squaring: Math.Pow cost the lightweight detector ~6 % of its speed
            score = ratio <= 1 ? 0.5 * fourth * fourth : Math.Min(1.0, 0.5 + (ratio - 1.0));
        }
        Remember(distance);
        return score;
    }

    /// <summary>The smallest of <paramref name="squared"/> (NaN, from values whose squares overflowed, is passed over).</summary>
    private static double Nearest(ReadOnlySpan<double> squared)
    {
        var lanes = new Vector<double>(double.PositiveInfinity);
        var i = 0;
        for (; i <= squared.Length - Vector<double>.Count; i += Vector<double>.Count)
        {
            var next = new Vector<double>(squared[i..]);
            lanes = Vector.ConditionalSelect(Vector.LessThan(next, lanes), next, lanes);
        }
        var nearest = double.PositiveInfinity;
        for (var k = 0; k < Vector<double>.Count; k++)
        {
            nearest = lanes[k] < nearest ? lanes[k] : nearest;
        }
        for (; i < squared.Length; i++)
        {
            nearest = squared[i] < nearest ? squared[i] : nearest;
        }
        return nearest;
    }

    private void Remember(double distance)
    {
        _record = Math.Max(_record, distance);
        _blockRecord = Math.Max(_blockRecord, distance);
        if (++_inBlock < RecordBlock)
        {
            return;
        }
        _blockRecords[_nextBlock] = _blockRecord;
        _nextBlock = _nextBlock + 1 == RecordBlocks ? 0 : _nextBlock + 1;
        (_blockRecord, _inBlock) = (0.0, 0);
        _record = _blockRecords.Max();
    }

    /// <summary>Lags whose earlier window is complete (the shortest ones: the last entries of <see cref="_squared"/>).</summary>
    private int Valid() => (int)Math.Clamp(_count - (2 * Window) + 1, 0, _history);

    /// <summary>Where the latest value sits in the upper copy of the ring: age a is at this index − a.</summary>
    private int Latest => _next - 1 + _capacity;

    /// <summary>The value <paramref name="age"/> samples back (0: the latest).</summary>
    private double At(int age) => _ring[Latest - age];

    /// <summary>The values <paramref name="nearestAge"/> to <paramref name="nearestAge"/> + history − 1 samples back,
    /// oldest first (as <see cref="_squared"/>'s lags).</summary>
    private ReadOnlySpan<double> Ages(int nearestAge) => _ring.AsSpan(Latest - nearestAge - _history + 1, _history);

    /// <summary>Moves every lag's distance one sample on; a lag that just got its first whole earlier window starts.</summary>
    private void Advance()
    {
        var valid = Valid();
        if (valid == 0)
        {
            return;
        }
        // A lag whose earlier window just became complete (the longest valid one) starts from its definition.
        var fresh = _count < (2 * Window) + _history ? 1 : 0;
        if (fresh == 1)
        {
            _squared[_history - valid] = SquaredDistance(Window + valid - 1);
        }
        var carried = valid - fresh;
        var squared = _squared.AsSpan(_history - carried);
        var earlier = Ages(Window)[(_history - carried)..];          // the value each lag's earlier window gains
        var leaving = Ages(2 * Window)[(_history - carried)..];      // and the one it loses
        var gained = new Vector<double>(At(0));
        var lost = new Vector<double>(At(Window));
        var i = 0;
        for (; i <= squared.Length - Vector<double>.Count; i += Vector<double>.Count)
        {
            var joined = gained - new Vector<double>(earlier[i..]);
            var left = lost - new Vector<double>(leaving[i..]);
            ((new Vector<double>(squared[i..]) + (joined * joined)) - (left * left)).CopyTo(squared[i..]);
        }
        for (; i < squared.Length; i++)
        {
            var joined = At(0) - earlier[i];
            var left = At(Window) - leaving[i];
            squared[i] += (joined * joined) - (left * left);
        }
    }

    private void Recompute()
    {
        _sinceRecompute = 0;
        var valid = Valid();
        for (var j = _history - valid; j < _history; j++)
        {
            _squared[j] = SquaredDistance(Window + _history - 1 - j);
        }
    }

    private double SquaredDistance(int lag)
    {
        var sum = 0.0;
        for (var k = 0; k < Window; k++)
        {
            var d = At(k) - At(k + lag);
            sum += d * d;
        }
        return sum;
    }

    internal void Write(ref StateWriter writer)
    {
        writer.Write(_count);
        writer.Write(_next);
        writer.Write(_sinceRecompute);
        writer.Write(_low);
        writer.Write(_high);
        writer.Write(_blockRecord);
        writer.Write(_inBlock);
        writer.Write(_nextBlock);
        writer.Write(_blockRecords);
        writer.Write(_ring.AsSpan(0, _capacity));
        writer.Write(_squared);
    }

    /// <summary>Restores what <see cref="Write"/> wrote into this fresh detector (of the same history) and returns it.</summary>
    internal NearestWindowDetector Read(ref StateReader reader)
    {
        _count = reader.ReadInt64();
        _next = reader.ReadCount(_capacity - 1);
        _sinceRecompute = reader.ReadCount(_recomputeInterval);
        (_low, _high, _blockRecord) = (reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble());
        _inBlock = reader.ReadCount(RecordBlock - 1);
        _nextBlock = reader.ReadCount(RecordBlocks - 1);
        var blockRecords = reader.ReadDoubles(RecordBlocks);
        if (blockRecords.Length != RecordBlocks || !(_blockRecord >= 0) || blockRecords.Any(r => !(r >= 0)))
        {
            throw new FormatException("detector state: bad nearest-window record");
        }
        blockRecords.CopyTo(_blockRecords, 0);
        _record = Math.Max(_blockRecord, _blockRecords.Max());
        var ring = reader.ReadDoubles(_capacity);
        var squared = reader.ReadDoubles(_squared.Length);
        if (_count < 0 || ring.Length != _capacity || squared.Length != _squared.Length)
        {
            throw new FormatException("detector state: bad nearest-window state");
        }
        ring.CopyTo(_ring, 0);
        ring.CopyTo(_ring, _capacity);
        squared.CopyTo(_squared, 0);
        return this;
    }
}
