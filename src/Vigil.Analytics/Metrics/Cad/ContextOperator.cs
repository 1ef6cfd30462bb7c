namespace Vigil.Analytics.Metrics.Cad;

/// <summary>
/// Port of CAD OSE's <c>context_operator.py</c> (Mikhail Smirnov, NAB's <c>context_ose</c> detector): the context
/// memory, its crossing with the input facts and the predictions it makes.
/// </summary>
/// <remarks>
/// Contexts live by value in one array, and each left semi-context has the list of its context ids. A step visits only the completely matched left
/// semi-contexts unless it brought a new context, the only case in which partial matches can make candidates.
/// </remarks>
internal sealed partial class ContextOperator(int maxLeftSemiContextLength)
{
    private Context[] _contexts = new Context[64];
    private readonly ContextLists _ofLeft = new();
    // The buffer of the thread running the current step (taken again at the start of each step).
    private CandidateBuffer _candidates = CandidateBuffer.ForThisThread;

    // CAD OSE resets this to False, and in Python False == 0, so context 0 is never updated; kept for fidelity.
    private int _newContextId;

    // This step's zero-level context (new or not), counted among the step's distinct contexts.
    private int _zeroLevelId = -1;

    public ContextSide Left { get; } = new();

    public ContextSide Right { get; } = new();

    /// <summary>Contexts remembered so far; ids are 0 … Count − 1.</summary>
    public int Count { get; private set; }

    /// <summary>The candidates of the latest <see cref="CrossRight"/>, in the order CAD OSE makes them.</summary>
    private ReadOnlySpan<PotentialContext> Potentials => _candidates.Items;

    /// <summary>The distinct contexts among this step's zero-level context and its candidates (CAD OSE counts their
    /// distinct (left hash, right hash) pairs, one per context); counted by <see cref="CrossLeft"/>.</summary>
    public int DistinctCandidates => _candidates.Distinct;

    /// <summary>Records the (previous facts, current value) context; true when it is new.</summary>
    public bool AddZeroLevel(ReadOnlySpan<uint> left, long leftHash, ReadOnlySpan<uint> right, long rightHash)
    {
        var (created, id) = GetOrAdd(left, leftHash, right, rightHash, zeroLevel: true);
        _zeroLevelId = id;
        if (created)
        {
            _newContextId = id;
            return true;
        }
        _contexts[id].ZeroLevel = true;
        return false;
    }

    /// <summary>
    /// <c>contextCrosser(1)</c> + <c>updateContextsAndGetActive</c>: crosses the right side with the value's facts,
    /// then updates every context whose left side matched the previous step, collecting the fully matched contexts
    /// and, when this step brought a new zero-level context, the partial matches as candidate contexts.
    /// </summary>
    /// <remarks>
    /// CAD OSE predicts the next value right after crossing the left side (the union of the right sides of the
    /// completely matched contexts with the best hit rate), and the next step updates exactly those contexts. Making
    /// the prediction here, from each context's record just before its update, reads the contexts once instead of
    /// twice; the one context that did not exist when CAD OSE predicted, this step's new zero-level one, is left out.
    /// </remarks>
    /// <returns>The number of contexts whose left side matched completely, and the value facts CAD OSE predicted for
    /// this value, as a mask.</returns>
    public (int Selected, ulong Predicted) CrossRight(ReadOnlySpan<uint> valueFacts, ReadOnlySpan<uint> previousLeft, bool newContext, ActiveContexts active)
    {
        Right.Cross(valueFacts);
        _candidates = CandidateBuffer.ForThisThread;
        _candidates.Start(previousLeft, valueFacts);
        var prediction = new Prediction(Right.ValueMasks);
        var selected = 0;
        if (newContext)
        {
            // Candidates come from partly matched left semi-contexts too, and the order they are made in gives the
            // ids of new contexts: visit every crossed one in creation order, as CAD OSE does.
            for (var left = 0; left < Left.Count; left++)
            {
                var crossed = Left.Crossed(left);
                if (crossed > 0 && Left.FullyCrossed(left))
                {
                    selected += UpdateContextsOf(left, active, ref prediction);
                }
                else if (crossed > 0 && crossed <= maxLeftSemiContextLength)
                {
                    AddCandidatesOf(left, crossed);
                }
            }
        }
        else
        {
            selected = UpdateCompleteMatches(active, ref prediction);
        }
        _newContextId = 0;
        return (selected, prediction.Facts);
    }

    /// <summary>The prediction CAD OSE would make now for the next value (what <see cref="CrossRight"/> will compute
    /// from the same records), for the exported state.</summary>
    public ulong Predict()
    {
        var prediction = new Prediction(Right.ValueMasks);
        var contexts = _contexts.AsSpan(0, Count);
        foreach (var left in Left.Complete)
        {
            foreach (var id in _ofLeft[left])
            {
                prediction.Add(in contexts[id]);
            }
        }
        return prediction.Facts;
    }

    /// <summary>
    /// <c>contextCrosser(0)</c>: stores the candidate contexts and crosses the left side with the new left facts (the
    /// prediction CAD OSE makes here is made by the next <see cref="CrossRight"/>).
    /// </summary>
    /// <returns>The number of candidates that were new contexts.</returns>
    public int CrossLeft(ReadOnlySpan<uint> leftFacts)
    {
        var added = 0;
        if (_zeroLevelId >= 0)
        {
            _candidates.CountDistinct(_zeroLevelId);
            _zeroLevelId = -1;
        }
        // A step's candidates come one left semi-context at a time and share a few right ones, so each side is looked
        // up once, not once per candidate (~90 candidates, ~30 distinct).
        int leftStart = -1, left = 0;
        foreach (var potential in Potentials)
        {
            if (potential.LeftStart != leftStart)
            {
                leftStart = potential.LeftStart;
                left = LeftOf(_candidates.LeftFacts(potential), potential.LeftHash);
            }
            if (!_candidates.TryGetResolvedRight(potential, out var right))
            {
                right = Right.GetOrAdd(_candidates.RightFacts(potential), potential.RightHash).Id;
                _candidates.SetResolvedRight(potential, right);
            }
            var (created, id) = GetOrAdd(left, right, zeroLevel: false);
            _candidates.CountDistinct(id);
            if (created)
            {
                added++;
            }
        }
        Left.Cross(leftFacts);
        return added;
    }

    /// <summary>
    /// <c>updateContextsAndGetActive</c> on a step without a new context (nearly all of them): only contexts whose
    /// left side matched completely change, none can become a candidate, and the visiting order does not matter.
    /// </summary>
    /// <returns>The number of contexts whose left side matched completely.</returns>
    private int UpdateCompleteMatches(ActiveContexts active, ref Prediction prediction)
    {
        var contexts = _contexts.AsSpan(0, Count);
        var rightMissing = Right.MissingCounts;
        var rightLength = Right.Lengths;
        var rightHash = Right.Hashes;
        var leftHash = Left.Hashes;
        var selected = 0;
        var newContextId = _newContextId; // a local: the loop's writes to contexts made the JIT re-read the field
        foreach (var left in Left.Complete)
        {
            foreach (var id in _ofLeft[left])
            {
                ref var context = ref contexts[id];
                // No new context this step, so _newContextId is 0: CAD OSE's quirk skips context 0's update, but
                // context 0 did take part in the prediction.
                prediction.Add(in context);
                if (id == newContextId)
                {
                    continue;
                }
                selected++;
                var right = context.Right;
                var length = rightLength[right];
                var missing = rightMissing[right];
                context.Expected += length;
                if (missing < length)
                {
                    context.Hits += length - missing;
                    if (missing == 0)
                    {
                        context.Activations++;
                        active.Add(id, context.Activations, leftHash[left], rightHash[right]);
                    }
                }
            }
        }
        return selected;
    }

    /// <summary>The body of <c>updateContextsAndGetActive</c> for the contexts of a completely matched left
    /// semi-context, on a step that brought a new zero-level context: each is updated and takes part in the prediction,
    /// and a zero-level one whose right side matched only in part is a candidate.</summary>
    /// <returns>How many of them count as selected.</returns>
    private int UpdateContextsOf(int left, ActiveContexts active, ref Prediction prediction)
    {
        var leftCrossed = Left.Crossed(left);
        var selected = 0;
        foreach (var id in _ofLeft[left])
        {
            if (id == _newContextId)
            {
                continue; // this step's new zero-level context: neither updated nor part of the prediction
            }
            ref var context = ref _contexts[id];
            var right = context.Right;
            var rightCrossed = Right.Crossed(right);
            prediction.Add(in context);
            selected++;
            context.Expected += Right.Facts(right).Length;
            if (rightCrossed == 0)
            {
                continue;
            }
            context.Hits += rightCrossed;
            if (Right.FullyCrossed(right))
            {
                context.Activations++;
                active.Add(id, context.Activations, Left.Hash(left), Right.Hash(right));
            }
            else if (context.ZeroLevel && leftCrossed <= maxLeftSemiContextLength)
            {
                _candidates.Add(Left, left, leftCrossed, Right, right, rightCrossed);
            }
        }
        return selected;
    }

    /// <summary>The candidates of a left semi-context matched only in part (nothing of its contexts is updated): its
    /// zero-level contexts whose right side matched at least in part, in creation order.</summary>
    private void AddCandidatesOf(int left, int leftCrossed)
    {
        var contexts = _contexts.AsSpan(0, Count);
        foreach (var id in _ofLeft[left])
        {
            var context = contexts[id];
            if (!context.ZeroLevel || id == _newContextId)
            {
                continue;
            }
            var rightCrossed = Right.Crossed(context.Right);
            if (rightCrossed > 0)
            {
                _candidates.Add(Left, left, leftCrossed, Right, context.Right, rightCrossed);
            }
        }
    }

    private (bool Created, int Id) GetOrAdd(ReadOnlySpan<uint> leftFacts, long leftHash, ReadOnlySpan<uint> rightFacts, long rightHash, bool zeroLevel) =>
        GetOrAdd(LeftOf(leftFacts, leftHash), Right.GetOrAdd(rightFacts, rightHash).Id, zeroLevel);

    /// <summary>The left semi-context with these facts, created (with its empty list of contexts) if new.</summary>
    private int LeftOf(ReadOnlySpan<uint> facts, long hash)
    {
        var (left, created) = Left.GetOrAdd(facts, hash);
        if (created)
        {
            _ofLeft.AddList();
        }
        return left;
    }

    private (bool Created, int Id) GetOrAdd(int left, int right, bool zeroLevel)
    {
        foreach (var id in _ofLeft[left])
        {
            if (_contexts[id].Right == right)
            {
                return (false, id);
            }
        }
        return (true, AddContext(new Context(right, zeroLevel), left));
    }

    /// <summary>Stores a context and, for a left semi-context id ≥ 0, appends it to that one's list.</summary>
    private int AddContext(Context context, int left)
    {
        var id = Count;
        if (id == _contexts.Length)
        {
            Array.Resize(ref _contexts, id * 2);
        }
        _contexts[id] = context;
        Count++;
        if (left >= 0)
        {
            _ofLeft.Append(left, id);
        }
        return id;
    }
}

/// <summary>CAD OSE's prediction: the union of the right sides of the contexts with the best hit rate. The union of
/// the best is the same in any visiting order.</summary>
internal ref struct Prediction(ReadOnlySpan<ulong> rightMasks)
{
    private readonly ReadOnlySpan<ulong> _rightMasks = rightMasks;
    // The best hit rate as a fraction, compared by cross-multiplying (exact, and no division per context); 0/1 until
    // a context beats it, as CAD OSE starts from 0.
    private long _bestHits;
    private long _bestExpected = 1;

    public ulong Facts { get; private set; }

    public void Add(in Context context)
    {
        // A context never expected anything has weight 0 (Hits is then 0 too, so 0/1 stands for it).
        long hits = context.Hits, expected = Math.Max(context.Expected, 1);
        var left = hits * _bestExpected;
        var right = _bestHits * expected;
        if (left > right)
        {
            (_bestHits, _bestExpected) = (hits, expected);
            Facts = _rightMasks[context.Right];
        }
        else if (left == right)
        {
            Facts |= _rightMasks[context.Right];
        }
    }
}
