namespace Vigil.Analytics.Metrics;

/// <summary>
/// Turns the ensemble's surprise into a score in [0, 1] that means the same on every series: how far the smoothed
/// surprise exceeds the largest surprise this series has produced so far (a slowly decaying record), i.e.
/// <c>1 − record / surprise</c> when the record is broken, else 0. A series' usual noise, however heavy-tailed,
/// sets its own record and stops scoring; a new kind of behaviour breaks it once, and repeats of the same event
/// score lower, which keeps an incident from becoming an alert storm.
/// </summary>
internal struct NoveltyScorer
{
    private double _smoothed;
    private double _record;

    public readonly double Record => _record;

    public readonly double Score(double surprise, bool armed, DetectorSettings settings)
    {
        var smoothed = Smooth(surprise, settings);
        return armed && smoothed > _record ? 1.0 - (_record / smoothed) : 0.0;
    }

    public void Learn(double surprise, bool armed, DetectorSettings settings)
    {
        _smoothed = Smooth(surprise, settings);
        if (armed)
        {
            _record = Math.Max(_record * settings.RecordDecay, _smoothed);
        }
    }

    private readonly double Smooth(double surprise, DetectorSettings settings) =>
        _smoothed + (settings.SurpriseSmoothing * (surprise - _smoothed));

    internal readonly void Write(ref StateWriter writer)
    {
        writer.Write(_smoothed);
        writer.Write(_record);
    }

    internal void Read(ref StateReader reader)
    {
        _smoothed = reader.ReadDouble();
        _record = reader.ReadDouble();
    }
}
