namespace Vigil.Analytics.Metrics.Cad;

/// <summary>
/// The semi-contexts of one side (left or right): sorted sets of facts, identified by their creation index. A
/// semi-context is a row of parallel arrays (facts in one shared pool) rather than an object, and the fact index holds
/// id lists, so crossing — run twice per sample over hundreds to thousands of semi-contexts — is a loop over int arrays.
/// </summary>
/// <remarks>
/// Consecutive inputs of a side share most facts (the value often stays in its bucket, the same contexts stay the
/// most active), so crossing is incremental: only the semi-contexts holding a fact that left or joined the input are
/// touched, and the complete ones are kept as a set. Semi-contexts created since the previous crossing (CAD OSE's
/// count for them is 0 until the next one) are first brought up to the previous input. All fact sets, inputs
/// included, are strictly increasing.
/// </remarks>
internal sealed class ContextSide
{
    private readonly Dictionary<long, int> _byHash = [];
    private readonly Dictionary<uint, List<int>> _byFact = [];
    private readonly IdSet _complete = new();
    private uint[] _input = new uint[16];
    private int _inputLength = -1; // −1: no input crossed since creation or a restore, so the next crossing is a full one
    private int _countAtCross;
    private uint[] _facts = new uint[64];
    private int _factCount;
    private int[] _start = new int[16];
    private int[] _length = new int[16];
    // Facts of each semi-context not in the latest crossed input (its length minus CAD OSE's count): crossing, which
    // touches hundreds of semi-contexts per step, then reads and writes one array instead of reading two.
    private int[] _missing = new int[16];
    private long[] _hash = new long[16];
    private ulong[] _valueMask = new ulong[16];

    public int Count { get; private set; }

    /// <summary>
    /// The semi-contexts whose facts were all in the latest crossed input (CAD OSE's <c>value[2] == len(facts)</c>),
    /// in no particular order: every use of it is order-independent (counters per context, a sort with a total
    /// order, a maximum and a bitwise or).
    /// </summary>
    public ReadOnlySpan<int> Complete => _complete.Members;

    public ReadOnlySpan<int> Lengths => _length.AsSpan(0, Count);

    /// <summary><see cref="Lengths"/> − <see cref="Crossed"/> of every semi-context, for tight loops.</summary>
    public ReadOnlySpan<int> MissingCounts => _missing.AsSpan(0, Count);

    public ReadOnlySpan<long> Hashes => _hash.AsSpan(0, Count);

    /// <summary>The facts of each semi-context as a bit mask over the value bits (right semi-contexts hold only value
    /// facts).</summary>
    public ReadOnlySpan<ulong> ValueMasks => _valueMask.AsSpan(0, Count);

    public ReadOnlySpan<uint> Facts(int id) => _facts.AsSpan(_start[id], _length[id]);

    public long Hash(int id) => _hash[id];

    /// <summary>How many facts of the latest input of its side it shares (CAD OSE's value [2]); 0 for a semi-context
    /// created after that input was crossed.</summary>
    public int Crossed(int id) => _length[id] - _missing[id];

    public bool FullyCrossed(int id) => _missing[id] == 0;


    /// <summary>The semi-context with these facts, created if new. Keyed by hash only, as CAD OSE does.</summary>
    public (int Id, bool Created) GetOrAdd(ReadOnlySpan<uint> facts, long hash)
    {
        if (_byHash.TryGetValue(hash, out var existing))
        {
            return (existing, false);
        }
        return (Add(facts, hash, crossed: 0), true);
    }

    /// <summary>Registers a semi-context (new, or restored from state in id order) and returns its id.</summary>
    public int Add(ReadOnlySpan<uint> facts, long hash, int crossed)
    {
        var id = Count;
        if (id == _start.Length)
        {
            var size = id * 2;
            Array.Resize(ref _start, size);
            Array.Resize(ref _length, size);
            Array.Resize(ref _missing, size);
            Array.Resize(ref _hash, size);
            Array.Resize(ref _valueMask, size);
        }
        if (_factCount + facts.Length > _facts.Length)
        {
            Array.Resize(ref _facts, Math.Max(_facts.Length * 2, _factCount + facts.Length));
        }
        facts.CopyTo(_facts.AsSpan(_factCount));
        (_start[id], _length[id], _missing[id], _hash[id], _valueMask[id]) = (_factCount, facts.Length, facts.Length - crossed, hash, ValueFacts.MaskOf(facts));
        _factCount += facts.Length;
        Count++;
        _byHash[hash] = id;
        foreach (var fact in facts)
        {
            if (!_byFact.TryGetValue(fact, out var list))
            {
                _byFact[fact] = list = new List<int>(4);
            }
            list.Add(id);
        }
        return id;
    }

    /// <summary>
    /// Counts, for every semi-context, the facts it shares with <paramref name="facts"/>, and keeps the complete ones
    /// (CAD OSE scans every semi-context and every fact; the counts are the same).
    /// </summary>
    public void Cross(ReadOnlySpan<uint> facts)
    {
        if (_inputLength < 0)
        {
            CrossAll(facts);
        }
        else
        {
            var previous = _input.AsSpan(0, _inputLength);
            for (var id = _countAtCross; id < Count; id++)
            {
                _missing[id] = _length[id] - SharedCount(Facts(id), previous);
                Update(id);
            }
            CrossChanges(previous, facts);
        }
        if (facts.Length > _input.Length)
        {
            _input = new uint[facts.Length];
        }
        facts.CopyTo(_input);
        (_inputLength, _countAtCross) = (facts.Length, Count);
    }

    /// <summary>After a restore: the counts are the stored ones, the complete set the semi-contexts with a non-zero
    /// count equal to their length; the input is unknown, so the next crossing counts from scratch.</summary>
    public void RestoreCrossed()
    {
        _complete.Clear();
        for (var id = 0; id < Count; id++)
        {
            Update(id);
        }
        (_inputLength, _countAtCross) = (-1, Count);
    }

    /// <summary>The facts of semi-context <paramref name="id"/> that are in <paramref name="input"/> (both sorted),
    /// written to <paramref name="shared"/>, sized <see cref="Crossed"/>; slots left over stay 0, as in the zeroed
    /// array the port used to allocate.</summary>
    public void Shared(int id, ReadOnlySpan<uint> input, Span<uint> shared)
    {
        int i = 0, j = 0, k = 0;
        var facts = Facts(id);
        while (i < facts.Length && j < input.Length && k < shared.Length)
        {
            if (facts[i] == input[j])
            {
                shared[k++] = facts[i];
                i++;
                j++;
            }
            else if (facts[i] < input[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        shared[k..].Clear();
    }

    private void CrossAll(ReadOnlySpan<uint> facts)
    {
        _length.AsSpan(0, Count).CopyTo(_missing);
        _complete.Clear();
        foreach (var fact in facts)
        {
            Touch(fact, +1);
        }
    }

    /// <summary>Applies the facts that left (−1) and joined (+1) the input; both lists are sorted.</summary>
    private void CrossChanges(ReadOnlySpan<uint> previous, ReadOnlySpan<uint> next)
    {
        int i = 0, j = 0;
        while (i < previous.Length || j < next.Length)
        {
            if (j == next.Length || (i < previous.Length && previous[i] < next[j]))
            {
                Touch(previous[i++], -1);
            }
            else if (i == previous.Length || next[j] < previous[i])
            {
                Touch(next[j++], +1);
            }
            else
            {
                i++;
                j++;
            }
        }
    }

    private void Touch(uint fact, int delta)
    {
        if (!_byFact.TryGetValue(fact, out var list))
        {
            return;
        }
        var missing = _missing;
        foreach (var id in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list))
        {
            var wasMissing = missing[id];
            missing[id] = wasMissing - delta;
            if (wasMissing == 0)
            {
                _complete.Remove(id);
            }
            else if (wasMissing == delta)
            {
                _complete.Add(id);
            }
        }
    }

    /// <summary>Puts a semi-context in or out of the complete set by its count (an empty one is never crossed).</summary>
    private void Update(int id)
    {
        if (_missing[id] == 0 && _length[id] > 0)
        {
            _complete.Add(id);
        }
        else
        {
            _complete.Remove(id);
        }
    }

    private static int SharedCount(ReadOnlySpan<uint> facts, ReadOnlySpan<uint> input)
    {
        int i = 0, j = 0, shared = 0;
        while (i < facts.Length && j < input.Length)
        {
            if (facts[i] == input[j])
            {
                shared++;
                i++;
                j++;
            }
            else if (facts[i] < input[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        return shared;
    }
}
