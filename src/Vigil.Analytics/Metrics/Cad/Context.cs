namespace Vigil.Analytics.Metrics.Cad;

/// <summary>A CAD context: "after these facts, those facts followed", with its prediction record.</summary>
internal sealed class Context(SemiContext right, bool zeroLevel, long leftHash)
{
    /// <summary>Right facts expected each time the left side matched completely (CAD OSE's value [0]).</summary>
    public int Expected { get; set; }

    /// <summary>Right facts that did arrive (value [1]); <c>Hits / Expected</c> is the prediction weight.</summary>
    public int Hits { get; set; }

    /// <summary>Times the whole context was seen (value [2]); the most active contexts become "neurons".</summary>
    public int Activations { get; set; }

    public SemiContext Right { get; } = right;

    /// <summary>Seen directly as (previous facts, current value) rather than built by intersecting two contexts.</summary>
    public bool ZeroLevel { get; set; } = zeroLevel;

    public long LeftHash { get; } = leftHash;

    public double PredictionWeight => Expected > 0 ? Hits / (double)Expected : 0.0;
}
