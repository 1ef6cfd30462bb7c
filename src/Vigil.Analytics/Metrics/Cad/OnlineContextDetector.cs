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
    private RecentValues _recent = new(Math.Max(2, settings.ContextualRangeSamples));
    private double _low;
    private double _high;
    private ContextualAnomalyDetector? _cad;

    public int ContextCount => _cad?.ContextCount ?? 0;

    public bool Ready => _cad is not null;

    /// <summary>The range CAD's buckets cut (meaningful once <see cref="Ready"/>).</summary>
    public (double Low, double High) Range => (_low, _high);

    public double Score(double value)
    {
        if (_cad is null && _recent.Count + 1 < Math.Min(settings.ContextualStartSamples, _recent.Capacity))
        {
            _recent.Add(value, out _);
            return 0.0;
        }
        // The range of the first values is provisional: refitted once, when the buffer of recent values first fills.
        var rangeSamplesComplete = _recent.Count + 1 == _recent.Capacity;
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
        _recent.Add(value, out _);
        return score;
    }

    private void Rebuild(double value)
    {
        (_low, _high) = _recent.Range(settings.ContextualRangeMargin, including: value);
        // A series that makes many contexts per sample (noise) could fill the memory during the replay itself and
        // rebuild on every sample; replaying only the latest half, quarter, … until it fits keeps the cost amortised.
        for (var length = _recent.Count; ; length /= 2)
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
        for (var i = _recent.Count - length; i < _recent.Count; i++)
        {
            cad.Score(_recent[i]);
            if (cad.ContextCount >= settings.ContextualMaxContexts / 2)
            {
                return false;
            }
        }
        return true;
    }

    internal void Write(ref StateWriter writer)
    {
        _recent.Write(ref writer);
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
        detector._recent = RecentValues.Read(ref reader, detector._recent.Capacity);
        if (reader.ReadBoolean())
        {
            (detector._low, detector._high) = reader.ReadRange("CAD");
            detector._cad = new ContextualAnomalyDetector(detector._low, detector._high, settings.ContextualRestPeriod,
                restAfterReportedHigh: settings.ContextualRestAfterReportedHigh);
            detector._cad.Read(ref reader);
        }
        return detector;
    }
}
