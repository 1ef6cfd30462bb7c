using System.Numerics;

namespace Vigil.Analytics.Metrics;

/// <summary>
/// The cheap pattern member of the balanced detector: a value whose move from the last value was never seen. Each value
/// is cut into one of <see cref="Levels"/> levels of a range learned as CAD's is (<see cref="LearnedRange"/>: the
/// warm-up's values widened by <c>ContextualRangeMargin</c> of their span on each side, refitted once the buffer of
/// recent values is full, and rebuilt with a replay of the recent values when a value leaves it) — and the detector remembers which of the 64
/// moves from one level to the next it has seen. A move never seen scores 1 (the ensemble gates it by the statistical
/// surprise, as CAD's score, at <c>TransitionGate</c>); a score starts a rest period (<c>ContextualRestPeriod</c>), restarted only by a score it
/// reported (CAD's rule 2, docs/metric-detection.md). It is CAD OSE's idea — "this fact was never followed by that
/// one" — cut down to the previous level, so a step costs a division and two bit operations instead of a walk over
/// CAD's contexts. Longer contexts (the last two and three levels, 0.8 and 0.6 when new) were tried and dropped: on
/// white noise they doubled the false alarms for no gain on NAB (docs/metric-detection.md, "Transition novelty").
/// </summary>
internal sealed class TransitionNoveltyDetector(DetectorSettings settings)
{
    public const int Levels = 8;

    private const int None = -1;

    private readonly LearnedRange _range = new(settings);
    private ulong _seen; // bit (from · Levels + to): that move has been seen
    private int _last = None;
    private int _rest;

    public double Score(double value)
    {
        var step = _range.Next(value);
        if (step == RangeStep.WarmingUp)
        {
            return 0.0;
        }
        if (step != RangeStep.InRange)
        {
            Rebuild(value);
            if (step == RangeStep.OutOfRange)
            {
                // As CAD's rule 1: the value that left the range is scored, whatever rest the replay's learning left.
                _rest = 0;
            }
        }
        var level = LevelOf(value);
        var isNew = _last != None && (_seen & MoveBit(_last, level)) == 0 && Math.Abs(level - _last) >= settings.TransitionMinimumJump;
        Learn(level);
        _range.Remember(value);
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
        Math.Clamp((int)((value - _range.Low) / (_range.High - _range.Low) * Levels), 0, Levels - 1);

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
        _range.Fit(value);
        _seen = 0;
        _last = None;
        var recent = _range.Recent;
        for (var i = 0; i < recent.Count; i++)
        {
            Learn(LevelOf(recent[i]));
        }
    }

    internal void Write(ref StateWriter writer)
    {
        _range.WriteRecent(ref writer);
        writer.Write(_range.IsFitted);
        writer.Write(_range.Low);
        writer.Write(_range.High);
        writer.Write((long)_seen);
        writer.Write(_last);
        writer.Write(_rest);
    }

    internal static TransitionNoveltyDetector Read(ref StateReader reader, DetectorSettings settings)
    {
        var detector = new TransitionNoveltyDetector(settings);
        detector._range.ReadRecent(ref reader);
        var fitted = reader.ReadBoolean();
        var (low, high) = reader.ReadRange("transition novelty");
        if (fitted)
        {
            detector._range.Restore(low, high);
        }
        detector._seen = (ulong)reader.ReadInt64();
        var last = reader.ReadInt32();
        detector._last = last is >= None and < Levels ? last : throw new FormatException("detector state: bad transition level");
        detector._rest = reader.ReadCount(int.MaxValue);
        return detector;
    }
}
