namespace Vigil.Analytics.Metrics.Cad;

/// <summary>
/// A CAD context: "after these facts, those facts followed", with its prediction record. Stored by value in one array
/// (the context id is the index), so the per-step scan over thousands of contexts touches no objects; 16 bytes, so
/// the scan reads half the memory it would with the left side's hash in it (the left semi-context, which every scan
/// comes from, has it).
/// </summary>
internal struct Context(int right, bool zeroLevel)
{
    private int _rightAndZeroLevel = right | (zeroLevel ? int.MinValue : 0);

    /// <summary>Right facts expected each time the left side matched completely (CAD OSE's value [0]).</summary>
    public int Expected { get; set; }

    /// <summary>Right facts that did arrive (value [1]); <c>Hits / Expected</c> is the prediction weight (see <c>Prediction</c>).</summary>
    public int Hits { get; set; }

    /// <summary>Times the whole context was seen (value [2]); the most active contexts become "neurons".</summary>
    public int Activations { get; set; }

    /// <summary>Id of the right semi-context.</summary>
    public readonly int Right => _rightAndZeroLevel & int.MaxValue;

    /// <summary>Seen directly as (previous facts, current value) rather than built by intersecting two contexts.</summary>
    public bool ZeroLevel
    {
        readonly get => _rightAndZeroLevel < 0;
        set => _rightAndZeroLevel = Right | (value ? int.MinValue : 0);
    }
}
