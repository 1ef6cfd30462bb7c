namespace Vigil.Analytics.Metrics.Cad;

/// <summary>
/// CAD OSE for a live stream. NAB hands CAD the whole file's min/max before the first row; a live series has no such
/// thing, so the range is learned: CAD starts after <c>ContextualStartSamples</c> values (the statistical parts'
/// warm-up) on their range, widened by <c>ContextualRangeMargin</c> × span on each side, and is rebuilt once more when
/// <c>ContextualRangeSamples</c> values are in. When a value leaves the range, or the context memory reaches
/// <c>ContextualMaxContexts</c>, CAD is rebuilt on the range of the recent values plus the new one and replays the
/// recent values (learning only) before scoring it, so a re-range costs no warm-up and memory stays bounded.
/// </summary>
internal sealed class OnlineContextDetector(DetectorSettings settings)
{
    private readonly double[] _recent = new double[Math.Max(2, settings.ContextualRangeSamples)];
    private int _count;
    private int _next;
    private double _low;
    private double _high;
    private ContextualAnomalyDetector? _cad;

    public int ContextCount => _cad?.ContextCount ?? 0;

    public bool Ready => _cad is not null;

    /// <summary>The range CAD's buckets cut (meaningful once <see cref="Ready"/>).</summary>
    public (double Low, double High) Range => (_low, _high);

    public double Score(double value)
    {
        if (_cad is null && _count + 1 < Math.Min(settings.ContextualStartSamples, _recent.Length))
        {
            Remember(value);
            return 0.0;
        }
        // The range of the first values is provisional: refitted once, when the buffer of recent values first fills.
        var rangeSamplesComplete = _count + 1 == _recent.Length;
        var outOfRange = _cad is not null && (value < _low || value > _high);
        if (_cad is null || rangeSamplesComplete || outOfRange || _cad.ContextCount >= settings.ContextualMaxContexts)
        {
            Rebuild(value);
            if (outOfRange && settings.ContextualRebuildScoresItsCause)
            {
                // The replay re-learns old values from nothing, so it scores high now and then, and each high score
                // starts CAD's rest period: the value that left the range — the likeliest anomaly of all — was often
                // scored 0. Those scores are not events (the ensemble's suppression keeps one incident from alerting
                // twice), so CAD rebuilt for an out-of-range value scores it. NAB, one setting for all files
                // (standard): folder 59.3 → 61.1, six categories 57.1 → 57.8.
                _cad!.EndRestPeriod();
            }
        }
        var score = _cad!.Score(value);
        Remember(value);
        return score;
    }

    private void Rebuild(double value)
    {
        double min = value, max = value;
        for (var i = 0; i < _count; i++)
        {
            min = Math.Min(min, _recent[i]);
            max = Math.Max(max, _recent[i]);
        }
        var span = max - min;
        if (span == 0.0)
        {
            span = Math.Max(Math.Abs(max) * 0.01, 1e-9); // a flat start: any later change is out of range anyway
        }
        _low = min - (settings.ContextualRangeMargin * span);
        _high = max + (settings.ContextualRangeMargin * span);
        // A series that makes many contexts per sample (noise) could fill the memory during the replay itself and
        // rebuild on every sample; replaying only the latest half, quarter, … until it fits keeps the cost amortised.
        for (var length = _count; ; length /= 2)
        {
            _cad = new ContextualAnomalyDetector(_low, _high, settings.ContextualRestPeriod, restAfterReportedHigh: settings.ContextualRestAfterReportedHigh);
            if (Replay(_cad, length) || length == 0)
            {
                return;
            }
        }
    }

    /// <summary>Replays the latest <paramref name="length"/> remembered values, oldest first; false when the
    /// memory reached half its limit on the way.</summary>
    private bool Replay(ContextualAnomalyDetector cad, int length)
    {
        var oldest = _count < _recent.Length ? 0 : _next;
        for (var i = _count - length; i < _count; i++)
        {
            cad.Score(_recent[(oldest + i) % _recent.Length]);
            if (cad.ContextCount >= settings.ContextualMaxContexts / 2)
            {
                return false;
            }
        }
        return true;
    }

    private void Remember(double value)
    {
        _recent[_next] = value;
        _next = (_next + 1) % _recent.Length;
        _count = Math.Min(_count + 1, _recent.Length);
    }

    internal void Write(ref StateWriter writer)
    {
        writer.Write(_count);
        writer.Write(_next);
        writer.Write(_recent.AsSpan(0, _count));
        writer.Write(_cad is not null);
        if (_cad is not null)
        {
            writer.Write(_low);
            writer.Write(_high);
            _cad.Write(ref writer);
        }
    }

    internal static OnlineContextDetector Read(ref StateReader reader, DetectorSettings settings)
    {
        var detector = new OnlineContextDetector(settings);
        detector._count = reader.ReadInt32();
        detector._next = reader.ReadInt32();
        var recent = reader.ReadDoubles(detector._recent.Length);
        if (recent.Length != detector._count || detector._next < 0 || detector._next >= detector._recent.Length)
        {
            throw new FormatException("detector state: bad contextual buffer");
        }
        recent.CopyTo(detector._recent, 0);
        if (reader.ReadBoolean())
        {
            detector._low = reader.ReadDouble();
            detector._high = reader.ReadDouble();
            detector._cad = new ContextualAnomalyDetector(detector._low, detector._high, settings.ContextualRestPeriod,
                restAfterReportedHigh: settings.ContextualRestAfterReportedHigh);
            detector._cad.Read(ref reader);
        }
        return detector;
    }
}
