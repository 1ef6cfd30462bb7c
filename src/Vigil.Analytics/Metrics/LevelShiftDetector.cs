namespace Vigil.Analytics.Metrics;

/// <summary>
/// A level shift: the short-run mean has left the long-run mean by several long-run standard deviations. Catches
/// steps and ramps that the spike detector absorbs after a few samples.
/// </summary>
internal struct LevelShiftDetector(DetectorSettings settings)
{
    private ExponentialStats _short = new(settings.ShortAlpha);
    private ExponentialStats _long = new(settings.LongAlpha);

    public readonly double LongMean => _long.Mean;

    public readonly double LongStdDev => _long.StdDev;

    public readonly double Strength(double floor) => Math.Abs(_short.Mean - _long.Mean) / Math.Max(_long.StdDev, floor);

    public void Learn(double value)
    {
        _short.Add(value);
        _long.Add(value);
    }

    internal readonly void Write(ref StateWriter writer)
    {
        _short.Write(ref writer);
        _long.Write(ref writer);
    }

    internal void Read(ref StateReader reader)
    {
        _short.Read(ref reader);
        _long.Read(ref reader);
    }
}
