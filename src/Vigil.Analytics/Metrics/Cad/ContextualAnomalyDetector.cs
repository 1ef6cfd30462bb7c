namespace Vigil.Analytics.Metrics.Cad;

/// <summary>
/// Port of CAD OSE, the Contextual Anomaly Detector (open source edition, Mikhail Smirnov; NAB's <c>context_ose</c>
/// detector, <c>cad_ose.py</c>). Each value is cut into 2^bits buckets of the range [min, max]; the bucket's bits are
/// facts; the detector remembers contexts "these facts (the previous value and the contexts recognised then) were
/// followed by those facts", predicts the next value's facts from the contexts that match, and scores how badly the
/// prediction failed and how much new context the step brought. After a score ≥ <c>baseThreshold</c> it stays quiet
/// for <c>restPeriod</c> samples.
/// </summary>
/// <remarks>
/// Memory grows with the number of distinct contexts a series produces (each step adds at most a few), and a step
/// visits the contexts that share a fact with the input, so cost is not O(1): see <see cref="ContextCount"/>.
/// </remarks>
public sealed class ContextualAnomalyDetector
{
    private readonly ContextOperator _operator;
    private readonly ActiveContexts _active;
    private readonly uint[] _leftFacts;
    private readonly uint[] _valueFacts;
    private readonly int[] _neurons;
    private int _leftCount;
    private int _sinceHigh;

    /// <param name="min">Lowest value of the range cut into buckets (NAB passes the file's minimum).</param>
    /// <param name="max">Highest value of the range (NAB: the file's maximum).</param>
    /// <param name="restPeriod">Samples kept quiet after a high score (NAB: 3% of the file, 15% / 5).</param>
    /// <param name="restAfterReportedHigh">CAD OSE (false) restarts the rest period at every high score, reported or
    /// not, so a long run of novel values keeps it silent from the first to well after the last; true restarts it only at
    /// a high score it reported, so the rest lasts <paramref name="restPeriod"/> samples after an alert.</param>
    public ContextualAnomalyDetector(double min, double max, int restPeriod = 30, double baseThreshold = 0.75,
        int maxLeftSemiContextLength = 7, int maxActiveNeurons = 15, int valueBits = 3, bool restAfterReportedHigh = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(restPeriod, 1);
        ArgumentOutOfRangeException.ThrowIfNotEqual(valueBits is >= 1 and <= 16, true, nameof(valueBits));
        Min = min;
        Max = max;
        RestPeriod = restPeriod;
        BaseThreshold = baseThreshold;
        MaxActiveNeurons = maxActiveNeurons;
        ValueBits = valueBits;
        MaxLeftSemiContextLength = maxLeftSemiContextLength;
        RestAfterReportedHigh = restAfterReportedHigh;
        var maxBucket = (1 << valueBits) - 1.0;
        var range = max - min;
        Step = (range == 0.0 ? maxBucket : range) / maxBucket;
        _operator = new ContextOperator(maxLeftSemiContextLength);
        _leftFacts = new uint[valueBits + maxActiveNeurons];
        _valueFacts = new uint[valueBits];
        _neurons = new int[maxActiveNeurons];
        _active = new ActiveContexts(maxActiveNeurons);
    }

    public double Min { get; }

    public double Max { get; }

    public int RestPeriod { get; }

    public double BaseThreshold { get; }

    public int MaxActiveNeurons { get; }

    public int ValueBits { get; }

    public int MaxLeftSemiContextLength { get; }

    public bool RestAfterReportedHigh { get; }

    /// <summary>Width of one bucket.</summary>
    public double Step { get; }

    /// <summary>Contexts remembered so far (the size of the state).</summary>
    public int ContextCount => _operator.Count;

    internal ContextOperator Operator => _operator;

    /// <summary>The score of <paramref name="value"/> in [0, 1], then learns it (CAD OSE's <c>getAnomalyScore</c>).</summary>
    public double Score(double value)
    {
        var bucket = Bucket(value);
        var count = ValueFacts.Encode(bucket, ValueBits, _valueFacts);
        var facts = _valueFacts.AsSpan(0, count);
        var (predicted, activeShare, addedShare) = Learn(facts);
        // CAD OSE's prediction error is only tested for > 0: some fact of the value was not predicted.
        var mispredicted = (ValueFacts.MaskOf(facts) & ~predicted) != 0;
        var current = mispredicted ? (1.0 - activeShare + addedShare) / 2.0 : 0.0;
        var returned = _sinceHigh >= RestPeriod ? current : 0.0;
        _sinceHigh = (RestAfterReportedHigh ? returned : current) >= BaseThreshold ? 0 : Math.Min(_sinceHigh + 1, int.MaxValue - 1);
        return returned;
    }

    /// <summary>The bucket of a value; values outside [min, max] (possible only with a learned range) are clamped.</summary>
    public int Bucket(double value)
    {
        var bucket = (value - Min) / Step;
        var top = (1 << ValueBits) - 1;
        return bucket <= 0 ? 0 : bucket >= top ? top : (int)bucket;
    }

    /// <summary>CAD OSE's <c>step</c>; the prediction returned is the one CAD OSE made for this value at the end of the
    /// previous step (see <see cref="ContextOperator.CrossRight"/>).</summary>
    private (ulong Predicted, double ActiveShare, double AddedShare) Learn(ReadOnlySpan<uint> valueFacts)
    {
        _active.Clear();
        var previousLeft = _leftFacts.AsSpan(0, _leftCount);
        var newContext = previousLeft.Length > 0 && valueFacts.Length > 0
            && _operator.AddZeroLevel(previousLeft, PythonHash.OfTuple(previousLeft), valueFacts, PythonHash.OfTuple(valueFacts));
        var (selected, predicted) = _operator.CrossRight(valueFacts, previousLeft, newContext, _active);
        var activeShare = selected > 0 ? _active.Count / (double)selected : 0.0;

        // The most active contexts become "neurons": facts of the next step's left side.
        var top = _active.Top;
        for (var i = 0; i < top.Length; i++)
        {
            _neurons[i] = top[i].Id;
        }
        var neurons = top.Length;
        Array.Sort(_neurons, 0, neurons);
        valueFacts.CopyTo(_leftFacts);
        for (var i = 0; i < neurons; i++)
        {
            _leftFacts[valueFacts.Length + i] = ValueFacts.NeuronBase + (uint)_neurons[i];
        }
        _leftCount = valueFacts.Length + neurons;

        var added = _operator.CrossLeft(_leftFacts.AsSpan(0, _leftCount));
        // New contexts (the zero-level one and the added candidates) among the distinct ones this step touched; CAD
        // OSE computes it only when the step brought a new zero-level context.
        var addedShare = newContext ? (added + 1) / (double)_operator.DistinctCandidates : 0.0;
        return (predicted, activeShare, addedShare);
    }

    /// <summary>Ends the rest period now, so the next value is scored whatever the latest high score was.</summary>
    internal void EndRestPeriod() => _sinceHigh = RestPeriod;

    internal void Write(ref StateWriter writer)
    {
        ValueFacts.Write(ref writer, _leftFacts.AsSpan(0, _leftCount));
        writer.Write((long)_operator.Predict());
        writer.Write(_sinceHigh);
        _operator.Write(ref writer);
    }

    /// <summary>Restores what <see cref="Write"/> wrote into a fresh detector built with the same arguments.</summary>
    internal void Read(ref StateReader reader)
    {
        var left = ValueFacts.Read(ref reader, _leftFacts.Length);
        left.CopyTo(_leftFacts, 0);
        _leftCount = left.Length;
        _ = reader.ReadInt64(); // the prediction, made again from the restored contexts by the next step
        _sinceHigh = reader.ReadCount(int.MaxValue);
        _operator.Read(ref reader);
    }
}
