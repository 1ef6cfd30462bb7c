namespace Vigil.Analytics.Metrics.Cad;

/// <summary>
/// The semi-contexts of one side (left or right): sorted sets of facts, identified by their creation index. A
/// semi-context is a row of parallel arrays (facts in one shared pool) rather than an object, and the fact index holds
/// id lists, so crossing — run twice per sample over thousands of semi-contexts — is a loop over int arrays.
/// </summary>
internal sealed class ContextSide
{
    private readonly Dictionary<long, int> _byHash = [];
    private readonly Dictionary<long, IdList> _byFact = [];
    private readonly IdList _complete = new();
    private long[] _facts = new long[64];
    private int _factCount;
    private int[] _start = new int[16];
    private int[] _length = new int[16];
    private int[] _crossed = new int[16];
    private long[] _hash = new long[16];
    private ulong[] _valueMask = new ulong[16];

    public int Count { get; private set; }

    /// <summary>
    /// The semi-contexts whose facts were all in the latest crossed input (CAD OSE's <c>value[2] == len(facts)</c>),
    /// in no particular order: every use of it is order-independent (counters per context, a sort with a total
    /// order, a maximum and a bitwise or).
    /// </summary>
    public ReadOnlySpan<int> Complete => _complete.Span;

    public ReadOnlySpan<long> Facts(int id) => _facts.AsSpan(_start[id], _length[id]);

    public long Hash(int id) => _hash[id];

    /// <summary>How many facts of the latest input of its side it shares (CAD OSE's value [2]); 0 for a semi-context
    /// created after that input was crossed.</summary>
    public int Crossed(int id) => _crossed[id];

    public bool FullyCrossed(int id) => _crossed[id] == _length[id];

    /// <summary>The facts as a bit mask over the value bits (right semi-contexts hold only value facts).</summary>
    public ulong ValueMask(int id) => _valueMask[id];

    /// <summary>The semi-context with these facts, created if new. Keyed by hash only, as CAD OSE does.</summary>
    public (int Id, bool Created) GetOrAdd(ReadOnlySpan<long> facts, long hash)
    {
        if (_byHash.TryGetValue(hash, out var existing))
        {
            return (existing, false);
        }
        return (Add(facts, hash, crossed: 0), true);
    }

    /// <summary>Registers a semi-context (new, or restored from state in id order) and returns its id.</summary>
    public int Add(ReadOnlySpan<long> facts, long hash, int crossed)
    {
        var id = Count;
        if (id == _start.Length)
        {
            var size = id * 2;
            Array.Resize(ref _start, size);
            Array.Resize(ref _length, size);
            Array.Resize(ref _crossed, size);
            Array.Resize(ref _hash, size);
            Array.Resize(ref _valueMask, size);
        }
        if (_factCount + facts.Length > _facts.Length)
        {
            Array.Resize(ref _facts, Math.Max(_facts.Length * 2, _factCount + facts.Length));
        }
        facts.CopyTo(_facts.AsSpan(_factCount));
        (_start[id], _length[id], _crossed[id], _hash[id], _valueMask[id]) = (_factCount, facts.Length, crossed, hash, ValueFacts.MaskOf(facts));
        _factCount += facts.Length;
        Count++;
        _byHash[hash] = id;
        foreach (var fact in facts)
        {
            if (!_byFact.TryGetValue(fact, out var list))
            {
                _byFact[fact] = list = new IdList();
            }
            list.Add(id);
        }
        return id;
    }

    /// <summary>
    /// Counts, for every semi-context, the facts it shares with <paramref name="facts"/>, and collects the complete
    /// ones. Only semi-contexts touching a fact are visited (CAD OSE scans them all); the count of each is the same.
    /// </summary>
    public void Cross(ReadOnlySpan<long> facts)
    {
        var crossed = _crossed.AsSpan(0, Count);
        var length = _length;
        crossed.Clear();
        _complete.Clear();
        foreach (var fact in facts)
        {
            if (_byFact.TryGetValue(fact, out var list))
            {
                foreach (var id in list.Span)
                {
                    if (++crossed[id] == length[id])
                    {
                        _complete.Add(id);
                    }
                }
            }
        }
        if (HasDuplicates(facts))
        {
            KeepComplete(); // a repeated input fact counts twice, as in CAD OSE, and can overshoot a length
        }
    }

    /// <summary>After a restore: the complete list is the semi-contexts with a non-zero count equal to their length.</summary>
    public void RestoreCrossed()
    {
        _complete.Clear();
        for (var id = 0; id < Count; id++)
        {
            if (_crossed[id] > 0 && _crossed[id] == _length[id])
            {
                _complete.Add(id);
            }
        }
    }

    /// <summary>Writes the facts of semi-context <paramref name="id"/> that are in <paramref name="input"/> (both
    /// sorted) to <paramref name="shared"/>, sized <see cref="Crossed"/>; slots left over stay 0, as in the zeroed
    /// array the port used to allocate.</summary>
    public void Shared(int id, ReadOnlySpan<long> input, Span<long> shared)
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

    /// <summary>Inputs are sorted (value facts by bit position, then neuron facts by context id).</summary>
    private static bool HasDuplicates(ReadOnlySpan<long> facts)
    {
        for (var i = 1; i < facts.Length; i++)
        {
            if (facts[i] == facts[i - 1])
            {
                return true;
            }
        }
        return false;
    }

    private void KeepComplete()
    {
        var ids = _complete.Span;
        var kept = 0;
        foreach (var id in ids)
        {
            if (FullyCrossed(id))
            {
                ids[kept++] = id;
            }
        }
        _complete.Truncate(kept);
    }
}
