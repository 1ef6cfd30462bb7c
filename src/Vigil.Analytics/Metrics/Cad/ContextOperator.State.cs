namespace Vigil.Analytics.Metrics.Cad;

/// <summary>Persistence of the context memory (the layout predates the array storage and is unchanged).</summary>
internal sealed partial class ContextOperator
{
    /// <summary>The most facts a stored semi-context may hold (a bound for damaged state, far above real ones).</summary>
    private const int MaxFacts = 1 << 16;

    /// <summary>Right semi-contexts, then contexts, then left semi-contexts with their context maps.</summary>
    internal void Write(ref StateWriter writer)
    {
        writer.Write(_newContextId);
        writer.Write(Right.Count);
        for (var right = 0; right < Right.Count; right++)
        {
            ValueFacts.Write(ref writer, Right.Facts(right));
            writer.Write(Right.Crossed(right));
        }
        writer.Write(Count);
        var leftHashes = LeftHashOfContexts();
        for (var id = 0; id < Count; id++)
        {
            var context = _contexts[id];
            writer.Write(context.Expected);
            writer.Write(context.Hits);
            writer.Write(context.Activations);
            writer.Write(context.Right);
            writer.Write(context.ZeroLevel);
            writer.Write(leftHashes[id]);
        }
        writer.Write(Left.Count);
        for (var left = 0; left < Left.Count; left++)
        {
            ValueFacts.Write(ref writer, Left.Facts(left));
            writer.Write(Left.Crossed(left));
            writer.Write(_ofLeft[left].Length);
            foreach (var id in _ofLeft[left])
            {
                writer.Write(_contexts[id].Right);
                writer.Write(id);
            }
        }
    }

    internal void Read(ref StateReader reader)
    {
        _newContextId = reader.ReadCount(int.MaxValue);
        var rights = reader.ReadCount(int.MaxValue);
        for (var id = 0; id < rights; id++)
        {
            var facts = ValueFacts.Read(ref reader, MaxFacts);
            Right.Add(facts, PythonHash.OfTuple(facts), reader.ReadCount(facts.Length));
        }
        var contexts = reader.ReadCount(int.MaxValue);
        var storedLeftHashes = new long[contexts];
        for (var id = 0; id < contexts; id++)
        {
            var (expected, hits, activations) = (reader.ReadCount(int.MaxValue), reader.ReadCount(int.MaxValue), reader.ReadCount(int.MaxValue));
            var right = reader.ReadCount(rights - 1);
            var zeroLevel = reader.ReadBoolean();
            AddContext(new Context(right, zeroLevel) { Expected = expected, Hits = hits, Activations = activations }, left: -1);
            storedLeftHashes[id] = reader.ReadInt64();
        }
        var linked = new bool[contexts];
        var lefts = reader.ReadCount(int.MaxValue);
        for (var id = 0; id < lefts; id++)
        {
            var facts = ValueFacts.Read(ref reader, MaxFacts);
            var left = Left.Add(facts, PythonHash.OfTuple(facts), reader.ReadCount(facts.Length));
            _ofLeft.AddList();
            var pairs = reader.ReadCount(rights);
            var previous = -1;
            for (var i = 0; i < pairs; i++)
            {
                var right = reader.ReadCount(rights - 1);
                var context = reader.ReadCount(contexts - 1);
                // Every context belongs to exactly one left semi-context, under its own right one, and a left's
                // contexts are listed in creation (id) order; anything else is damage.
                if (linked[context] || _contexts[context].Right != right || context <= previous)
                {
                    throw new FormatException("detector state: bad context map");
                }
                linked[context] = true;
                previous = context;
                _ofLeft.Append(left, context);
            }
        }
        // A context's left hash is its left semi-context's (it is not kept twice in memory), so they must agree.
        if (!LeftHashOfContexts().AsSpan().SequenceEqual(storedLeftHashes))
        {
            throw new FormatException("detector state: a context's left hash is not its left semi-context's");
        }
        Left.RestoreCrossed();
        Right.RestoreCrossed();
    }

    /// <summary>Each context's left hash (CAD OSE keeps it in the context; here it is the left semi-context's hash).</summary>
    private long[] LeftHashOfContexts()
    {
        var hashes = new long[Count];
        for (var left = 0; left < Left.Count; left++)
        {
            foreach (var id in _ofLeft[left])
            {
                hashes[id] = Left.Hash(left);
            }
        }
        return hashes;
    }
}
