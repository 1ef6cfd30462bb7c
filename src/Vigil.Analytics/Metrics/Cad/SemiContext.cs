namespace Vigil.Analytics.Metrics.Cad;

/// <summary>
/// One half of a CAD context: a sorted set of facts. Left semi-contexts (what came before) map each right semi-context
/// they were seen with to the context joining them.
/// </summary>
internal sealed class SemiContext(int id, long[] facts, long hash, bool left)
{
    /// <summary>Creation index on its side; crossings are visited in this order, as CAD OSE's lists are.</summary>
    public int Id { get; } = id;

    public long[] Facts { get; } = facts;

    public long Hash { get; } = hash;

    /// <summary>How many facts of the latest input of its side it shares (CAD OSE's value [2]).</summary>
    public int Crossed { get; set; }

    /// <summary>Left only: right semi-context id → context id, in insertion order.</summary>
    public Dictionary<int, int>? Contexts { get; } = left ? [] : null;

    /// <summary>The facts as a bit mask over the value bits (right semi-contexts hold only value facts).</summary>
    public ulong ValueMask { get; } = ValueFacts.MaskOf(facts);

    public bool FullyCrossed => Crossed == Facts.Length;
}
