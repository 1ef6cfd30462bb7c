namespace Vigil.Analytics.Metrics.Art;

/// <summary>
/// ARTime for a live stream. NAB hands ARTime the whole file's min/max and length before the first row; a live series
/// has neither, so the first <c>ArtSamples</c> values are its probation and give its range, widened by
/// <c>ArtRangeMargin</c> × span on each side (values outside are clamped to the extreme levels, which ARTime reads as
/// novel). ARTime's clusters are its memory, so a value outside the range does not rebuild it (rebuilding at every
/// such value, as CAD does, cost ARTime alone 8–17 NAB points); only a lasting departure does: when more than half of
/// the last <c>ArtSamples</c> values lie outside the range, it is rebuilt on them.
/// </summary>
internal sealed class OnlineArtDetector(DetectorSettings settings)
{
    private RecentValues _recent = new(settings.ArtSamples);
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
        var (low, high) = _recent.Range(settings.ArtRangeMargin);
        _art = new ArtimeDetector(low, high, _recent.Capacity, settings.ArtMaxCategories);
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

    internal static OnlineArtDetector Read(ref StateReader reader, DetectorSettings settings)
    {
        var detector = new OnlineArtDetector(settings);
        detector._recent = RecentValues.Read(ref reader, detector._recent.Capacity);
        if (reader.ReadBoolean())
        {
            var range = reader.ReadRange("ART");
            detector._art = ArtimeDetector.Read(ref reader, settings.ArtMaxCategories);
            if (detector._art.Range != range)
            {
                throw new FormatException("detector state: the ART range and ARTime's differ");
            }
            for (var i = 0; i < detector._recent.Count; i++)
            {
                detector._outside += detector.IsOutside(detector._recent[i]) ? 1 : 0;
            }
        }
        return detector;
    }
}
