namespace Vigil.Analytics.Metrics.Art;

/// <summary>
/// ARTime for a live stream. NAB hands ARTime the whole file's min/max and length before the first row; a live series
/// has neither, so the first <paramref name="samples"/> values are its probation and give its range, widened by
/// <paramref name="margin"/> × span on each side (values outside are clamped to the extreme levels, which ARTime reads
/// as novel). ARTime's clusters are its memory, so a value outside the range does not rebuild it (rebuilding at every
/// such value, as CAD does, cost ARTime alone 8–17 NAB points); only a lasting departure does: when more than half of
/// the last <paramref name="samples"/> values lie outside the range, it is rebuilt on them. The probation also sets
/// ARTime's time scale, so the detectors run one per scale (<see cref="DetectorSettings.ArtSamples"/>,
/// <see cref="DetectorSettings.ArtLongSamples"/>).
/// </summary>
internal sealed class OnlineArtDetector(int samples, double margin, int maxCategories)
{
    private RecentValues _recent = new(samples);
    private int _outside; // how many remembered values lie outside the range
    private ArtimeDetector? _art;

    /// <summary>The range ARTime's levels cut ((0, 0) until it is built).</summary>
    public (double Low, double High) Range => _art?.Range ?? default;

    public double Score(double value)
    {
        var score = _art?.Score(value) ?? 0.0;
        if (_recent.Add(value, out var overwritten) && IsOutside(overwritten))
        {
            _outside--;
        }
        _outside += IsOutside(value) ? 1 : 0;
        if (_art is null ? _recent.IsFull : _outside * 2 > _recent.Capacity)
        {
            Build();
        }
        return score;
    }

    private bool IsOutside(double value) => _art is { Range: var (low, high) } && (value < low || value > high);

    /// <summary>A new ARTime on the remembered values' range; they are its probation.</summary>
    private void Build()
    {
        var (low, high) = _recent.Range(margin);
        _art = new ArtimeDetector(low, high, _recent.Capacity, maxCategories);
        for (var i = 0; i < _recent.Count; i++)
        {
            _art.Score(_recent[i]);
        }
        _outside = 0;
    }

    internal void Write(ref StateWriter writer)
    {
        _recent.Write(ref writer);
        writer.Write(_art is not null);
        if (_art is not null)
        {
            // The range again, ahead of ARTime's own copy of it: the state format predates ARTime's keeping it alone.
            writer.Write(_art.Range.Low);
            writer.Write(_art.Range.High);
            _art.Write(ref writer);
        }
    }

    /// <summary>ARTime at the short time scale (<see cref="DetectorSettings.ArtSamples"/>), or null when it is off.</summary>
    public static OnlineArtDetector? Short(DetectorSettings settings) =>
        settings.ArtSamples > 0 ? new(settings.ArtSamples, settings.ArtRangeMargin, settings.ArtMaxCategories) : null;

    /// <summary>ARTime at the long time scale (<see cref="DetectorSettings.ArtLongSamples"/>), or null when it is off.</summary>
    public static OnlineArtDetector? Long(DetectorSettings settings) =>
        settings is { ArtSamples: > 0, ArtLongSamples: > 0 } ? new(settings.ArtLongSamples, settings.ArtRangeMargin, settings.ArtMaxCategories) : null;

    /// <summary>Restores what <see cref="Write"/> wrote into this fresh detector (of the same scale) and returns it.</summary>
    internal OnlineArtDetector Read(ref StateReader reader)
    {
        _recent = RecentValues.Read(ref reader, _recent.Capacity);
        if (reader.ReadBoolean())
        {
            var range = reader.ReadRange("ART");
            _art = ArtimeDetector.Read(ref reader, maxCategories);
            if (_art.Range != range)
            {
                throw new FormatException("detector state: the ART range and ARTime's differ");
            }
            for (var i = 0; i < _recent.Count; i++)
            {
                _outside += IsOutside(_recent[i]) ? 1 : 0;
            }
        }
        return this;
    }
}
