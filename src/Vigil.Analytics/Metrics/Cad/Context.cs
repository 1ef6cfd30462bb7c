namespace Vigil.Analytics.Metrics.Cad;

/// <summary>
/// A CAD context: "after these facts, those facts followed", with its prediction record. Stored by value in one array
/// (the context id is the index), so the per-step scan over thousands of contexts touches no objects.
/// </summary>
internal struct Context(int right, bool zeroLevel, long leftHash)
{
    /// <summary>Right facts expected each time the left side matched completely (CAD OSE's value [0]).</summary>
    public int Expected { get; set; }

    /// <summary>Right facts that did arrive (value [1]); <c>Hits / Expected</c> is the prediction weight (see <c>Prediction</c>).</summary>
    public int Hits { get; set; }

    /// <summary>Times the whole context was seen (value [2]); the most active contexts become "neurons".</summary>
    public int Activations { get; set; }

    /// <summary>Id of the right semi-context.</summary>
    public int Right { get; } = right;

    /// <summary>Seen directly as (previous facts, current value) rather than built by intersecting two contexts.</summary>
    public bool ZeroLevel { get; set; } = zeroLevel;

    public long LeftHash { get; } = leftHash;
}
