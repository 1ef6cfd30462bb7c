namespace Vigil.Analytics.Metrics;

/// <summary>
/// Streaming relative-entropy detector (Wang et al., NAB's <c>relative_entropy</c> baseline): the histogram of the
/// last <see cref="Window"/> values over <see cref="Bins"/> bins is tested against the distributions seen before
/// (2·W·KL against the χ² 0.99 quantile); a window that matches none, or matches one seen only once, scores 1.
/// Unlike NAB's, the bin range is the min/max of the values seen so far (no look-ahead) and at most
/// <see cref="MaxHypotheses"/> distributions are kept (the least used is replaced), so state is bounded.
/// </summary>
internal sealed class RelativeEntropyDetector
{
    public const int Window = 52;
    public const int Bins = 5;
    public const int MaxHypotheses = 32;
    private const double Threshold = 13.276704135987622; // chi2.isf(0.01, 4)

    private readonly double[] _values = new double[Window];
    private readonly double[] _hypotheses = new double[MaxHypotheses * Bins];
    private readonly int[] _counts = new int[MaxHypotheses];
    private int _hypothesisCount;
    private long _seen;
    private double _min = double.PositiveInfinity;
    private double _max = double.NegativeInfinity;

    public double Score(double value)
    {
        _values[_seen % Window] = value;
        _seen++;
        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
        if (_seen < Window)
        {
            return 0.0;
        }
        Span<double> p = stackalloc double[Bins];
        var step = (_max - _min) / Bins;
        foreach (var v in _values)
        {
            var bin = step > 0 ? (int)Math.Ceiling((v - _min) / step) : 0;
            // NAB's ceil() puts the minimum in bin 0 and the top value in bin N (dropped by numpy's histogram range).
            if (bin < Bins)
            {
                p[bin] += 1.0 / Window;
            }
        }
        if (_hypothesisCount == 0)
        {
            Add(p);
            return 0.0;
        }
        var best = -1;
        var bestDistance = double.PositiveInfinity;
        for (var h = 0; h < _hypothesisCount; h++)
        {
            var q = _hypotheses.AsSpan(h * Bins, Bins);
            var kl = 0.0;
            for (var b = 0; b < Bins; b++)
            {
                if (p[b] > 0)
                {
                    kl += p[b] * Math.Log(p[b] / Math.Max(q[b], 1e-10));
                }
            }
            if (kl < bestDistance)
            {
                (best, bestDistance) = (h, kl);
            }
        }
        if (2 * Window * bestDistance < Threshold)
        {
            _counts[best]++;
            return _counts[best] <= 1 ? 1.0 : 0.0;
        }
        Add(p);
        return 1.0;
    }

    private void Add(ReadOnlySpan<double> p)
    {
        var slot = _hypothesisCount;
        if (slot == MaxHypotheses)
        {
            slot = 0;
            for (var h = 1; h < MaxHypotheses; h++)
            {
                if (_counts[h] < _counts[slot])
                {
                    slot = h;
                }
            }
        }
        else
        {
            _hypothesisCount++;
        }
        p.CopyTo(_hypotheses.AsSpan(slot * Bins, Bins));
        _counts[slot] = 1;
    }
}
