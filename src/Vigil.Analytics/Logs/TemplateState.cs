using System.Text;

namespace Vigil.Analytics.Logs;

/// <summary>
/// The mutable state of one template inside a <see cref="LogMiner"/> (guarded by the miner's lock).
/// Each token slot is either a constant word or a variable slot; a variable slot keeps the first value seen and how
/// much of it every later value shared at the start and the end, so <c>MININT-&lt;*&gt;</c> or <c>environment:&lt;*&gt;</c>
/// render with their constant part.
/// </summary>
internal sealed class TemplateState
{
    public TemplateState(long id, string[] tokens, bool[] variable, DateTimeOffset now)
    {
        Id = id;
        Tokens = tokens;
        IsVariable = variable;
        IsFree = new bool[tokens.Length];
        Varied = new bool[tokens.Length];
        Prefix = new int[tokens.Length];
        Suffix = new int[tokens.Length];
        FirstSeen = now;
        LastSeen = now;
        _hashes = new int[tokens.Length];
        for (var p = 0; p < tokens.Length; p++)
        {
            _hashes[p] = LineTokens.WordHash(tokens[p]);
        }
    }

    private readonly int[] _hashes;

    /// <summary>
    /// How many of the first and last slots certainly reject the message's words (a hash comparison, no text):
    /// the cheap filter that keeps the slow path fast when thousands of templates share a length. A template must
    /// reject neither to cover a message, and at most one to be its sibling.
    /// </summary>
    public int EdgeMismatches(ReadOnlySpan<TokenSlice> tokens)
    {
        if (tokens.Length == 0)
        {
            return 0;
        }
        var mismatches = CertainlyDiffers(0, tokens[0]) ? 1 : 0;
        if (tokens.Length > 1 && CertainlyDiffers(tokens.Length - 1, tokens[^1]))
        {
            mismatches++;
        }
        return mismatches;
    }

    /// <summary>Hash of the word in slot <paramref name="p"/> as it was created (the index key of a constant slot).</summary>
    public int SlotHash(int p) => _hashes[p];

    /// <summary>Scratch for <see cref="TemplateIndex"/>: the last candidate search that saw this template.</summary>
    public int Mark { get; set; }

    private bool CertainlyDiffers(int p, in TokenSlice token) =>
        !IsFree[p] && (IsVariable[p] ? !token.IsVariable : token.IsVariable || token.Hash != _hashes[p]);

    public long Id { get; }

    /// <summary>Constant words, or the first value seen in a variable slot.</summary>
    public string[] Tokens { get; }

    /// <summary>Variable slots: a masked word, or (when <see cref="IsFree"/>) any word.</summary>
    public bool[] IsVariable { get; }

    /// <summary>
    /// A variable slot made by merging words that differed: it takes any word. A slot that only ever saw masked
    /// words takes only masked words, so "iar &lt;*&gt; dear &lt;*&gt;" does not vanish into "&lt;*&gt; &lt;*&gt; &lt;*&gt; &lt;*&gt;".
    /// </summary>
    public bool[] IsFree { get; }

    /// <summary>Whether a variable slot has seen two different values.</summary>
    public bool[] Varied { get; }

    /// <summary>Chars at the start of the first value that every later value shared.</summary>
    public int[] Prefix { get; }

    /// <summary>Chars at the end of the first value that every later value shared.</summary>
    public int[] Suffix { get; }

    public long Count { get; set; }

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    /// <summary>Miner-wide sequence number of the latest match: the eviction order.</summary>
    public long LastTouch { get; set; }

    /// <summary>Set when merged into another template; matches then go there.</summary>
    public TemplateState? MergedInto { get; set; }

    public bool Evicted { get; set; }

    private string? _text;

    public int Length => Tokens.Length;

    /// <summary>The rendered template (cached until a slot changes).</summary>
    public string Text => _text ??= Render();

    /// <summary>Whether every constant word matches; variable slots take anything.</summary>
    public bool Covers(ReadOnlySpan<char> text, ReadOnlySpan<TokenSlice> tokens)
    {
        if (tokens.Length != Length)
        {
            return false;
        }
        var slots = Slots;
        foreach (var p in slots.Constant)
        {
            ref readonly var t = ref tokens[p];
            if (t.IsVariable || !text.Slice(t.Start, t.Length).SequenceEqual(Tokens[p]))
            {
                return false;
            }
        }
        foreach (var p in slots.Masked)
        {
            if (!tokens[p].IsVariable)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The slots by kind, so matching a message (every line) visits only the slots that can reject it and observing
    /// one visits only the free slots. Rebuilt after a slot becomes free.
    /// </summary>
    private SlotKinds Slots => _slots ??= SlotKinds.Of(IsVariable, IsFree);

    private SlotKinds? _slots;

    private sealed record SlotKinds(int[] Constant, int[] Masked, int[] Free)
    {
        public static SlotKinds Of(bool[] variable, bool[] free)
        {
            List<int> constant = [], masked = [], any = [];
            for (var p = 0; p < variable.Length; p++)
            {
                (free[p] ? any : variable[p] ? masked : constant).Add(p);
            }
            return new([.. constant], [.. masked], [.. any]);
        }
    }

    /// <summary>Whether slot <paramref name="p"/> rejects the word.</summary>
    public bool DiffersAt(int p, ReadOnlySpan<char> text, in TokenSlice token)
    {
        if (IsFree[p])
        {
            return false;
        }
        if (IsVariable[p])
        {
            return !token.IsVariable;
        }
        return token.IsVariable || !text.Slice(token.Start, token.Length).SequenceEqual(Tokens[p]);
    }

    /// <summary>Counts a message and narrows its variable slots' shared prefix and suffix.</summary>
    public void Observe(ReadOnlySpan<char> text, ReadOnlySpan<TokenSlice> tokens, DateTimeOffset now, long touch)
    {
        Count++;
        LastSeen = now;
        LastTouch = touch;
        foreach (var p in Slots.Free)
        {
            ref readonly var t = ref tokens[p];
            ObserveValue(p, text.Slice(t.Start, t.Length));
        }
    }

    /// <summary>Folds one value of variable slot <paramref name="p"/> into its shared prefix and suffix.</summary>
    public void ObserveValue(int p, ReadOnlySpan<char> value)
    {
        var sample = Tokens[p].AsSpan();
        if (!Varied[p])
        {
            if (value.SequenceEqual(sample))
            {
                return;
            }
            Varied[p] = true;
            Prefix[p] = sample.CommonPrefixLength(value);
            Suffix[p] = CommonSuffixLength(sample, value, Math.Min(sample.Length, value.Length));
            _text = null;
            return;
        }
        if (Prefix[p] > 0)
        {
            var prefix = sample[..Prefix[p]].CommonPrefixLength(value);
            if (prefix != Prefix[p])
            {
                Prefix[p] = prefix;
                _text = null;
            }
        }
        if (Suffix[p] > 0)
        {
            var suffix = CommonSuffixLength(sample, value, Suffix[p]);
            if (suffix != Suffix[p])
            {
                Suffix[p] = suffix;
                _text = null;
            }
        }
    }

    /// <summary>Turns constant slot <paramref name="p"/> into a variable slot.</summary>
    public void MakeVariable(int p)
    {
        if (!IsFree[p])
        {
            IsVariable[p] = true;
            IsFree[p] = true;
            Varied[p] = false;
            _text = null;
            _slots = null;
        }
    }

    /// <summary>Takes over another template of the same length (after a merge): counts, times, slot values.</summary>
    public void Absorb(TemplateState other)
    {
        for (var p = 0; p < Length; p++)
        {
            if (IsVariable[p] && other.IsVariable[p] && !IsFree[p] && !other.IsFree[p])
            {
                continue; // both take masked words only
            }
            if (other.IsFree[p] || IsFree[p] || other.IsVariable[p] != IsVariable[p] || other.Tokens[p] != Tokens[p])
            {
                MakeVariable(p);
                ObserveValue(p, other.Tokens[p]);
                if (other.Varied[p])
                {
                    // The other slot saw values sharing only its own prefix/suffix.
                    var prefix = other.Tokens[p].AsSpan(0, other.Prefix[p]).CommonPrefixLength(Tokens[p]);
                    var suffix = CommonSuffixLength(Tokens[p], other.Tokens[p], other.Suffix[p]);
                    Prefix[p] = Varied[p] ? Math.Min(Prefix[p], prefix) : prefix;
                    Suffix[p] = Varied[p] ? Math.Min(Suffix[p], suffix) : suffix;
                    Varied[p] = true;
                }
            }
        }
        Count += other.Count;
        FirstSeen = other.FirstSeen < FirstSeen ? other.FirstSeen : FirstSeen;
        LastSeen = other.LastSeen > LastSeen ? other.LastSeen : LastSeen;
        LastTouch = Math.Max(LastTouch, other.LastTouch);
        other.MergedInto = this;
        _text = null;
    }

    /// <summary>The text of slot <paramref name="p"/>: the constant, or the variable with its shared prefix/suffix.</summary>
    public string SlotText(int p)
    {
        var sample = Tokens[p];
        if (!IsFree[p] || !Varied[p])
        {
            return sample;
        }
        // Keep only shared parts that end (prefix) or start (suffix) at a delimiter, so "MININT-AB1" and "MININT-CD2"
        // give "MININT-<*>" and not "MININT-<*>" with half a word glued on.
        var prefix = Prefix[p];
        while (prefix > 0 && char.IsLetterOrDigit(sample[prefix - 1]))
        {
            prefix--;
        }
        var suffix = Math.Min(Suffix[p], sample.Length - prefix);
        while (suffix > 0 && char.IsLetterOrDigit(sample[sample.Length - suffix]))
        {
            suffix--;
        }
        return string.Concat(sample.AsSpan(0, prefix), BuiltInMasks.Wildcard, sample.AsSpan(sample.Length - suffix));
    }

    private string Render()
    {
        var sb = new StringBuilder();
        for (var p = 0; p < Length; p++)
        {
            if (p > 0)
            {
                sb.Append(' ');
            }
            sb.Append(SlotText(p));
        }
        return TemplateText.Canonicalize(sb.ToString());
    }

    public LogTemplate ToSnapshot()
    {
        var slots = new string[Length];
        for (var p = 0; p < Length; p++)
        {
            slots[p] = SlotText(p);
        }
        return new LogTemplate(Id, Text, slots, [.. IsFree], Count, FirstSeen, LastSeen);
    }

    public static TemplateState FromSnapshot(LogTemplate template, long touch)
    {
        var tokens = template.Tokens.ToArray();
        var variable = template.VariableSlots.ToArray();
        if (tokens.Length != variable.Length)
        {
            throw new ArgumentException($"template {template.Id}: {tokens.Length} tokens but {variable.Length} slot flags");
        }
        var masked = new bool[tokens.Length];
        for (var p = 0; p < tokens.Length; p++)
        {
            masked[p] = variable[p] || tokens[p] == BuiltInMasks.Wildcard;
        }
        var state = new TemplateState(template.Id, tokens, masked, template.FirstSeen)
        {
            Count = template.Count,
            LastSeen = template.LastSeen,
            LastTouch = touch,
        };
        for (var p = 0; p < tokens.Length; p++)
        {
            state.IsFree[p] = variable[p];
            var at = tokens[p].IndexOf(BuiltInMasks.Wildcard, StringComparison.Ordinal);
            if (variable[p] && at >= 0)
            {
                // A saved "prefix<*>suffix" slot: the parts around the mask are what later values must share.
                state.Varied[p] = true;
                state.Prefix[p] = at;
                state.Suffix[p] = tokens[p].Length - (tokens[p].LastIndexOf(BuiltInMasks.Wildcard, StringComparison.Ordinal) + 3);
            }
        }
        return state;
    }

    private static int CommonSuffixLength(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int max)
    {
        var n = 0;
        max = Math.Min(max, Math.Min(a.Length, b.Length));
        while (n < max && a[a.Length - 1 - n] == b[b.Length - 1 - n])
        {
            n++;
        }
        return n;
    }
}
