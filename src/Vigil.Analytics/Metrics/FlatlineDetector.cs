namespace Vigil.Analytics.Metrics;

/// <summary>
/// A series stuck at one value: an exporter that hangs and keeps serving its last reading, a sensor that froze, a gauge
/// nobody updates. Each value is unremarkable (often the series' own mean), so the statistical parts see nothing and
/// the pattern members at most a quiet stretch. This member counts how long the current value has lasted and reports
/// once the run is longer than <c>FlatlineRunFactor</c> times the longest run the series ever held a value before (and
/// at least <c>FlatlineMinimumRun</c> samples). Only a series whose value usually changes from one sample to the next
/// (at least every other sample on average, before this run) can be stuck: a gauge that steps now and then — replicas,
/// a feature flag, <c>up</c> after a flap — holds each value for long by nature, and a step gauge's first quiet day
/// would otherwise be three times its short history. Nor is a run of zeros reported: a count or a rate with nothing to
/// count, such as errors or an idle queue, holds 0 as long as nothing happens. A series that never varied (a constant)
/// never reports. A reported run becomes the longest, so a series that keeps stalling needs ever longer runs to report
/// again.
/// </summary>
internal sealed class FlatlineDetector(DetectorSettings settings)
{
    private double _value = double.NaN;
    private long _run; // samples the current value has lasted
    private long _longest; // the longest run that ended before the current one; 0 while the series never varied
    private bool _reported; // the current run was reported
    private long _learned; // samples learned
    private long _changes; // runs ended by a new value

    /// <summary>A series that changed value at least once every this many samples, on average, before its current run
    /// is one whose source can be stuck.</summary>
    private const long MostSamplesPerChange = 2;

    /// <summary>Samples the current value has lasted.</summary>
    public long Run => _run;

    /// <summary>The run the current one must reach to be news.</summary>
    public long Needed => Math.Max(settings.FlatlineMinimumRun, (long)Math.Ceiling(settings.FlatlineRunFactor * _longest));

    /// <summary>Learns <paramref name="value"/>; true while the current run is news and not yet reported.</summary>
    public bool Stuck(double value)
    {
        _learned++;
        if (value.Equals(_value))
        {
            _run++;
        }
        else
        {
            if (_run > 0)
            {
                _changes++;
                _longest = Math.Max(_longest, _run);
            }
            (_value, _run, _reported) = (value, 1, false);
        }
        // A run of zeros is a count or a rate with nothing to count (no errors, an idle queue), not a stuck source.
        return _changes > 0 && _learned - _run <= MostSamplesPerChange * _changes && !_reported && _value != 0 && _run >= Needed;
    }

    /// <summary>The current run was reported (an alert): it is not news again.</summary>
    public void Reported() => _reported = true;

    internal void Write(ref StateWriter writer)
    {
        writer.Write(_value);
        writer.Write(_run);
        writer.Write(_longest);
        writer.Write(_reported);
        writer.Write(_learned);
        writer.Write(_changes);
    }

    internal static FlatlineDetector Read(ref StateReader reader, DetectorSettings settings)
    {
        var detector = new FlatlineDetector(settings)
        {
            _value = reader.ReadDouble(),
            _run = reader.ReadInt64(),
            _longest = reader.ReadInt64(),
            _reported = reader.ReadBoolean(),
            _learned = reader.ReadInt64(),
            _changes = reader.ReadInt64(),
        };
        return detector._run >= 0 && detector._longest >= 0 && (detector._run > 0 || double.IsNaN(detector._value))
            && detector._changes >= 0 && detector._learned >= detector._run + detector._changes
            ? detector
            : throw new FormatException("detector state: bad flatline run");
    }
}
