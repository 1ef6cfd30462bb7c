namespace Vigil.Analytics.Metrics.Cad;

/// <summary>The semi-contexts of one side (left or right), indexed by hash and by fact.</summary>
internal sealed class ContextSide(bool left)
{
    private static readonly Comparison<SemiContext> ById = static (a, b) => a.Id.CompareTo(b.Id);

    private readonly Dictionary<long, SemiContext> _byHash = [];
    private readonly Dictionary<long, List<SemiContext>> _byFact = [];
    private readonly List<SemiContext> _all = [];

    /// <summary>The semi-contexts sharing at least one fact with the latest input, in creation order.</summary>
    public List<SemiContext> Crossed { get; } = [];

    public int Count => _all.Count;

    public SemiContext this[int id] => _all[id];

    public IReadOnlyList<SemiContext> All => _all;

    /// <summary>The semi-context with these facts, created if new. Keyed by hash only, as CAD OSE does.</summary>
    public SemiContext GetOrAdd(ReadOnlySpan<long> facts, long hash)
    {
        if (_byHash.TryGetValue(hash, out var existing))
        {
            return existing;
        }
        var semi = new SemiContext(_all.Count, facts.ToArray(), hash, left);
        Add(semi);
        return semi;
    }

    /// <summary>Registers a semi-context (new, or restored from state in id order).</summary>
    public void Add(SemiContext semi)
    {
        _all.Add(semi);
        _byHash[semi.Hash] = semi;
        foreach (var fact in semi.Facts)
        {
            if (!_byFact.TryGetValue(fact, out var list))
            {
                _byFact[fact] = list = [];
            }
            list.Add(semi);
        }
    }

    /// <summary>
    /// Counts, for every semi-context, the facts it shares with <paramref name="facts"/>. Only semi-contexts touching
    /// a fact are visited (CAD OSE scans them all), then put in creation order so the result is the same.
    /// </summary>
    public void Cross(ReadOnlySpan<long> facts)
    {
        foreach (var semi in Crossed)
        {
            semi.Crossed = 0;
        }
        Crossed.Clear();
        foreach (var fact in facts)
        {
            if (_byFact.TryGetValue(fact, out var list))
            {
                foreach (var semi in list)
                {
                    if (semi.Crossed++ == 0)
                    {
                        Crossed.Add(semi);
                    }
                }
            }
        }
        Crossed.Sort(ById);
    }

    /// <summary>After a restore: the crossed list is exactly the semi-contexts with a non-zero count, in id order.</summary>
    public void RestoreCrossed()
    {
        Crossed.Clear();
        foreach (var semi in _all)
        {
            if (semi.Crossed > 0)
            {
                Crossed.Add(semi);
            }
        }
    }

    /// <summary>The facts of <paramref name="semi"/> that are in <paramref name="input"/> (both sorted).</summary>
    public static long[] Shared(SemiContext semi, ReadOnlySpan<long> input)
    {
        var shared = new long[semi.Crossed];
        int i = 0, j = 0, k = 0;
        var facts = semi.Facts;
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
        return shared;
    }
}
