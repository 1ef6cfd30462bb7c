using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vigil.Analytics.Metrics.Art;

/// <summary>
/// ARTime (Mark Hampton, 2021; the best detector on NAB's scoreboard, 74.9 standard), reimplemented from its
/// published Julia source and checked against NAB's published ARTime results: the series is downsampled (the extreme
/// of each step), normalised to a range and quantised to 80 levels, snapped to a running median when close; a window
/// of 8 such levels and its Haar wavelet transform are the features a <see cref="DualVigilanceArt"/> clusters. An
/// anomaly is a sample that founds a new cluster while no mask is on (masks follow a new cluster, an anomaly and every
/// vigilance update), scored by how far its similarity fell below the vigilances and how unlike the current level was.
/// The probationary samples are learned in one batch, with the first vigilance fitted to them; later the vigilances
/// follow the recent similarities. Constants are ARTime's own.
/// </summary>
public sealed class ArtimeDetector
{
    private const int Window = 8;
    private const int WindowsPerProbation = 13;
    private const double Chomp = 0.075;
    private const int Levels = 80;
    private const double InitialVigilance = 0.80;
    private const int FeatureCount = DualVigilanceArt.Features;

    private readonly double _min;
    private readonly double _max;
    private readonly int _probationSamples;
    private readonly int _step;
    private readonly int _trendWindow;
    private readonly int _mask;
    private DualVigilanceArt _art;

    private readonly double[] _downsample;       // ring: the raw values of the current step
    private readonly int[] _levelCounts = new int[Levels + 1];
    private readonly double[] _levels = new double[Window];
    private readonly double[] _similarities;     // ring: the latest trendWindow/2 + 1 similarities
    private readonly double[] _shortfalls;       // ring: upper vigilance − similarity, the latest trendWindow + 1
    private readonly double[] _features = new double[FeatureCount];
    private readonly List<double[]> _probation = [];

    private long _sample;
    private int _phase; // _sample % _step, kept rather than computed: two 64-bit divisions per sample
    private int _processed = 1;
    private double _movingAverage;
    private int _median;
    private int _below;
    private int _above;

    private int _lastAnomaly;
    private double _lastAnomalySimilarity;
    private int _lastVigilanceUpdate;
    private bool _maskAfterCategory;
    private int _sinceNewCategory;
    private double _similaritySum;
    private long _similarityCount;
    // The anomalies' similarities, as ARTime's list is used: its mean, and its last entry lowered while masked.
    private double _anomalySimilaritySum;
    private long _anomalyCount;
    private double _lastAnomalyEntry;

    /// <param name="min">The range values are normalised to (NAB: the file's minimum); values outside are clamped.</param>
    /// <param name="max">NAB: the file's maximum.</param>
    /// <param name="probation">Samples learned before scoring (NAB: 15 % of the file, at most 750); it sets the
    /// downsampling step (probation / 104) and the trend window (~104 steps).</param>
    /// <param name="maxCategories">Bound on the ART's categories (ARTime has none).</param>
    public ArtimeDetector(double min, double max, int probation, int maxCategories = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(probation, 2 * Window);
        (_min, _max) = (min, max);
        probation -= probation % 2;
        _probationSamples = probation;
        _step = Math.Max(1, probation / (Window * WindowsPerProbation));
        _trendWindow = probation / _step;
        _mask = Window * 3 / 2;
        _art = new DualVigilanceArt(maxCategories);
        _downsample = new double[_step];
        _similarities = new double[(_trendWindow / 2) + 1];
        Array.Fill(_similarities, 1.0);
        _shortfalls = new double[_trendWindow + 1];
    }

    public int Categories => _art.Categories;

    /// <summary>The range values are normalised to.</summary>
    public (double Low, double High) Range => (_min, _max);

    /// <summary>The latest step's features (for tests: the ART's scans rely on them being in [0, 1], never −0).</summary>
    internal ReadOnlySpan<double> Features => _features;

    /// <summary>NAB's probationary period for a file of <paramref name="rows"/> rows.</summary>
    public static int NabProbation(int rows) => rows < 5000 ? (int)Math.Floor(0.15 * rows) : 750;

    /// <summary>Learns <paramref name="value"/>; returns its anomaly score in [0, 1] (non-zero only on the last sample
    /// of a downsampling step that founded a new cluster unmasked).</summary>
    public double Score(double value)
    {
        _downsample[_phase] = value;
        _sample++;
        _phase = _phase + 1 == _step ? 0 : _phase + 1;
        if (_phase != 0)
        {
            return 0.0;
        }
        ComputeFeatures();
        var score = _processed <= _trendWindow ? Probation() : Detect(_features, _processed);
        _processed++;
        return score;
    }

    private void ComputeFeatures()
    {
        double mean = 0, max = double.NegativeInfinity, min = double.PositiveInfinity;
        foreach (var v in _downsample)
        {
            mean += v;
            max = Math.Max(max, v);
            min = Math.Min(min, v);
        }
        mean /= _downsample.Length;
        if (_processed == 1)
        {
            _movingAverage = mean;
        }
        _movingAverage = (_movingAverage + mean) / 2;
        // The extreme of the step on whichever side of the moving average it lies; it must be 10% off the mean.
        var ds = Math.Abs(max - _movingAverage) < Math.Abs(min - _movingAverage) ? min : max;
        if (Math.Abs(ds - mean) < 0.1 * mean)
        {
            ds = mean;
        }
        ds -= _min;
        if (_max - _min != 0)
        {
            ds /= _max - _min;
        }
        // Values near ±double.MaxValue can overflow this to NaN, which the saturating cast makes level 0.
        var level = (int)Math.Clamp(Math.Round(ds * Levels, MidpointRounding.ToEven), 0, Levels);
        ds = level / (double)Levels;
        var median = RunningMedian(level) / (double)Levels;
        if (Math.Abs(ds - median) < Chomp)
        {
            ds = median;
        }

        Array.Copy(_levels, 1, _levels, 0, Window - 1);
        _levels[^1] = ds;
        var features = _features.AsSpan();
        features.Clear();
        if (_processed >= Window)
        {
            // In registers from load to store: the window written element by element and read back as vectors (or the
            // reverse) stalled on store forwarding.
            ref var levels = ref MemoryMarshal.GetArrayDataReference(_levels);
            var (low, high) = NormaliseToUnit(Vector256.LoadUnsafe(ref levels), Vector256.LoadUnsafe(ref levels, 4));
            (low, high) = Haar(low, high);
            (low, high) = NormaliseToUnit(low, high);
            ref var first = ref MemoryMarshal.GetReference(features);
            low.StoreUnsafe(ref first);
            high.StoreUnsafe(ref first, 4);
            _levels.CopyTo(features[Window..]);
        }
    }

    /// <summary>Not strictly a running median but close (ARTime's own walk over the level histogram).</summary>
    private int RunningMedian(int level)
    {
        _levelCounts[level]++;
        var middle = _processed / 2;
        if (_processed == 1)
        {
            _median = level;
        }
        if (_median > level)
        {
            _below++;
        }
        else if (_median < level)
        {
            _above++;
        }
        if (middle < _above)
        {
            _below += _levelCounts[_median];
            _median++;
            while (_median < Levels && _levelCounts[_median] == 0)
            {
                _median++;
            }
            _above -= _levelCounts[_median];
        }
        else if (middle < _below)
        {
            _above += _levelCounts[_median];
            _median--;
            while (_median > 0 && _levelCounts[_median] == 0)
            {
                _median--;
            }
            _below -= _levelCounts[_median];
        }
        return _median;
    }

    /// <summary>Min-max normalises a window of 8 values, the first four in <paramref name="low"/> (Vector256.Min/Max
    /// order NaN and ±0 as Math.Min/Max).</summary>
    private static (Vector256<double> Low, Vector256<double> High) NormaliseToUnit(Vector256<double> low, Vector256<double> high)
    {
        var min = Vector256.Min(low, high);
        min = Vector256.Min(min, Vector256.Shuffle(min, Vector256.Create(2L, 3, 0, 1)));
        min = Vector256.Min(min, Vector256.Shuffle(min, Vector256.Create(1L, 0, 3, 2)));
        (low, high) = (low - min, high - min);
        var max = Vector256.Max(low, high);
        max = Vector256.Max(max, Vector256.Shuffle(max, Vector256.Create(2L, 3, 0, 1)));
        max = Vector256.Max(max, Vector256.Shuffle(max, Vector256.Create(1L, 0, 3, 2)));
        return max[0] != 0 ? (low / max, high / max) : (low, high);
    }

    /// <summary>Full orthonormal Haar transform of 8 values (<paramref name="low"/>: the first four), laid out as
    /// Wavelets.jl's <c>dwt</c> does: [scaling, level-3 detail, level-2 details, level-1 details], detail = (second −
    /// first) / √2 (the sign matters: the transform is min-max normalised afterwards; this one reproduces NAB's published
    /// ARTime results). Each coefficient is one addition or subtraction and one multiplication, as the textbook loop
    /// over halves computes it; written out, it stays in registers.</summary>
    private static (Vector256<double> Low, Vector256<double> High) Haar(Vector256<double> low, Vector256<double> high)
    {
        var a = 1 / Math.Sqrt(2);
        var (s0, s1, s2, s3, s4, s5, s6, s7) = (low[0], low[1], low[2], low[3], high[0], high[1], high[2], high[3]);
        var (n0, n1, n2, n3) = (a * (s0 + s1), a * (s2 + s3), a * (s4 + s5), a * (s6 + s7));
        var (m0, m1) = (a * (n0 + n1), a * (n2 + n3));
        return (Vector256.Create(a * (m0 + m1), a * (m1 - m0), a * (n1 - n0), a * (n3 - n2)),
            Vector256.Create(a * (s1 - s0), a * (s3 - s2), a * (s5 - s4), a * (s7 - s6)));
    }

    /// <summary>The probationary period is collected, then learned in one batch with a vigilance fitted to it.</summary>
    private double Probation()
    {
        _probation.Add((double[])_features.Clone());
        if (_processed == _trendWindow)
        {
            var vigilance = FitInitialVigilance(_probation.GetRange(Window - 1, _trendWindow - Window + 1));
            (_art.RhoLow, _art.RhoHigh) = (vigilance, vigilance);
            for (var i = 0; i < _probation.Count; i++)
            {
                Detect(_probation[i], i + 1);
            }
            _probation.Clear();
        }
        return 0.0;
    }

    /// <summary>
    /// The mean similarity a trial ART (vigilance 0.8) finds over the second half of the probation's samples,
    /// presented least typical first (by summed cosine similarity to the others).
    /// </summary>
    private double FitInitialVigilance(List<double[]> samples)
    {
        var n = samples.Count;
        var typicality = new double[n];
        // Each sample's norm once, not once per pair (~10,000 pairs: 5% of the balanced detector's time on NAB's files).
        var norms = new double[n];
        for (var i = 0; i < n; i++)
        {
            norms[i] = Norm(samples[i]);
        }
        for (var i = 0; i < n; i++)
        {
            typicality[i] += 1.0;
            for (var j = 0; j < i; j++)
            {
                var s = Similarity(samples[i], norms[i], samples[j], norms[j]);
                typicality[i] += s;
                typicality[j] += s;
            }
        }
        var order = Enumerable.Range(0, n).ToArray();
        // A stable sort (equal sums keep their order), as Julia's sortperm.
        Array.Sort(order, (a, b) => typicality[a] != typicality[b] ? typicality[a].CompareTo(typicality[b]) : a.CompareTo(b));
        var trial = new DualVigilanceArt { RhoLow = InitialVigilance, RhoHigh = InitialVigilance };
        var from = (_trendWindow / 2) - 1;
        double total = 0;
        for (var k = 0; k < n; k++)
        {
            var similarity = trial.Train(samples[order[k]]).Similarity;
            if (k >= from)
            {
                total += similarity;
            }
        }
        return total / (n - from);
    }

    /// <summary>Close to cosine similarity (<paramref name="na"/>, <paramref name="nb"/>: the vectors' norms).</summary>
    private static double Similarity(double[] a, double na, double[] b, double nb)
    {
        double dot = 0;
        for (var k = 0; k < a.Length; k++)
        {
            dot += a[k] * b[k];
        }
        return na == 0 ? 1 - nb : nb == 0 ? 1 - na : dot / (na * nb);
    }

    private static double Norm(double[] a)
    {
        double sum = 0;
        foreach (var v in a)
        {
            sum += v * v;
        }
        return Math.Sqrt(sum);
    }

    private double Detect(double[] features, int i)
    {
        var updateAfterAnomaly = i - _lastAnomaly == _mask;
        var updateForTrend = i - _lastVigilanceUpdate >= _trendWindow / 2;
        var maskAfterAnomaly = i - _lastAnomaly <= _mask;
        if (i > _trendWindow + _mask && _maskAfterCategory && _sinceNewCategory >= _mask)
        {
            _maskAfterCategory = false;
        }
        // Before a whole feature window exists the samples are presented but not learned.
        var (resonated, similarity, energy) = _art.Train(features, learning: i >= Window);
        var newCluster = !resonated || i < Window;
        _sinceNewCategory = newCluster ? 0 : _sinceNewCategory + 1;
        _similaritySum += similarity;
        _similarityCount++;
        _similarities[i % _similarities.Length] = similarity;
        _shortfalls[i % _shortfalls.Length] = _art.RhoHigh - similarity;
        if (i - _lastAnomaly < _mask && _anomalyCount > 0 && similarity < _lastAnomalyEntry)
        {
            _anomalySimilaritySum += similarity - _lastAnomalyEntry;
            _lastAnomalyEntry = similarity;
        }
        var masking = _maskAfterCategory || maskAfterAnomaly;
        var belowLast = similarity < _lastAnomalySimilarity * (maskAfterAnomaly ? 0.90 : 0.70);
        var score = 0.0;
        if (i > _trendWindow && newCluster && (!masking || belowLast))
        {
            score = Confidence(similarity, energy);
            (_anomalySimilaritySum, _anomalyCount, _lastAnomalyEntry) = (_anomalySimilaritySum + similarity, _anomalyCount + 1, similarity);
            _lastAnomalySimilarity = similarity;
            _lastAnomaly = i;
        }
        _maskAfterCategory |= newCluster;
        if (i > _trendWindow && (updateAfterAnomaly || updateForTrend))
        {
            UpdateVigilance(i);
            _lastVigilanceUpdate = i;
            _maskAfterCategory = true;
        }
        return score;
    }

    /// <summary>The upper vigilance follows the mean similarity; the lower one creeps up towards the recent minimum,
    /// or down by the recent shortfalls (never below the anomalies' mean similarity).</summary>
    private void UpdateVigilance(int i)
    {
        var minSimilarity = double.PositiveInfinity;
        foreach (var s in _similarities)
        {
            minSimilarity = Math.Min(minSimilarity, s);
        }
        var high = Math.Min(0.97, _similaritySum / _similarityCount);
        var low = _art.RhoLow;
        if (low <= minSimilarity)
        {
            low += (minSimilarity - low) * 0.19;
        }
        else
        {
            var decrease = 0.0;
            if (i > _trendWindow * 2)
            {
                double sum = 0;
                var count = 0;
                foreach (var shortfall in _shortfalls)
                {
                    if (shortfall > 0.05)
                    {
                        sum += Math.Min(0.37, shortfall);
                        count++;
                    }
                }
                if (count > 0)
                {
                    decrease = sum / count;
                }
            }
            low -= Math.Max(0.01, decrease) / 2;
            if (_anomalyCount > 0)
            {
                low = Math.Max(_anomalySimilaritySum / _anomalyCount, low);
            }
        }
        (_art.RhoLow, _art.RhoHigh) = (Math.Min(high, low), high);
    }

    private double Confidence(double similarity, double energy)
    {
        similarity = Math.Min(0.999, similarity);
        var high = ((1 - similarity) - (1 - _art.RhoHigh)) / (1 - similarity);
        var low = ((1 - similarity) - (1 - _art.RhoLow)) / (1 - similarity);
        var s = (high * 0.35) + (low * 0.65) + ((1.0 - energy) * 1.5);
        return Math.Round(Math.Clamp(s, 0.0, 1.0), 6);
    }

    internal void Write(ref StateWriter writer)
    {
        writer.Write(_min);
        writer.Write(_max);
        writer.Write(_probationSamples);
        writer.Write(_sample);
        writer.Write(_processed);
        writer.Write(_movingAverage);
        writer.Write(_median);
        writer.Write(_below);
        writer.Write(_above);
        var counts = new long[Levels + 1];
        for (var k = 0; k < counts.Length; k++)
        {
            counts[k] = _levelCounts[k];
        }
        writer.Write(counts);
        writer.Write(_levels);
        writer.Write(_downsample);
        writer.Write(_similarities);
        writer.Write(_shortfalls);
        writer.Write(_probation.Count);
        foreach (var features in _probation)
        {
            writer.Write(features);
        }
        writer.Write(_lastAnomaly);
        writer.Write(_lastAnomalySimilarity);
        writer.Write(_lastVigilanceUpdate);
        writer.Write(_maskAfterCategory);
        writer.Write(_sinceNewCategory);
        writer.Write(_similaritySum);
        writer.Write(_similarityCount);
        writer.Write(_anomalySimilaritySum);
        writer.Write(_anomalyCount);
        writer.Write(_lastAnomalyEntry);
        _art.Write(ref writer);
    }

    internal static ArtimeDetector Read(ref StateReader reader, int maxCategories)
    {
        var (min, max) = reader.ReadRange("ARTime");
        var probation = reader.ReadInt32();
        if (probation < 2 * Window || probation > 1_000_000)
        {
            throw new FormatException("detector state: bad ARTime probation");
        }
        var detector = new ArtimeDetector(min, max, probation, maxCategories)
        {
            _sample = reader.ReadInt64(),
            _processed = reader.ReadInt32(),
            _movingAverage = reader.ReadDouble(),
            _median = reader.ReadInt32(),
            _below = reader.ReadInt32(),
            _above = reader.ReadInt32(),
        };
        var counts = reader.ReadLongs(Levels + 1);
        var levels = reader.ReadDoubles(Window);
        var downsample = reader.ReadDoubles(detector._downsample.Length);
        var similarities = reader.ReadDoubles(detector._similarities.Length);
        var shortfalls = reader.ReadDoubles(detector._shortfalls.Length);
        if (counts.Length != Levels + 1 || levels.Length != Window || downsample.Length != detector._downsample.Length
            || similarities.Length != detector._similarities.Length || shortfalls.Length != detector._shortfalls.Length
            || detector._sample < 0 || detector._processed < 1 || detector._median is < 0 or > Levels)
        {
            throw new FormatException("detector state: bad ART windows");
        }
        detector._phase = (int)(detector._sample % detector._step);
        for (var k = 0; k < counts.Length; k++)
        {
            detector._levelCounts[k] = (int)Math.Clamp(counts[k], 0, int.MaxValue);
        }
        levels.CopyTo(detector._levels, 0);
        downsample.CopyTo(detector._downsample, 0);
        similarities.CopyTo(detector._similarities, 0);
        shortfalls.CopyTo(detector._shortfalls, 0);
        // The probation's samples wait until its last one: as many as were processed before it, none after.
        var pending = reader.ReadCount(detector._trendWindow);
        if (pending != (detector._processed <= detector._trendWindow ? detector._processed - 1 : 0))
        {
            throw new FormatException("detector state: bad ART probation");
        }
        for (var k = 0; k < pending; k++)
        {
            var features = reader.ReadDoubles(FeatureCount);
            detector._probation.Add(features.Length == FeatureCount ? features : throw new FormatException("detector state: bad ART features"));
        }
        detector._lastAnomaly = reader.ReadInt32();
        detector._lastAnomalySimilarity = reader.ReadDouble();
        detector._lastVigilanceUpdate = reader.ReadInt32();
        detector._maskAfterCategory = reader.ReadBoolean();
        detector._sinceNewCategory = reader.ReadInt32();
        detector._similaritySum = reader.ReadDouble();
        detector._similarityCount = reader.ReadInt64();
        detector._anomalySimilaritySum = reader.ReadDouble();
        detector._anomalyCount = reader.ReadInt64();
        detector._lastAnomalyEntry = reader.ReadDouble();
        detector._art = DualVigilanceArt.Read(ref reader, maxCategories);
        return detector;
    }
}
