namespace Vigil.Analytics.Logs;

/// <summary>
/// An online log template miner for one source: feed it message contents one at a time, it answers with the template
/// each belongs to, learning new templates as it goes.
/// </summary>
/// <remarks>
/// <para>How a message is matched (details and measurements in docs/log-mining.md):</para>
/// <list type="number">
/// <item>Mask variables (<see cref="VariableMasker"/>) and split into words. Words with a digit or a mask "look
/// variable" (Drain's heuristic). Masked lines repeat, so what the built-in masks and the split make of an exact text
/// is memoised (<see cref="TokenizedLineCache"/>).</item>
/// <item>Fast path: the message's <em>skeleton</em> (length plus its constant words) keys a cache of the template that
/// last took that skeleton; one dictionary probe and a word-by-word check. Nearly every line ends here.</item>
/// <item>Otherwise look for a template of the same length whose constant words all match (variable slots take anything).</item>
/// <item>Otherwise look for <em>siblings</em>: templates that differ from the message in exactly one constant word, at
/// the same position. When that position has shown <see cref="MinerOptions.MergeAfterDistinctValues"/> distinct
/// words (or two, one of which looks variable), it is a variable: the siblings merge into one template. Unlike
/// Drain's similarity threshold this never merges templates differing in two words, and a closed set of a few
/// alternatives (states, verbs) stays apart — the idea of Brain's frequency-based split, decided online.</item>
/// <item>Otherwise the message starts a new template.</item>
/// </list>
/// <para>Thread safety: every public member takes the miner's lock, so one miner may be shared by concurrent writers;
/// for throughput give each source its own miner (<see cref="LogMinerRegistry"/>) so sources never contend.</para>
/// <para>Memory: at most <see cref="MinerOptions.MaxTemplates"/> templates (the least recently seen tenth is evicted
/// when full), a skeleton cache of at most 16 entries per template, a tokenisation memo of 1,024 texts (about 0.7 MB for
/// HDFS-length lines), and scratch buffers sized by the longest line.</para>
/// </remarks>
public sealed class LogMiner
{
    private readonly Lock _gate = new();
    private readonly MinerOptions _options;
    private readonly TimeProvider _time;
    private readonly VariableMasker _masker;
    private readonly Dictionary<long, TemplateState> _live = [];
    private readonly Dictionary<long, long> _aliases = [];
    private readonly TemplateIndex _index = new();
    private readonly Dictionary<ulong, TemplateState> _skeletons = [];
    private long _skeletonsVersion; // bumped on every change of _skeletons, so memos of its answers know when to ask again
    private readonly int _maxSkeletons;
    private TokenSlice[] _tokens;
    private char[] _canonical = new char[1024];
    private readonly TokenizedLineCache _tokenized = new();
    private long _nextId = 1;
    private long _clockTick = long.MinValue;
    private DateTimeOffset _clockNow;
    private long _touch;

    public LogMiner(MinerOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? new MinerOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _masker = new VariableMasker(_options.MaskPatterns, _options.BuiltInMasks, _options.OnMaskSwitchedOff);
        _tokens = new TokenSlice[_options.MaxTokens];
        _maxSkeletons = _options.MaxTemplates * 16;
    }

    public MinerOptions Options => _options;

    /// <summary>Live templates now.</summary>
    public int TemplateCount
    {
        get
        {
            lock (_gate)
            {
                return _live.Count;
            }
        }
    }

    /// <summary>Templates evicted so far to respect <see cref="MinerOptions.MaxTemplates"/>.</summary>
    public long EvictedCount { get; private set; }

    /// <summary>Mines one message (the content part of a line, without its header), seen now.</summary>
    public MatchResult Add(ReadOnlySpan<char> content)
    {
        lock (_gate)
        {
            return AddLocked(content, Now());
        }
    }

    /// <summary>
    /// Mines one message seen at <paramref name="seen"/>. For a caller that already knows when a batch of lines arrived
    /// (one read of a file or a socket, one HTTP request): a clock read per line costs as much as a sixth of mining it.
    /// </summary>
    public MatchResult Add(ReadOnlySpan<char> content, DateTimeOffset seen)
    {
        lock (_gate)
        {
            return AddLocked(content, seen);
        }
    }

    /// <summary>
    /// Takes the miner's lock once for many messages (the lines of one file read or one HTTP request); add them
    /// through the returned batch and dispose it to release the lock. Taking and releasing the lock per line costs
    /// about a twentieth of mining the line.
    /// </summary>
    public Batch BeginBatch() => new(this);

    /// <summary>Messages added under one hold of the miner's lock (see <see cref="BeginBatch"/>).</summary>
    public ref struct Batch : IDisposable
    {
        private readonly LogMiner _miner;
        private Lock.Scope _scope;

        internal Batch(LogMiner miner)
        {
            _miner = miner;
            _scope = miner._gate.EnterScope();
        }

        /// <summary>Mines one message seen at <paramref name="seen"/>, as <see cref="LogMiner.Add(ReadOnlySpan{char}, DateTimeOffset)"/>.</summary>
        public readonly MatchResult Add(ReadOnlySpan<char> content, DateTimeOffset seen) => _miner.AddLocked(content, seen);

        public void Dispose() => _scope.Dispose();
    }

    private MatchResult AddLocked(ReadOnlySpan<char> content, DateTimeOffset now)
    {
        var line = Tokenize(content);
        ReadOnlySpan<char> masked = line.Canonical;
        ReadOnlySpan<TokenSlice> tokens = line.Tokens.AsSpan(0, line.Count);
        var key = line.Key;
        var touch = ++_touch;
        var memo = line.Memo;
        if (memo is { Template: { } known } && memo.SkeletonsVersion == _skeletonsVersion && Current(known) is { } same)
        {
            // The skeleton cache has not changed since this exact text was matched to this template, and templates
            // only ever take more (a merge frees slots, the survivor covers what it absorbed), so it still covers it.
            same.Observe(masked, tokens, now, touch);
            return new MatchResult(same.Id, false, same.Text);
        }
        if (_skeletons.TryGetValue(key, out var cached) && Current(cached) is { } hit && hit.Covers(masked, tokens))
        {
            hit.Observe(masked, tokens, now, touch);
            Memorise(memo, cached);
            return new MatchResult(hit.Id, false, hit.Text);
        }
        LineTokens.HashWords(masked, line.Tokens.AsSpan(0, line.Count));
        var isNew = false;
        var template = FindCovering(masked, tokens) ?? MergeSiblings(masked, tokens);
        if (template is null)
        {
            template = Create(masked, tokens, now);
            isNew = true;
        }
        Remember(key, template);
        Memorise(memo, template);
        template.Observe(masked, tokens, now, touch);
        var result = new MatchResult(template.Id, isNew, template.Text);
        if (_live.Count > _options.MaxTemplates)
        {
            EvictLeastRecent();
        }
        return result;
    }

    /// <summary>
    /// Finds the template a message belongs to without learning or counting (null when none matches):
    /// for re-labelling lines once mining is done.
    /// </summary>
    public MatchResult? Match(ReadOnlySpan<char> content)
    {
        lock (_gate)
        {
            var line = Tokenize(content);
            ReadOnlySpan<char> masked = line.Canonical;
            ReadOnlySpan<TokenSlice> tokens = line.Tokens.AsSpan(0, line.Count);
            var key = line.Key;
            if (_skeletons.TryGetValue(key, out var cached) && Current(cached) is { } hit && hit.Covers(masked, tokens))
            {
                return new MatchResult(hit.Id, false, hit.Text);
            }
            LineTokens.HashWords(masked, line.Tokens.AsSpan(0, line.Count));
            var template = FindCovering(masked, tokens);
            return template is null ? null : new MatchResult(template.Id, false, template.Text);
        }
    }

    /// <summary>The live id for <paramref name="id"/>, following merges; null when unknown or evicted.</summary>
    public long? Resolve(long id)
    {
        lock (_gate)
        {
            for (var hops = 0; hops < 64; hops++)
            {
                if (_live.ContainsKey(id))
                {
                    return id;
                }
                if (!_aliases.TryGetValue(id, out id))
                {
                    return null;
                }
            }
            return null;
        }
    }

    /// <summary>Snapshots of the live templates, most frequent first.</summary>
    public IReadOnlyList<LogTemplate> Templates()
    {
        lock (_gate)
        {
            var list = new List<LogTemplate>(_live.Count);
            foreach (var t in _live.Values)
            {
                list.Add(t.ToSnapshot());
            }
            list.Sort((a, b) => b.Count != a.Count ? b.Count.CompareTo(a.Count) : a.Id.CompareTo(b.Id));
            return list;
        }
    }

    /// <summary>Everything needed to resume with the same ids (see <see cref="Import"/>).</summary>
    public MinerSnapshot Export()
    {
        lock (_gate)
        {
            var templates = new List<LogTemplate>(_live.Count);
            foreach (var t in _live.Values)
            {
                templates.Add(t.ToSnapshot());
            }
            templates.Sort((a, b) => a.Id.CompareTo(b.Id));
            return new MinerSnapshot(_nextId, templates, new Dictionary<long, long>(_aliases));
        }
    }

    /// <summary>A miner that continues from <paramref name="snapshot"/>: same templates, ids, counts and aliases.</summary>
    public static LogMiner Import(MinerSnapshot snapshot, MinerOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var miner = new LogMiner(options, time);
        var maxId = 0L;
        foreach (var template in snapshot.Templates)
        {
            if (template.Tokens.Count > miner._options.MaxTokens)
            {
                throw new ArgumentException($"template {template.Id} has {template.Tokens.Count} tokens, more than MaxTokens");
            }
            var state = TemplateState.FromSnapshot(template, ++miner._touch);
            if (!miner._live.TryAdd(state.Id, state))
            {
                throw new ArgumentException($"template id {template.Id} appears twice");
            }
            miner._index.Add(state);
            maxId = Math.Max(maxId, template.Id);
        }
        foreach (var (from, to) in snapshot.Aliases)
        {
            miner._aliases[from] = to;
            maxId = Math.Max(maxId, from);
        }
        miner._nextId = Math.Max(snapshot.NextId, maxId + 1);
        return miner;
    }

    /// <summary>
    /// The time of this message. Reading the system clock costs about as much as matching a line, so with the system
    /// clock it is re-read only when the millisecond tick count moves (same value, a fraction of the cost); any other
    /// provider (tests) is asked every time.
    /// </summary>
    private DateTimeOffset Now()
    {
        if (!ReferenceEquals(_time, TimeProvider.System))
        {
            return _time.GetUtcNow();
        }
        var tick = Environment.TickCount64;
        if (tick != _clockTick)
        {
            _clockTick = tick;
            _clockNow = _time.GetUtcNow();
        }
        return _clockNow;
    }

    /// <summary>A message's canonical words back to back, their slices and its skeleton key (arrays owned by the miner).</summary>
    private readonly record struct TokenizedLine(char[] Canonical, TokenSlice[] Tokens, int Count, ulong Key, TokenizedLineCache.Entry? Memo);

    /// <summary>
    /// Masks the message and splits it into canonical words. Both texts a line passes through are looked up in
    /// <see cref="_tokenized"/>: what the source's own masks leave (a hit skips the built-in masks and the split) and,
    /// failing that, what the built-in masks make of it (a hit skips the split).
    /// </summary>
    private TokenizedLine Tokenize(ReadOnlySpan<char> content)
    {
        var afterSources = _masker.MaskSources(content);
        // Without masks of its own a source's raw lines rarely repeat (ids, counts): only the masked text is looked up.
        var sourcesSlot = -1L;
        if ((_masker.HasSourceMasks || !_options.BuiltInMasks) && _tokenized.Find(afterSources, out sourcesSlot) is { } seen)
        {
            return new TokenizedLine(seen.Canonical, seen.Tokens, seen.TokenCount, seen.Key, seen);
        }
        var masked = _masker.MaskBuiltIns(afterSources);
        var maskedSlot = sourcesSlot;
        if (_options.BuiltInMasks && _tokenized.Find(masked, out maskedSlot) is { } alike)
        {
            var memo = sourcesSlot < 0 ? alike
                : _tokenized.Store(sourcesSlot, afterSources, alike.Canonical, alike.Tokens.AsSpan(0, alike.TokenCount), alike.Key);
            return new TokenizedLine(alike.Canonical, alike.Tokens, alike.TokenCount, alike.Key, memo);
        }
        var size = LineTokens.MaxCanonicalLength(masked.Length);
        if (_canonical.Length < size)
        {
            _canonical = new char[Math.Max(size, _canonical.Length * 2)];
        }
        var count = LineTokens.Split(masked, _canonical, _tokens, _options.MaxTokens);
        var tokens = _tokens.AsSpan(0, count);
        var key = LineTokens.SkeletonKey(_canonical, tokens);
        TokenizedLineCache.Entry? stored = null;
        if (maskedSlot != sourcesSlot)
        {
            stored = _tokenized.Store(maskedSlot, masked, _canonical, tokens, key);
        }
        if (sourcesSlot >= 0)
        {
            stored = _tokenized.Store(sourcesSlot, afterSources, _canonical, tokens, key);
        }
        return new TokenizedLine(_canonical, _tokens, count, key, stored);
    }

    private static TemplateState? Current(TemplateState template)
    {
        while (template.MergedInto is { } next)
        {
            template = next;
        }
        return template.Evicted ? null : template;
    }

    /// <summary>The most specific template of this length whose constant words all match.</summary>
    private TemplateState? FindCovering(ReadOnlySpan<char> text, ReadOnlySpan<TokenSlice> tokens)
    {
        TemplateState? best = null;
        var bestConstants = -1;
        foreach (var t in _index.CoveringCandidates(tokens))
        {
            if (t.Length != tokens.Length || t.EdgeMismatches(tokens) > 0 || !t.Covers(text, tokens))
            {
                continue;
            }
            var constants = 0;
            foreach (var free in t.IsFree)
            {
                constants += free ? 0 : 1;
            }
            if (constants > bestConstants || (constants == bestConstants && t.Count > best!.Count))
            {
                best = t;
                bestConstants = constants;
            }
        }
        return best;
    }

    /// <summary>Merges the templates that differ from the message only at one position, once it shows enough values.</summary>
    private TemplateState? MergeSiblings(ReadOnlySpan<char> text, ReadOnlySpan<TokenSlice> tokens)
    {
        // The slow path: runs once per new message shape, so plain collections are fine here.
        Dictionary<int, List<TemplateState>>? siblings = null;
        foreach (var t in _index.SiblingCandidates(tokens))
        {
            if (t.Length != tokens.Length || t.EdgeMismatches(tokens) > 1)
            {
                continue;
            }
            var position = -1;
            for (var p = 0; p < tokens.Length; p++)
            {
                if (t.DiffersAt(p, text, tokens[p]))
                {
                    if (position >= 0)
                    {
                        position = -2;
                        break;
                    }
                    position = p;
                }
            }
            if (position >= 0)
            {
                siblings ??= [];
                if (!siblings.TryGetValue(position, out var list))
                {
                    siblings[position] = list = [];
                }
                list.Add(t);
            }
        }
        if (siblings is null)
        {
            return null;
        }
        // Every position with enough evidence merges, into one template: a message that is a sibling of one template
        // at one position and of another at a second (Proxifier's "0 bytes sent" / "1190 bytes (1.16 KB) sent", each
        // on the sent and the received side) would otherwise leave two templates that each cover half of the shapes.
        List<int>? positions = null;
        foreach (var (position, list) in siblings.OrderBy(s => s.Key))
        {
            if (ShowsVariable(text, tokens, position, list) && KeepsAConstant(list[0], position, positions))
            {
                (positions ??= []).Add(position);
            }
        }
        if (positions is null)
        {
            return null;
        }
        var merged = new List<TemplateState>();
        foreach (var position in positions)
        {
            merged.AddRange(siblings[position]);
        }
        var survivor = merged[0];
        foreach (var t in merged)
        {
            if (t.Count > survivor.Count || (t.Count == survivor.Count && t.Id < survivor.Id))
            {
                survivor = t;
            }
        }
        var freedBefore = (bool[])survivor.IsFree.Clone();
        foreach (var position in positions)
        {
            survivor.MakeVariable(position);
        }
        var absorbed = 0;
        foreach (var t in merged)
        {
            if (t != survivor && _live.Remove(t.Id))
            {
                survivor.Absorb(t);
                _aliases[t.Id] = survivor.Id;
                absorbed++;
            }
        }
        for (var p = 0; p < survivor.Length; p++)
        {
            if (survivor.IsFree[p] && !freedBefore[p])
            {
                _index.Freed(survivor, p);
            }
        }
        _index.Removed(_live.Values, absorbed);
        return survivor;
    }

    /// <summary>Whether the words seen at <paramref name="position"/> (the message's and its siblings') show a variable.</summary>
    private bool ShowsVariable(ReadOnlySpan<char> text, ReadOnlySpan<TokenSlice> tokens, int position, List<TemplateState> list)
    {
        // Evidence that the position is a variable: enough distinct words, or a masked word or digits among them.
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var own = tokens[position];
        var ownText = text.Slice(own.Start, own.Length);
        var variableLooking = own.IsVariable;
        foreach (var t in list)
        {
            distinct.Add(t.Tokens[position]);
            variableLooking |= t.IsVariable[position] || PositionEvidence.NumberedAlike(ownText, t.Tokens[position])
                || PositionEvidence.AnnotatedAlike(ownText, t.Tokens[position]);
        }
        distinct.Add(ownText.ToString());
        if (PositionEvidence.AnyPlaceholder(distinct))
        {
            return false;
        }
        // The first word is usually the event's name (Drain's tree rests on that): only merge it on real evidence.
        var enough = position == 0 ? variableLooking : distinct.Count >= PositionEvidence.ValuesNeeded(distinct, _options.MergeAfterDistinctValues);
        return enough || (variableLooking && distinct.Count >= 2);
    }

    /// <summary>Whether the template keeps a constant word once <paramref name="position"/> and <paramref name="merging"/> are variables.</summary>
    private static bool KeepsAConstant(TemplateState template, int position, List<int>? merging)
    {
        for (var p = 0; p < template.Length; p++)
        {
            if (p != position && !template.IsVariable[p] && merging?.Contains(p) != true)
            {
                return true;
            }
        }
        return false;
    }

    private TemplateState Create(ReadOnlySpan<char> text, ReadOnlySpan<TokenSlice> tokens, DateTimeOffset now)
    {
        var words = new string[tokens.Length];
        var variable = new bool[tokens.Length];
        for (var p = 0; p < tokens.Length; p++)
        {
            words[p] = text.Slice(tokens[p].Start, tokens[p].Length).ToString();
            variable[p] = tokens[p].IsVariable;
        }
        var template = new TemplateState(_nextId++, words, variable, now);
        _live.Add(template.Id, template);
        _index.Add(template);
        return template;
    }

    /// <summary>Notes in a tokenisation memo which template the skeleton cache holds for its text now.</summary>
    private void Memorise(TokenizedLineCache.Entry? memo, TemplateState template)
    {
        if (memo is not null)
        {
            memo.Template = template;
            memo.SkeletonsVersion = _skeletonsVersion;
        }
    }

    private void Remember(ulong key, TemplateState template)
    {
        _skeletonsVersion++;
        if (_skeletons.Count >= _maxSkeletons)
        {
            // A cache: dropping it costs only slow-path lookups until it warms up again.
            _skeletons.Clear();
        }
        _skeletons[key] = template;
    }

    /// <summary>Drops the least recently seen tenth of the templates (and what points at them).</summary>
    private void EvictLeastRecent()
    {
        var all = new List<TemplateState>(_live.Values);
        all.Sort((a, b) => a.LastTouch.CompareTo(b.LastTouch));
        var evict = Math.Max(1, all.Count / 10);
        for (var i = 0; i < evict; i++)
        {
            var t = all[i];
            t.Evicted = true;
            _live.Remove(t.Id);
        }
        _index.Removed(_live.Values, evict);
        EvictedCount += evict;
        List<ulong>? stale = null;
        foreach (var (key, t) in _skeletons)
        {
            if (Current(t) is null)
            {
                (stale ??= []).Add(key);
            }
        }
        foreach (var key in stale ?? [])
        {
            _skeletons.Remove(key);
        }
        _skeletonsVersion++;
        List<long>? deadAliases = null;
        foreach (var (from, to) in _aliases)
        {
            if (!_live.ContainsKey(to) && !_aliases.ContainsKey(to))
            {
                (deadAliases ??= []).Add(from);
            }
        }
        foreach (var from in deadAliases ?? [])
        {
            _aliases.Remove(from);
        }
    }
}
