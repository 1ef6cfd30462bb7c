namespace Vigil.Analytics.Logs;

/// <summary>
/// Finds the templates that could take a message without scanning every template of its length: an inverted index
/// from (length, position, word) to templates, plus, per position, the templates whose slot there takes any word.
/// A covering template must pass through the message's rarest position; a sibling (one word different) through at
/// least one of its two rarest positions. So the slow path stays fast with thousands of templates of one length.
/// </summary>
/// <remarks>
/// Removal is lazy: merged or evicted templates stay in their lists until stale entries outnumber live templates,
/// then the index is rebuilt. Callers check each candidate anyway.
/// </remarks>
internal sealed class TemplateIndex
{
    private readonly Dictionary<(int Length, int Position, int Hash), List<TemplateState>> _byWord = [];
    private readonly Dictionary<(int Length, int Position), List<TemplateState>> _free = [];
    private readonly Dictionary<int, List<TemplateState>> _byLength = [];
    private readonly List<TemplateState> _candidates = [];
    private int _stale;
    private int _live;
    private int _mark;

    public void Add(TemplateState template)
    {
        _live++;
        Post(template);
    }

    /// <summary>Slot <paramref name="position"/> of <paramref name="template"/> now takes any word.</summary>
    public void Freed(TemplateState template, int position)
    {
        List(_free, (template.Length, position)).Add(template);
        _stale++;
    }

    /// <summary>The template was merged away or evicted.</summary>
    public void Removed(IEnumerable<TemplateState> live, int count = 1)
    {
        _live -= count;
        _stale += count;
        if (_stale > Math.Max(1024, _live))
        {
            Rebuild(live);
        }
    }

    /// <summary>Templates that may cover the message (each at most once; callers verify).</summary>
    public List<TemplateState> CoveringCandidates(ReadOnlySpan<TokenSlice> tokens)
    {
        _candidates.Clear();
        _mark++;
        if (tokens.Length == 0)
        {
            AddLive(_byLength.GetValueOrDefault(0));
            return _candidates;
        }
        var (best, _) = Rarest(tokens, exclude: -1);
        AddPosition(tokens, best);
        return _candidates;
    }

    /// <summary>Templates that may differ from the message in exactly one word (each at most once; callers verify).</summary>
    public List<TemplateState> SiblingCandidates(ReadOnlySpan<TokenSlice> tokens)
    {
        _candidates.Clear();
        _mark++;
        if (tokens.Length <= 1)
        {
            AddLive(_byLength.GetValueOrDefault(tokens.Length));
            return _candidates;
        }
        var (first, _) = Rarest(tokens, exclude: -1);
        var (second, _) = Rarest(tokens, exclude: first);
        AddPosition(tokens, first);
        AddPosition(tokens, second);
        return _candidates;
    }

    private (int Position, int Count) Rarest(ReadOnlySpan<TokenSlice> tokens, int exclude)
    {
        var best = -1;
        var bestCount = int.MaxValue;
        for (var p = 0; p < tokens.Length; p++)
        {
            if (p == exclude)
            {
                continue;
            }
            var count = (_byWord.GetValueOrDefault((tokens.Length, p, tokens[p].Hash))?.Count ?? 0)
                + (_free.GetValueOrDefault((tokens.Length, p))?.Count ?? 0);
            if (count < bestCount)
            {
                best = p;
                bestCount = count;
            }
        }
        return (best, bestCount);
    }

    private void AddPosition(ReadOnlySpan<TokenSlice> tokens, int p)
    {
        AddLive(_byWord.GetValueOrDefault((tokens.Length, p, tokens[p].Hash)));
        AddLive(_free.GetValueOrDefault((tokens.Length, p)));
    }

    private void AddLive(List<TemplateState>? list)
    {
        if (list is null)
        {
            return;
        }
        foreach (var t in list)
        {
            if (t.Mark != _mark && t.MergedInto is null && !t.Evicted)
            {
                t.Mark = _mark;
                _candidates.Add(t);
            }
        }
    }

    private void Post(TemplateState template)
    {
        List(_byLength, template.Length).Add(template);
        for (var p = 0; p < template.Length; p++)
        {
            if (template.IsFree[p])
            {
                List(_free, (template.Length, p)).Add(template);
            }
            else
            {
                // A masked-only slot behaves like the constant word "<*>", which is what a masked word hashes to.
                List(_byWord, (template.Length, p, template.SlotHash(p))).Add(template);
            }
        }
    }

    private void Rebuild(IEnumerable<TemplateState> live)
    {
        _byWord.Clear();
        _free.Clear();
        _byLength.Clear();
        _live = 0;
        _stale = 0;
        foreach (var t in live)
        {
            _live++;
            Post(t);
        }
    }

    private static List<TemplateState> List<TKey>(Dictionary<TKey, List<TemplateState>> map, TKey key)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }
        return list;
    }
}
