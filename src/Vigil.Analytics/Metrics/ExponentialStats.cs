namespace Vigil.Analytics.Metrics;

/// <summary>
/// Exponentially weighted mean and variance (West's incremental form) with a fixed smoothing factor: O(1) time,
/// two doubles of state. The first sample seeds the mean so a series does not start from zero.
/// </summary>
public struct ExponentialStats(double alpha)
{
    public double Alpha { get; private set; } = alpha;

    public double Mean { get; private set; }

    public double Variance { get; private set; }

    public bool Seeded { get; private set; }

    public readonly double StdDev => Math.Sqrt(Variance);

    public void Add(double value)
    {
        if (!Seeded)
        {
            Mean = value;
            Variance = 0;
            Seeded = true;
            return;
        }
        var delta = value - Mean;
        Mean += Alpha * delta;
        Variance = (1 - Alpha) * (Variance + (Alpha * delta * delta));
    }

    internal readonly void Write(ref StateWriter writer)
    {
        writer.Write(Mean);
        writer.Write(Variance);
        writer.Write(Seeded);
    }

    internal void Read(ref StateReader reader)
    {
        Mean = reader.ReadDouble();
        Variance = reader.ReadDouble();
        Seeded = reader.ReadBoolean();
    }
}
