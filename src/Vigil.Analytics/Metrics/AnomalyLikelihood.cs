namespace Vigil.Analytics.Metrics;

/// <summary>
/// Numenta's anomaly likelihood (<c>nupic/algorithms/anomaly_likelihood.py</c>), streaming: the mean of the last
/// ten raw scores is compared with the distribution of such means seen so far (here an exponentially weighted mean
/// and variance instead of NuPIC's re-estimation over the last 8,640 records, so state is bounded and O(1)), as a
/// Gaussian tail probability, reported on NuPIC's log scale (<c>log(1 − likelihood) / log(1 − 0.99999)</c>).
/// </summary>
internal struct AnomalyLikelihood
{
    public const int Window = 10;

    /// <summary>The score of an average equal to the running mean (tail probability 0.5): NuPIC's floor, ≈ 0.0301.</summary>
    public static readonly double AtMean = Math.Log(0.5 + 1e-10) / -23.02585084720009;

    private RingBuffer10 _recent;
    private int _count;
    private double _sum;
    private double _mean;
    private double _variance;
    private long _samples;
    private double _previousTail;

    /// <summary>Scores <paramref name="raw"/> (≥ 0), then learns it. <paramref name="armed"/> false: learn only, score 0.</summary>
    public double Update(double raw, bool armed, double alpha)
    {
        var slot = _count < Window ? _count : (int)(_samples % Window);
        if (_count == Window)
        {
            _sum -= _recent[slot];
        }
        else
        {
            _count++;
        }
        _recent[slot] = raw;
        _sum += raw;
        var average = _sum / _count;

        var score = 0.0;
        if (armed)
        {
            // NuPIC's lower bounds on the distribution keep a flat series from turning noise into certainty.
            var stdDev = Math.Sqrt(Math.Max(_variance, 0.0003));
            var tail = 0.5 * Erfc(Math.Abs(average - _mean) / stdDev / Math.Sqrt(2)); // two-sided, as NuPIC reflects
            // NuPIC's filter: a very low tail probability right after another one is capped at the "yellow" level.
            var filtered = tail <= 1e-5 && _previousTail <= 1e-5 ? 1e-3 : tail;
            _previousTail = tail;
            score = Math.Log(filtered + 1e-10) / -23.02585084720009;
            score = Math.Clamp(score, 0.0, 1.0);
        }
        var delta = average - _mean;
        var rate = _samples < 1.0 / alpha ? 1.0 / (_samples + 1) : alpha;
        _mean += rate * delta;
        _variance = (1 - rate) * (_variance + (rate * delta * delta));
        _samples++;
        return score;
    }

    internal readonly void Write(ref StateWriter writer)
    {
        writer.Write(_count); // the layout of StateWriter.Write(ReadOnlySpan<double>), read back by ReadDoubles
        for (var i = 0; i < _count; i++)
        {
            writer.Write(_recent[i]);
        }
        writer.Write(_sum);
        writer.Write(_mean);
        writer.Write(_variance);
        writer.Write(_samples);
        writer.Write(_previousTail);
    }

    internal void Read(ref StateReader reader)
    {
        var recent = reader.ReadDoubles(Window);
        recent.CopyTo((Span<double>)_recent);
        _count = recent.Length;
        _sum = reader.ReadDouble();
        _mean = reader.ReadDouble();
        _variance = reader.ReadDouble();
        _samples = reader.ReadInt64();
        _previousTail = reader.ReadDouble();
        if (_samples < 0 || (_count < Window && _samples != _count))
        {
            throw new FormatException("detector state: bad likelihood");
        }
    }

    private static double Erfc(double x)
    {
        // Numerical Recipes' erfc (Chebyshev), relative error < 1.2e-7: plenty for a score.
        var z = Math.Abs(x);
        var t = 1.0 / (1.0 + (0.5 * z));
        ReadOnlySpan<double> c = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        var poly = 0.0;
        for (var k = c.Length - 1; k >= 0; k--)
        {
            poly = c[k] + (t * poly);
        }
        var r = t * Math.Exp((-z * z) + poly);
        return x >= 0 ? r : 2.0 - r;
    }

    [System.Runtime.CompilerServices.InlineArray(Window)]
    private struct RingBuffer10
    {
        private double _element;
    }
}
