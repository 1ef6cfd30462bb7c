namespace Vigil.Analytics.Metrics.Cad;

/// <summary>A candidate context built by intersecting what matched on each side: its left facts at
/// <c>LeftStart</c> and its right facts at <c>RightStart</c> in the buffer's fact pool.</summary>
internal readonly record struct PotentialContext(int LeftStart, int LeftLength, int RightStart, int RightLength, long LeftHash, long RightHash, int SourceRight);

/// <summary>
/// The candidate contexts of one CAD step and their facts. They live from the right-side crossing to the left-side one
/// of the same step, so one buffer per thread serves every series: kept per detector, the buffers' high-water mark
/// was about 36 KB of each series' heap.
/// </summary>
/// <remarks>
/// A candidate's left facts are what its left semi-context shares with the previous input, and its right facts what its
/// right semi-context shares with the value: within a step both depend only on the semi-context, not on the context.
/// A step makes ~90 candidates from ~30 distinct pairs, so each side's shared facts and hash are computed once per
/// semi-context and step, and the candidates point at them.
/// </remarks>
internal sealed class CandidateBuffer
{
    [ThreadStatic]
    private static CandidateBuffer? t_current;

    private PotentialContext[] _items = new PotentialContext[8];
    private uint[] _facts = new uint[64];
    private int _factCount;

    // The left semi-context whose shared facts were written last (candidates come one left semi-context at a time).
    private int _left = -1;
    private int _leftStart;
    private long _leftHash;

    // Per right semi-context: the step its shared facts were written in, where, and their hash.
    private int _step;
    private int[] _rightStep = new int[16];
    private int[] _rightStart = new int[16];
    private long[] _rightHash = new long[16];
    private int[] _resolvedStep = new int[16];
    private int[] _resolved = new int[16];

    // The step each context id was last counted in (ids of whichever series ran a step on this thread: the step
    // number is the buffer's, so a stale mark never equals the current step).
    private int[] _contextStep = new int[64];
    private int _distinct;

    // This step's two inputs as sets, so a semi-context's shared facts are a filter over its facts instead of a merge
    // with the input: the value facts of each as bit masks, the previous left input's neurons as a bitmap by id.
    private ulong _leftValueFacts;
    private ulong _rightValueFacts;
    private ulong[] _leftNeurons = new ulong[64];
    private readonly List<int> _leftNeuronWords = [];

    // Neuron ids are context ids (a few thousand); a stored state could name any, so beyond this the step merges.
    private const int MaxBitmapNeuron = 1 << 16;
    private bool _merge;
    private uint[] _previousLeft = [];

    public static CandidateBuffer ForThisThread => t_current ??= new();

    public ReadOnlySpan<PotentialContext> Items => _items.AsSpan(0, Count);

    public int Count { get; private set; }

    /// <summary>Starts a step with these inputs: no candidates, and no semi-context's shared facts known yet.</summary>
    public void Start(ReadOnlySpan<uint> previousLeft, ReadOnlySpan<uint> valueFacts)
    {
        foreach (var word in _leftNeuronWords)
        {
            _leftNeurons[word] = 0;
        }
        _leftNeuronWords.Clear();
        (_leftValueFacts, _rightValueFacts, _merge) = (ValueFacts.MaskOf(previousLeft), ValueFacts.MaskOf(valueFacts), false);
        foreach (var fact in previousLeft)
        {
            if (fact < ValueFacts.NeuronBase)
            {
                continue;
            }
            var neuron = fact - ValueFacts.NeuronBase;
            if (neuron >= MaxBitmapNeuron)
            {
                _merge = true;
                continue;
            }
            var word = (int)(neuron >> 6);
            if (word >= _leftNeurons.Length)
            {
                Array.Resize(ref _leftNeurons, Math.Max(_leftNeurons.Length * 2, word + 1));
            }
            _leftNeurons[word] |= 1UL << (int)neuron;
            _leftNeuronWords.Add(word);
        }
        if (_merge)
        {
            _previousLeft = previousLeft.ToArray();
        }
        Clear();
    }

    private void Clear()
    {
        (Count, _factCount, _left, _distinct) = (0, 0, -1, 0);
        if (++_step == int.MaxValue)
        {
            Array.Clear(_rightStep);
            Array.Clear(_resolvedStep);
            Array.Clear(_contextStep);
            _step = 1;
        }
    }

    public ReadOnlySpan<uint> LeftFacts(in PotentialContext candidate) => _facts.AsSpan(candidate.LeftStart, candidate.LeftLength);

    public ReadOnlySpan<uint> RightFacts(in PotentialContext candidate) => _facts.AsSpan(candidate.RightStart, candidate.RightLength);

    /// <summary>
    /// Adds the candidate of left semi-context <paramref name="left"/> (sharing <paramref name="leftLength"/> facts with
    /// the step's previous left input) and right semi-context <paramref name="right"/> (sharing
    /// <paramref name="rightLength"/> facts with the value). Within one step a semi-context always shares the same
    /// facts, so those are looked up once.
    /// </summary>
    public void Add(ContextSide leftSide, int left, int leftLength, ContextSide rightSide, int right, int rightLength)
    {
        if (left != _left)
        {
            _leftStart = _factCount;
            var facts = Reserve(leftLength);
            if (_merge)
            {
                leftSide.Shared(left, _previousLeft, facts);
            }
            else
            {
                Filter(leftSide.Facts(left), _leftValueFacts, _leftNeurons, facts);
            }
            (_left, _leftHash) = (left, PythonHash.OfTuple(facts));
            _factCount += leftLength;
        }
        if (right >= _rightStep.Length)
        {
            var size = Math.Max(_rightStep.Length * 2, right + 1);
            Array.Resize(ref _rightStep, size);
            Array.Resize(ref _rightStart, size);
            Array.Resize(ref _rightHash, size);
            Array.Resize(ref _resolvedStep, size);
            Array.Resize(ref _resolved, size);
        }
        if (_rightStep[right] != _step)
        {
            var facts = Reserve(rightLength);
            Filter(rightSide.Facts(right), _rightValueFacts, [], facts);
            (_rightStep[right], _rightStart[right], _rightHash[right]) = (_step, _factCount, PythonHash.OfTuple(facts));
            _factCount += rightLength;
        }
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, Count * 2);
        }
        _items[Count++] = new(_leftStart, leftLength, _rightStart[right], rightLength, _leftHash, _rightHash[right], right);
    }

    /// <summary>The right semi-context a candidate's right facts were found to be earlier in this step, if any.</summary>
    public bool TryGetResolvedRight(in PotentialContext candidate, out int id)
    {
        id = _resolved[candidate.SourceRight];
        return _resolvedStep[candidate.SourceRight] == _step;
    }

    public void SetResolvedRight(in PotentialContext candidate, int id) =>
        (_resolvedStep[candidate.SourceRight], _resolved[candidate.SourceRight]) = (_step, id);

    /// <summary>Counts context <paramref name="id"/> among this step's distinct contexts (once, however often it is
    /// named). A context is the only one with its (left, right) pair of semi-contexts, which are keyed by hash, so
    /// this counts the distinct (left hash, right hash) pairs CAD OSE counts.</summary>
    public void CountDistinct(int id)
    {
        if (id >= _contextStep.Length)
        {
            Array.Resize(ref _contextStep, Math.Max(_contextStep.Length * 2, id + 1));
        }
        if (_contextStep[id] != _step)
        {
            _contextStep[id] = _step;
            _distinct++;
        }
    }

    /// <summary>The distinct contexts counted in this step.</summary>
    public int Distinct => _distinct;

    /// <summary>The facts of <paramref name="facts"/> in the input (its value facts as a mask, its neurons as a
    /// bitmap), in their order, into <paramref name="shared"/>; slots left over stay 0.</summary>
    private static void Filter(ReadOnlySpan<uint> facts, ulong valueMask, ReadOnlySpan<ulong> neurons, Span<uint> shared)
    {
        var k = 0;
        foreach (var fact in facts)
        {
            if (k == shared.Length)
            {
                break;
            }
            bool member;
            if (fact >= ValueFacts.NeuronBase)
            {
                var neuron = (int)(fact - ValueFacts.NeuronBase);
                member = (neuron >> 6) < neurons.Length && (neurons[neuron >> 6] & (1UL << neuron)) != 0;
            }
            else
            {
                var offset = fact - ValueFacts.First;
                member = offset < 64 && (valueMask & (1UL << (int)offset)) != 0;
            }
            if (member)
            {
                shared[k++] = fact;
            }
        }
        shared[k..].Clear();
    }

    /// <summary>Room for <paramref name="length"/> more facts at the end of the pool.</summary>
    private Span<uint> Reserve(int length)
    {
        if (_factCount + length > _facts.Length)
        {
            Array.Resize(ref _facts, Math.Max(_facts.Length * 2, _factCount + length));
        }
        return _facts.AsSpan(_factCount, length);
    }
}
