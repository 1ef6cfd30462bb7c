namespace Vigil.Analytics.Metrics.Cad;

/// <summary>A candidate context built by intersecting what matched on each side: its left facts, then its right
/// facts, at <c>Start</c> in the buffer's fact pool.</summary>
internal readonly record struct PotentialContext(int Start, int LeftLength, int RightLength, long LeftHash, long RightHash);

/// <summary>
/// The candidate contexts of one CAD step and their facts. They live from the right-side crossing to the left-side one
/// of the same step, so one buffer per thread serves every series: kept per detector, the buffers' high-water mark
/// was about 36 KB of each series' heap.
/// </summary>
internal sealed class CandidateBuffer
{
    [ThreadStatic]
    private static CandidateBuffer? t_current;

    private PotentialContext[] _items = new PotentialContext[8];
    private uint[] _facts = new uint[64];
    private int _factCount;
    private readonly HashSet<(long, long)> _distinct = [];

    public static CandidateBuffer ForThisThread => t_current ??= new();

    public ReadOnlySpan<PotentialContext> Items => _items.AsSpan(0, Count);

    public int Count { get; private set; }

    public void Clear() => (Count, _factCount) = (0, 0);

    public ReadOnlySpan<uint> LeftFacts(in PotentialContext candidate) => _facts.AsSpan(candidate.Start, candidate.LeftLength);

    public ReadOnlySpan<uint> RightFacts(in PotentialContext candidate) => _facts.AsSpan(candidate.Start + candidate.LeftLength, candidate.RightLength);

    /// <summary>Room for the next candidate's facts (left then right); <see cref="Add"/> commits them.</summary>
    public Span<uint> Reserve(int length)
    {
        if (_factCount + length > _facts.Length)
        {
            Array.Resize(ref _facts, Math.Max(_facts.Length * 2, _factCount + length));
        }
        return _facts.AsSpan(_factCount, length);
    }

    /// <summary>Commits the facts written to the latest <see cref="Reserve"/> as a candidate.</summary>
    public void Add(int leftLength, int rightLength)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, Count * 2);
        }
        var left = _facts.AsSpan(_factCount, leftLength);
        var right = _facts.AsSpan(_factCount + leftLength, rightLength);
        _items[Count++] = new(_factCount, leftLength, rightLength, PythonHash.OfTuple(left), PythonHash.OfTuple(right));
        _factCount += leftLength + rightLength;
    }

    /// <summary>The distinct (left hash, right hash) pairs among <paramref name="zeroLevel"/> and the candidates.</summary>
    public int DistinctWith((long LeftHash, long RightHash) zeroLevel)
    {
        _distinct.Clear();
        _distinct.Add(zeroLevel);
        foreach (var candidate in Items)
        {
            _distinct.Add((candidate.LeftHash, candidate.RightHash));
        }
        return _distinct.Count;
    }
}
