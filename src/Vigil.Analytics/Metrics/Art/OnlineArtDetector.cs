namespace Vigil.Analytics.Metrics.Art;

/// <summary>
/// ARTime for a live stream. NAB hands ARTime the whole file's min/max and length before the first row; a live series
/// has neither, so the first <c>ArtSamples</c> values are its probation and give its range, widened by
/// <c>ArtRangeMargin</c> × span on each side (values outside are clamped to the extreme levels, which ARTime reads as
/// novel). ARTime's clusters are its memory, so a value outside the range does not rebuild it (rebuilding at every
/// such value, as CAD does, cost NAB 2–13 points); only a lasting departure does: when more than half of the last
/// <c>ArtSamples</c> values lie outside the range, it is rebuilt on them.
/// </summary>
internal sealed class OnlineArtDetector(DetectorSettings settings)
{
    private readonly double[] _recent = new double[settings.ArtSamples];
    private int _count;
    private int _next;
    private int _outside; // how many remembered values lie outside the range
    private double _low;
    private double _high;
    private ArtimeDetector? _art;

    public int Categories => _art?.Categories ?? 0;

    /// <summary>The range ARTime's levels cut (meaningful once it is built).</summary>
    public (double Low, double High) Range => (_low, _high);

    public double Score(double value)
    {
        var score = _art?.Score(value) ?? 0.0;
        Remember(value);
        if (_art is null ? _count == _recent.Length : _outside * 2 > _recent.Length)
        {
            Build();
        }
        return score;
    }

    private void Remember(double value)
    {
        if (_count == _recent.Length && IsOutside(_recent[_next]))
        {
            _outside--;
        }
        _recent[_next] = value;
        _next = (_next + 1) % _recent.Length;
        _count = Math.Min(_count + 1, _recent.Length);
        if (IsOutside(value))
        {
            _outside++;
        }
    }

    private bool IsOutside(double value) => _art is not null && (value < _low || value > _high);

    /// <summary>A new ARTime on the remembered values' range; they are its probation.</summary>
    private void Build()
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in _recent)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        var span = max - min;
        if (span == 0.0)
        {
            span = Math.Max(Math.Abs(max) * 0.01, 1e-9);
        }
        (_low, _high) = (min - (settings.ArtRangeMargin * span), max + (settings.ArtRangeMargin * span));
        _art = new ArtimeDetector(_low, _high, _recent.Length, settings.ArtMaxCategories);
        for (var i = 0; i < _recent.Length; i++)
        {
            _art.Score(_recent[(_next + i) % _recent.Length]);
        }
        _outside = 0;
    }

    internal void Write(ref StateWriter writer)
    {
        writer.Write(_count);
        writer.Write(_next);
        writer.Write(_recent.AsSpan(0, _count));
        writer.Write(_art is not null);
        if (_art is not null)
        {
            writer.Write(_low);
            writer.Write(_high);
            _art.Write(ref writer);
        }
    }

    internal static OnlineArtDetector Read(ref StateReader reader, DetectorSettings settings)
    {
        var detector = new OnlineArtDetector(settings)
        {
            _count = reader.ReadInt32(),
            _next = reader.ReadInt32(),
        };
        var recent = reader.ReadDoubles(detector._recent.Length);
        if (recent.Length != detector._count || detector._next < 0 || detector._next >= detector._recent.Length
            || (detector._count < detector._recent.Length && detector._next != detector._count))
        {
            throw new FormatException("detector state: bad ART buffer");
        }
        recent.CopyTo(detector._recent, 0);
        if (reader.ReadBoolean())
        {
            (detector._low, detector._high) = (reader.ReadDouble(), reader.ReadDouble());
            if (!double.IsFinite(detector._low) || !double.IsFinite(detector._high))
            {
                throw new FormatException("detector state: bad ART range");
            }
            detector._art = ArtimeDetector.Read(ref reader, settings.ArtMaxCategories);
            foreach (var v in recent)
            {
                detector._outside += detector.IsOutside(v) ? 1 : 0;
            }
        }
        return detector;
    }
}
