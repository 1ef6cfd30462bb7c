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
    private readonly LearnedRange _range = new(settings);
    private ContextualAnomalyDetector? _cad;

    public int ContextCount => _cad?.ContextCount ?? 0;

    public bool Ready => _cad is not null;

    /// <summary>The range CAD's buckets cut (meaningful once <see cref="Ready"/>).</summary>
    public (double Low, double High) Range => (_range.Low, _range.High);

    public double Score(double value)
    {
        var step = _range.Next(value);
        if (step == RangeStep.WarmingUp)
        {
            return 0.0;
        }
        if (step != RangeStep.InRange || _cad!.ContextCount >= settings.ContextualMaxContexts)
        {
            Rebuild(value);
            if (step == RangeStep.OutOfRange && settings.ContextualRebuildScoresItsCause)
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
        _range.Remember(value);
        return score;
    }

    /// <summary>Fits the range to the recent values and <paramref name="value"/> (also after a full context memory) and
    /// replays the recent values into a fresh CAD.</summary>
    private void Rebuild(double value)
    {
        _range.Fit(value);
        // A series that makes many contexts per sample (noise) could fill the memory during the replay itself and
        // rebuild on every sample; replaying only the latest half, quarter, … until it fits keeps the cost amortised.
        for (var length = _range.Recent.Count; ; length /= 2)
        {
            _cad = new ContextualAnomalyDetector(_range.Low, _range.High, settings.ContextualRestPeriod, restAfterReportedHigh: settings.ContextualRestAfterReportedHigh);
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
        var recent = _range.Recent;
        for (var i = recent.Count - length; i < recent.Count; i++)
        {
            cad.Score(recent[i]);
            if (cad.ContextCount >= settings.ContextualMaxContexts / 2)
            {
                return false;
            }
        }
        return true;
    }

    internal void Write(ref StateWriter writer)
    {
        _range.WriteRecent(ref writer);
        writer.Write(_cad is not null);
        if (_cad is not null)
        {
            writer.Write(_range.Low);
            writer.Write(_range.High);
            _cad.Write(ref writer);
        }
    }

    internal static OnlineContextDetector Read(ref StateReader reader, DetectorSettings settings)
    {
        var detector = new OnlineContextDetector(settings);
        detector._range.ReadRecent(ref reader);
        if (reader.ReadBoolean())
        {
            var (low, high) = reader.ReadRange("CAD");
            detector._range.Restore(low, high);
            detector._cad = new ContextualAnomalyDetector(low, high, settings.ContextualRestPeriod,
                restAfterReportedHigh: settings.ContextualRestAfterReportedHigh);
            detector._cad.Read(ref reader);
        }
        return detector;
    }
}
