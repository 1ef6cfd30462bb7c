namespace Vigil.Analytics.Metrics;

/// <summary>
/// Daily seasonality, found and used in one pass with bounded state. The series' sampling interval fixes the number
/// of slots per day; each slot keeps the value seen at that time of day. A running correlation between each value
/// and its slot's previous value (lag one day) decides whether the series is seasonal; if it is, the strength is
/// the residual against yesterday's value (a seasonal-naive forecast) in robust spreads. Slots are addressed by
/// time of day, not by sample count, so gaps do not shift the phase. A run of values each a little off yesterday's
/// (a day unlike the one before: the daily peak that does not come, a holiday) is measured separately, by
/// <see cref="ShiftStrength"/>.
/// </summary>
internal sealed class SeasonalDetector
{
    private const double MinimumCorrelationRate = 0.002;
    private static readonly long DayTicks = TimeSpan.TicksPerDay;

    private readonly double[] _slots;
    private readonly long _slotTicks;
    private long _pairs;
    private double _meanX, _meanY, _varX, _varY, _covXY;
    private double _meanAbsResidual;

    // The seasonal shift: a fast mean of the signed residuals against yesterday, in how far such means usually stray
    // from 0. Each value of a day unlike yesterday may be unremarkable on its own; their run is not.
    private const double ShiftRate = 0.1;

    // A run's own means count towards the usual spread at most this many spreads from 0, so a day unlike yesterday
    // does not widen the yardstick it is measured by within hours (the spread is learned at rate 0.002 per sample).
    private const double ShiftClip = 4;
    private double _residualMean;
    private double _residualMeanVariance;
    private long _shiftSamples;

    private SeasonalDetector(int slots)
    {
        _slots = new double[slots];
        Array.Fill(_slots, double.NaN);
        _slotTicks = DayTicks / slots;
    }

    /// <summary>A detector for a series sampled every <paramref name="interval"/>, or null when a day does not fit.</summary>
    public static SeasonalDetector? ForInterval(TimeSpan interval, DetectorSettings settings)
    {
        if (interval <= TimeSpan.Zero)
        {
            return null;
        }
        var slots = (int)Math.Round((double)DayTicks / interval.Ticks);
        return slots >= 4 && slots <= settings.MaxSeasonSamples ? new SeasonalDetector(slots) : null;
    }

    public int Period => _slots.Length;

    public double Correlation
    {
        get
        {
            var denominator = Math.Sqrt(_varX * _varY);
            return denominator > 0 ? _covXY / denominator : 0;
        }
    }

    /// <summary>True once a full day of pairs shows the daily correlation.</summary>
    public bool IsSeasonal(DetectorSettings settings) => _pairs >= _slots.Length && Correlation >= settings.SeasonalityCorrelation;

    /// <summary>Yesterday's value at this time of day (NaN if none).</summary>
    public double Expected(DateTime timestamp) => _slots[Slot(timestamp)];

    public double Strength(DateTime timestamp, double value, double floor)
    {
        var previous = _slots[Slot(timestamp)];
        return double.IsNaN(previous) ? 0 : Math.Abs(value - previous) / Sigma(floor);
    }

    public double Sigma(double floor) => Math.Max(1.2533 * _meanAbsResidual, floor);

    /// <summary>How far the fast mean of the signed residuals against yesterday, <paramref name="value"/>'s included,
    /// is from 0 in its usual spread; 0 until a day of such means has been seen.</summary>
    public double ShiftStrength(DateTime timestamp, double value, double floor)
    {
        var previous = _slots[Slot(timestamp)];
        if (double.IsNaN(previous) || _shiftSamples < _slots.Length)
        {
            return 0;
        }
        var mean = NextResidualMean(value - previous);
        var strength = Math.Abs(mean) / Math.Max(Math.Sqrt(_residualMeanVariance), floor);
        return double.IsNaN(strength) ? 0 : strength; // ∞/∞ near ±double.MaxValue is no evidence
    }

    /// <summary>Learns <paramref name="value"/>; returns its residual against yesterday's (NaN if there was none), for
    /// <see cref="LearnShift"/>.</summary>
    public double Learn(DateTime timestamp, double value)
    {
        var slot = Slot(timestamp);
        var previous = _slots[slot];
        _slots[slot] = value;
        if (double.IsNaN(previous))
        {
            return double.NaN;
        }
        _pairs++;
        var rate = Math.Max(1.0 / _pairs, MinimumCorrelationRate);
        var dx = value - _meanX;
        var dy = previous - _meanY;
        _meanX += rate * dx;
        _meanY += rate * dy;
        _varX = (1 - rate) * (_varX + (rate * dx * dx));
        _varY = (1 - rate) * (_varY + (rate * dy * dy));
        _covXY = (1 - rate) * (_covXY + (rate * dx * dy));
        _meanAbsResidual += rate * (Math.Abs(value - previous) - _meanAbsResidual);
        return value - previous;
    }

    /// <summary>Learns the seasonal shift's statistics from a residual <see cref="Learn"/> returned (a detector without
    /// the member skips this: it would cost the lightweight detector ~10 % of its time for nothing).</summary>
    /// <param name="floor">The smallest spread trusted, as in <see cref="ShiftStrength"/>.</param>
    public void LearnShift(double residual, double floor)
    {
        var mean = NextResidualMean(residual);
        if (!double.IsFinite(mean))
        {
            return; // no residual yet, or near ±double.MaxValue: learning ∞ would turn the mean into NaN for good
        }
        _residualMean = mean;
        _shiftSamples++;
        var shiftRate = _shiftSamples * MinimumCorrelationRate < 1 ? 1.0 / _shiftSamples : MinimumCorrelationRate; // no division once settled
        var square = _residualMean * _residualMean;
        if (_shiftSamples > _slots.Length)
        {
            // Against the yardstick ShiftStrength divides by, floor included: a series flat for its first days has a
            // spread of 0, and a clip at 0 would keep it there for good (every later wobble then an alert).
            var yardstick = Math.Max(_residualMeanVariance, floor * floor);
            square = Math.Min(square, ShiftClip * ShiftClip * yardstick);
        }
        var variance = (1 - shiftRate) * (_residualMeanVariance + (shiftRate * square));
        if (double.IsFinite(variance))
        {
            _residualMeanVariance = variance; // an overflowing square (a mean beyond ~1e154) is no evidence of the usual spread
        }
    }

    // The convex form: the difference of two residuals near ±double.MaxValue overflows, their weighted sum does not.
    private double NextResidualMean(double residual) => ((1 - ShiftRate) * _residualMean) + (ShiftRate * residual);

    // Scoring and learning a sample ask for its slot four times; the two 64-bit divisions were a visible part of
    // the lightweight detector's ~45 ns per sample, so the latest answer is kept (a cache, not state).
    private long _slotOfTicks = -1;
    private int _slot;

    private int Slot(DateTime timestamp)
    {
        if (timestamp.Ticks != _slotOfTicks)
        {
            (_slotOfTicks, _slot) = (timestamp.Ticks, (int)(timestamp.Ticks % DayTicks / _slotTicks) % _slots.Length);
        }
        return _slot;
    }

    internal void Write(ref StateWriter writer)
    {
        writer.Write(_slots);
        writer.Write(_pairs);
        writer.Write(_meanX);
        writer.Write(_meanY);
        writer.Write(_varX);
        writer.Write(_varY);
        writer.Write(_covXY);
        writer.Write(_meanAbsResidual);
    }

    /// <summary>The seasonal shift's statistics: written after the rest of the detector's state (state version 6), so
    /// older state is a prefix of newer.</summary>
    internal void WriteShift(ref StateWriter writer)
    {
        writer.Write(_residualMean);
        writer.Write(_residualMeanVariance);
        writer.Write(_shiftSamples);
    }

    internal void ReadShift(ref StateReader reader)
    {
        _residualMean = reader.ReadDouble();
        _residualMeanVariance = reader.ReadDouble();
        _shiftSamples = reader.ReadInt64();
        if (!double.IsFinite(_residualMean) || !double.IsFinite(_residualMeanVariance) || _residualMeanVariance < 0 || _shiftSamples < 0)
        {
            throw new FormatException("detector state: bad seasonal shift statistics");
        }
    }

    internal static SeasonalDetector Read(ref StateReader reader, DetectorSettings settings)
    {
        var slots = reader.ReadDoubles(settings.MaxSeasonSamples);
        if (slots.Length < 4)
        {
            throw new FormatException("detector state: seasonal slots missing");
        }
        var detector = new SeasonalDetector(slots.Length);
        slots.CopyTo(detector._slots, 0);
        detector._pairs = reader.ReadInt64();
        detector._meanX = reader.ReadDouble();
        detector._meanY = reader.ReadDouble();
        detector._varX = reader.ReadDouble();
        detector._varY = reader.ReadDouble();
        detector._covXY = reader.ReadDouble();
        detector._meanAbsResidual = reader.ReadDouble();
        return detector;
    }
}
