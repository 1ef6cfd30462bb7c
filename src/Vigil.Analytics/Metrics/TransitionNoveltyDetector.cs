using System.Numerics;

namespace Vigil.Analytics.Metrics;

/// <summary>
/// The cheap pattern member of the balanced detector: a value whose move from the last value was never seen. Each value
/// is cut into one of <see cref="Levels"/> levels of a learned range — CAD's range rules: the warm-up's values widened
/// by <c>ContextualRangeMargin</c> of their span on each side, refitted once the buffer of recent values is full, and
/// rebuilt with a replay of the recent values when a value leaves it — and the detector remembers which of the 64
/// moves from one level to the next it has seen. A move never seen scores 1 (the ensemble gates it by the statistical
/// surprise, as CAD's score); a score starts a rest period (<c>ContextualRestPeriod</c>), restarted only by a score it
/// reported (CAD's rule 2, docs/metric-detection.md). It is CAD OSE's idea — "this fact was never followed by that
/// one" — cut down to the previous level, so a step costs a division and two bit operations instead of a walk over
/// CAD's contexts. Longer contexts (the last two and three levels, 0.8 and 0.6 when new) were tried and dropped: on
/// white noise they doubled the false alarms for no gain on NAB (docs/metric-detection.md, "Transition novelty").
/// </summary>
internal sealed class TransitionNoveltyDetector(DetectorSettings settings)
{
    public const int Levels = 8;

    private const int None = -1;

    private RecentValues _recent = new(Math.Max(2, settings.ContextualRangeSamples));
    private double _low;
    private double _high;
    private bool _ready;
    private ulong _seen; // bit (from · Levels + to): that move has been seen
    private int _last = None;
    private int _rest;

    public double Score(double value)
    {
        if (!_ready && _recent.Count + 1 < Math.Min(settings.ContextualStartSamples, _recent.Capacity))
        {
            _recent.Add(value, out _);
            return 0.0;
        }
        var rangeSamplesComplete = _recent.Count + 1 == _recent.Capacity;
        var outOfRange = _ready && (value < _low || value > _high);
        if (!_ready || rangeSamplesComplete || outOfRange)
        {
            Rebuild(value);
            if (outOfRange)
            {
                // As CAD's rule 1: the value that left the range is scored, whatever rest the replay's learning left.
                _rest = 0;
            }
        }
        var level = LevelOf(value);
        var isNew = _last != None && (_seen & MoveBit(_last, level)) == 0;
        Learn(level);
        _recent.Add(value, out _);
        if (_rest > 0)
        {
            _rest--;
            return 0.0;
        }
        if (!isNew)
        {
            return 0.0;
        }
        _rest = settings.ContextualRestPeriod;
        return 1.0;
    }

    /// <summary>Moves seen so far (of 64).</summary>
    public int MovesSeen => BitOperations.PopCount(_seen);

    private int LevelOf(double value) =>
        Math.Clamp((int)((value - _low) / (_high - _low) * Levels), 0, Levels - 1);

    private static ulong MoveBit(int from, int to) => 1UL << ((from * Levels) + to);

    private void Learn(int level)
    {
        if (_last != None)
        {
            _seen |= MoveBit(_last, level);
        }
        _last = level;
    }

    /// <summary>A new range from the recent values and <paramref name="value"/>; the recent values are replayed (learned,
    /// not scored), so a re-range needs no new warm-up.</summary>
    private void Rebuild(double value)
    {
        (_low, _high) = _recent.Range(settings.ContextualRangeMargin, including: value);
        _seen = 0;
        _last = None;
        for (var i = 0; i < _recent.Count; i++)
        {
            Learn(LevelOf(_recent[i]));
        }
        _ready = true;
    }

    internal void Write(ref StateWriter writer)
    {
        _recent.Write(ref writer);
        writer.Write(_ready);
        writer.Write(_low);
        writer.Write(_high);
        writer.Write((long)_seen);
        writer.Write(_last);
        writer.Write(_rest);
    }

    internal static TransitionNoveltyDetector Read(ref StateReader reader, DetectorSettings settings)
    {
        var detector = new TransitionNoveltyDetector(settings);
        detector._recent = RecentValues.Read(ref reader, detector._recent.Capacity);
        detector._ready = reader.ReadBoolean();
        (detector._low, detector._high) = reader.ReadRange("transition novelty");
        detector._seen = (ulong)reader.ReadInt64();
        var last = reader.ReadInt32();
        detector._last = last is >= None and < Levels ? last : throw new FormatException("detector state: bad transition level");
        detector._rest = reader.ReadCount(int.MaxValue);
        return detector;
    }
}
