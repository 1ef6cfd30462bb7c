namespace Vigil.Analytics.Metrics;

/// <summary>
/// The per-series streaming ensemble. Feed samples in time order with <see cref="Update"/>; each is scored from the
/// state built by the samples before it (no look-ahead), then learned. O(1) per sample, no allocation.
/// </summary>
public sealed class MetricAnomalyDetector
{
    private readonly DetectorSettings _settings;
    private long _samples;
    private DateTime _last;

    private double _level;
    private double _meanAbsResidual;
    private ExponentialStats _short;
    private ExponentialStats _long;
    private ExponentialStats _surprise;
    private double _surpriseShort;

    public MetricAnomalyDetector(DetectorSettings? settings = null)
    {
        _settings = settings ?? DetectorSettings.Default;
        _short = new ExponentialStats(_settings.ShortAlpha);
        _long = new ExponentialStats(_settings.LongAlpha);
        _surprise = new ExponentialStats(_settings.SurpriseAlpha);
    }

    public long Samples => _samples;

    public AnomalyScore Update(DateTime timestamp, double value)
    {
        if (!double.IsFinite(value))
        {
            return AnomalyScore.Skipped(AnomalySignal.Missing);
        }
        if (_samples > 0 && timestamp <= _last)
        {
            return AnomalyScore.Skipped(AnomalySignal.OutOfOrder);
        }
        _last = timestamp;
        if (_samples == 0)
        {
            _level = value;
        }

        var sigmaFloor = 1e-9 + (1e-6 * Math.Abs(_long.Mean));
        var residual = value - _level;
        var sigma = Math.Max(1.2533 * _meanAbsResidual, sigmaFloor);
        var spike = Math.Abs(residual) / sigma;

        var longSd = Math.Max(_long.StdDev, sigmaFloor);
        var shift = Math.Abs(_short.Mean - _long.Mean) / longSd;

        var surprise = Math.Max(spike / 4.0, shift / 3.0);
        var signal = spike / 4.0 >= shift / 3.0 ? AnomalySignal.Spike : AnomalySignal.LevelShift;

        _surpriseShort += _settings.SurpriseShortAlpha * (surprise - _surpriseShort);
        var score = 0.0;
        if (_samples >= _settings.WarmupSamples)
        {
            var z = (_surpriseShort - _surprise.Mean) / Math.Max(_surprise.StdDev, 1e-3);
            score = Math.Clamp(z / 10.0, 0, 1);
        }

        // Learn.
        _samples++;
        var clipped = Math.Clamp(residual, -5 * sigma, 5 * sigma);
        _level += _settings.LevelAlpha * clipped;
        _meanAbsResidual = _samples == 1 ? 0 : _meanAbsResidual + (_settings.ScaleAlpha * (Math.Abs(residual) - _meanAbsResidual));
        _short.Add(value);
        _long.Add(value);
        _surprise.Add(surprise);

        return new AnomalyScore(score, _level, _level - (3 * sigma), _level + (3 * sigma), score > 0 ? signal : AnomalySignal.None, surprise);
    }
}
