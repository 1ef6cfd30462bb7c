namespace Vigil.Analytics.Metrics.Cad;

/// <summary>A candidate context built by intersecting what matched on each side.</summary>
internal readonly record struct PotentialContext(long[] Left, long[] Right, long LeftHash, long RightHash);

/// <summary>A context that matched completely this step, with its sort key.</summary>
internal readonly record struct ActiveContext(int Id, int Activations, long LeftHash, long RightHash) : IComparable<ActiveContext>
{
    public int CompareTo(ActiveContext other)
    {
        var byActivations = Activations.CompareTo(other.Activations);
        if (byActivations != 0)
        {
            return byActivations;
        }
        var byLeft = LeftHash.CompareTo(other.LeftHash);
        return byLeft != 0 ? byLeft : RightHash.CompareTo(other.RightHash);
    }
}

/// <summary>
/// Port of CAD OSE's <c>context_operator.py</c> (Mikhail Smirnov, NAB's <c>context_ose</c> detector): the context
/// memory, its crossing with the input facts and the predictions it makes.
/// </summary>
internal sealed class ContextOperator(int maxLeftSemiContextLength)
{
    private readonly List<Context> _contexts = [];

    // CAD OSE resets this to False, and in Python False == 0, so context 0 is never updated; kept for fidelity.
    private int _newContextId;

    public ContextSide Left { get; } = new(left: true);

    public ContextSide Right { get; } = new(left: false);

    public IReadOnlyList<Context> Contexts => _contexts;

    public int NewContextId { get => _newContextId; set => _newContextId = value; }

    /// <summary>Records the (previous facts, current value) context; true when it is new.</summary>
    public bool AddZeroLevel(ReadOnlySpan<long> left, long leftHash, ReadOnlySpan<long> right, long rightHash)
    {
        var (created, id) = GetOrAdd(left, leftHash, right, rightHash, zeroLevel: true);
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
    /// <returns>The number of contexts whose left side matched completely.</returns>
    public int CrossRight(ReadOnlySpan<long> valueFacts, ReadOnlySpan<long> previousLeft, bool newContext,
        List<ActiveContext> active, List<PotentialContext> potentials)
    {
        Right.Cross(valueFacts);
        var selected = 0;
        foreach (var left in Left.Crossed)
        {
            var leftComplete = left.FullyCrossed;
            foreach (var (rightId, contextId) in left.Contexts!)
            {
                if (contextId == _newContextId)
                {
                    continue;
                }
                var context = _contexts[contextId];
                var right = Right[rightId];
                var candidate = context.ZeroLevel && newContext && right.Crossed > 0 && left.Crossed <= maxLeftSemiContextLength;
                if (leftComplete)
                {
                    selected++;
                    context.Expected += right.Facts.Length;
                    if (right.Crossed > 0)
                    {
                        context.Hits += right.Crossed;
                        if (right.FullyCrossed)
                        {
                            context.Activations++;
                            active.Add(new(contextId, context.Activations, context.LeftHash, right.Hash));
                            candidate = false;
                        }
                    }
                }
                if (candidate)
                {
                    var leftFacts = ContextSide.Shared(left, previousLeft);
                    var rightFacts = ContextSide.Shared(right, valueFacts);
                    potentials.Add(new(leftFacts, rightFacts, PythonHash.OfTuple(leftFacts), PythonHash.OfTuple(rightFacts)));
                }
            }
        }
        _newContextId = 0;
        return selected;
    }

    /// <summary>
    /// <c>contextCrosser(0)</c>: stores the candidate contexts, crosses the left side with the new left facts and
    /// predicts the union of the right sides of the completely matched contexts with the best hit rate.
    /// </summary>
    /// <returns>The number of candidates that were new contexts, and the predicted value facts as a mask.</returns>
    public (int Added, ulong Predicted) CrossLeft(ReadOnlySpan<long> leftFacts, List<PotentialContext> potentials)
    {
        var added = 0;
        foreach (var potential in potentials)
        {
            if (GetOrAdd(potential.Left, potential.LeftHash, potential.Right, potential.RightHash, zeroLevel: false).Created)
            {
                added++;
            }
        }
        Left.Cross(leftFacts);
        var best = 0.0;
        ulong predicted = 0;
        foreach (var semi in Left.Crossed)
        {
            if (!semi.FullyCrossed)
            {
                continue;
            }
            foreach (var contextId in semi.Contexts!.Values)
            {
                var context = _contexts[contextId];
                var weight = context.PredictionWeight;
                if (weight > best)
                {
                    best = weight;
                    predicted = context.Right.ValueMask;
                }
                else if (weight == best)
                {
                    predicted |= context.Right.ValueMask;
                }
            }
        }
        return (added, predicted);
    }

    /// <summary>Right semi-contexts, then contexts, then left semi-contexts with their context maps.</summary>
    internal void Write(ref StateWriter writer)
    {
        writer.Write(_newContextId);
        writer.Write(Right.Count);
        foreach (var semi in Right.All)
        {
            writer.Write(semi.Facts);
            writer.Write(semi.Crossed);
        }
        writer.Write(_contexts.Count);
        foreach (var context in _contexts)
        {
            writer.Write(context.Expected);
            writer.Write(context.Hits);
            writer.Write(context.Activations);
            writer.Write(context.Right.Id);
            writer.Write(context.ZeroLevel);
            writer.Write(context.LeftHash);
        }
        writer.Write(Left.Count);
        foreach (var semi in Left.All)
        {
            writer.Write(semi.Facts);
            writer.Write(semi.Crossed);
            writer.Write(semi.Contexts!.Count);
            foreach (var (rightId, contextId) in semi.Contexts)
            {
                writer.Write(rightId);
                writer.Write(contextId);
            }
        }
    }

    internal void Read(ref StateReader reader)
    {
        const int MaxFacts = 1 << 16;
        _newContextId = reader.ReadCount(int.MaxValue);
        var rights = reader.ReadCount(int.MaxValue);
        for (var id = 0; id < rights; id++)
        {
            var facts = reader.ReadLongs(MaxFacts);
            Right.Add(new SemiContext(id, facts, PythonHash.OfTuple(facts), left: false) { Crossed = reader.ReadCount(facts.Length) });
        }
        var contexts = reader.ReadCount(int.MaxValue);
        for (var id = 0; id < contexts; id++)
        {
            var (expected, hits, activations) = (reader.ReadCount(int.MaxValue), reader.ReadCount(int.MaxValue), reader.ReadCount(int.MaxValue));
            var right = Right[reader.ReadCount(rights - 1)];
            var zeroLevel = reader.ReadBoolean();
            _contexts.Add(new Context(right, zeroLevel, reader.ReadInt64()) { Expected = expected, Hits = hits, Activations = activations });
        }
        var lefts = reader.ReadCount(int.MaxValue);
        for (var id = 0; id < lefts; id++)
        {
            var facts = reader.ReadLongs(MaxFacts);
            var semi = new SemiContext(id, facts, PythonHash.OfTuple(facts), left: true) { Crossed = reader.ReadCount(facts.Length) };
            var pairs = reader.ReadCount(rights);
            for (var i = 0; i < pairs; i++)
            {
                semi.Contexts![reader.ReadCount(rights - 1)] = reader.ReadCount(contexts - 1);
            }
            Left.Add(semi);
        }
        Left.RestoreCrossed();
        Right.RestoreCrossed();
    }

    private (bool Created, int Id) GetOrAdd(ReadOnlySpan<long> leftFacts, long leftHash, ReadOnlySpan<long> rightFacts, long rightHash, bool zeroLevel)
    {
        var left = Left.GetOrAdd(leftFacts, leftHash);
        var right = Right.GetOrAdd(rightFacts, rightHash);
        if (left.Contexts!.TryGetValue(right.Id, out var existing))
        {
            return (false, existing);
        }
        var id = _contexts.Count;
        left.Contexts[right.Id] = id;
        _contexts.Add(new Context(right, zeroLevel, leftHash));
        return (true, id);
    }
}
