using System.Runtime.CompilerServices;

namespace Vigil.Analytics.Metrics.Cad;

/// <summary>A context that matched completely this step, with its sort key.</summary>
internal readonly record struct ActiveContext(int Id, int Activations, long LeftHash, long RightHash) : IComparable<ActiveContext>
{
    /// <summary>A total order: a context is the only one with its (left semi-context, right semi-context) pair, and
    /// semi-contexts are keyed by hash, so no two contexts tie.</summary>
    public int CompareTo(ActiveContext other)
    {
        var byActivations = Activations.CompareTo(other.Activations);
        if (byActivations != 0)
        {
            return byActivations;
        }
        var byLeft = LeftHash.CompareTo(other.LeftHash);
        return byLeft != 0 ? byLeft : RightHash.CompareTo(other.RightHash);
    }
}

/// <summary>
/// The fully matched contexts of a step: how many, and the <c>capacity</c> greatest. CAD OSE sorts them all and keeps
/// the top ones as neurons; with a total order the top ones are the same, and keeping only them costs O(n) a step
/// instead of a sort of hundreds of contexts.
/// </summary>
internal sealed class ActiveContexts(int capacity)
{
    private readonly ActiveContext[] _top = new ActiveContext[capacity];
    private int _kept;

    public int Count { get; private set; }

    /// <summary>The greatest contexts, greatest first.</summary>
    public ReadOnlySpan<ActiveContext> Top => _top.AsSpan(0, _kept);

    public void Clear() => (_kept, Count) = (0, 0);

    /// <summary>Counts a fully matched context and keeps it if it is among the greatest so far.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int id, int activations, long leftHash, long rightHash)
    {
        Count++;
        // Most contexts are less active than the least kept one: rejected on the first key without a full compare.
        if (_kept == _top.Length && (_kept == 0 || activations < _top[_kept - 1].Activations))
        {
            return;
        }
        Insert(new(id, activations, leftHash, rightHash));
    }

    private void Insert(ActiveContext context)
    {
        if (_kept == _top.Length)
        {
            if (context.CompareTo(_top[_kept - 1]) <= 0)
            {
                return;
            }
            _kept--;
        }
        var i = _kept;
        for (; i > 0 && context.CompareTo(_top[i - 1]) > 0; i--)
        {
            _top[i] = _top[i - 1];
        }
        _top[i] = context;
        _kept++;
    }
}
