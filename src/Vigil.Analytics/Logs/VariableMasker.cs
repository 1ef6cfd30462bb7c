using System.Text;
using System.Text.RegularExpressions;

namespace Vigil.Analytics.Logs;

/// <summary>
/// Replaces variables in a message by <c>&lt;*&gt;</c>: first the source's own regexes, in order (LogPAI semantics, as
/// <c>re.sub(regex, '&lt;*&gt;', content)</c> one after another), then the <see cref="BuiltInMasks"/>.
/// </summary>
/// <remarks>
/// <para>Simple regexes (most per-source masks: <c>blk_-?\d+</c>, <c>(\d+\.){3}\d+(:\d+)?</c>) run on a
/// <see cref="SimpleRegex"/>, which finds the same matches on ASCII text without the regex engine's per-call cost;
/// lines with other chars, and the rare line that exhausts its step budget, go to the real regex.</para>
/// <para>The real regex is .NET's <see cref="RegexOptions.NonBacktracking"/> engine, linear in the line's length, so a
/// pattern such as <c>(a+)+$</c> cannot stall mining. A pattern it cannot run (back-references, look-arounds, atomic
/// groups, conditionals, or an automaton over its size limit) keeps the backtracking engine with a time limit per line;
/// the first line that exceeds the limit switches that pattern off for good and says so through the callback, since a
/// pattern that timed out once times out again on the next such line (and each time-out stalls mining for the whole
/// limit, under the source's lock).</para>
/// <para>Not thread-safe: it owns scratch buffers. <see cref="LogMiner"/> uses one under its lock.</para>
/// </remarks>
public sealed class VariableMasker
{
    /// <summary>Time a backtracking pattern may take on one line before it is switched off.</summary>
    public static readonly TimeSpan BacktrackingTimeout = TimeSpan.FromMilliseconds(200);

    private readonly string[] _sources;
    private readonly Regex?[] _patterns;
    private readonly SimpleRegex?[] _simple;
    private readonly bool[] _switchedOff;
    private readonly Action<string>? _onSwitchedOff;
    private readonly bool _anySimple;
    private readonly bool _builtIns;
    private char[] _a = new char[1024];
    private char[] _b = new char[1024];
    private int _nextTarget; // the scratch buffer that does not hold MaskSources' result

    /// <param name="patterns">The source's own masking regexes, applied in order.</param>
    /// <param name="builtIns">Whether the built-in recognisers run after them.</param>
    /// <param name="onSwitchedOff">Called with the pattern, once, when a backtracking pattern exceeds
    /// <see cref="BacktrackingTimeout"/> on a line and is switched off (see the remarks).</param>
    public VariableMasker(IEnumerable<string> patterns, bool builtIns = true, Action<string>? onSwitchedOff = null)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        _sources = [.. patterns];
        foreach (var pattern in _sources)
        {
            Validate(pattern);
        }
        _simple = [.. _sources.Select(SimpleRegex.TryCreate)];
        _anySimple = _simple.Any(s => s is not null);
        // A pattern the simple matcher runs needs the real regex only for the rare non-ASCII line: compiling it to IL
        // (~10 ms each) waits until then. The others run on every line and are compiled now.
        _patterns = [.. _sources.Select((pattern, k) => _simple[k] is null ? Compile(pattern) : null)];
        _switchedOff = new bool[_sources.Length];
        _onSwitchedOff = onSwitchedOff;
        _builtIns = builtIns;
    }

    /// <summary>Whether the source has masks of its own (otherwise <see cref="MaskSources"/> returns its input).</summary>
    public bool HasSourceMasks => _sources.Length > 0;

    /// <summary>Checks a user masking regex without compiling it; throws <see cref="FormatException"/> naming the bad pattern.</summary>
    public static void Validate(string pattern) => _ = Build(pattern, RegexOptions.None);

    /// <summary>Whether the pattern at <paramref name="index"/> has the linear regex engine behind it (not the backtracking one).</summary>
    internal bool RunsOnLinearEngine(int index) =>
        (_patterns[index] ??= Compile(_sources[index])).Options.HasFlag(RegexOptions.NonBacktracking);

    /// <summary>Whether the pattern at <paramref name="index"/> was switched off after exceeding its time limit.</summary>
    internal bool IsSwitchedOff(int index) => _switchedOff[index];

    private static Regex Compile(string pattern)
    {
        try
        {
            // Linear whatever the pattern and the line. No time limit (as label matchers): the first matches build the
            // automaton's states, which can outlast a budget on a loaded machine, and would switch a sound mask off.
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, Regex.InfiniteMatchTimeout);
        }
        catch (NotSupportedException)
        {
            return Build(pattern, RegexOptions.Compiled);
        }
    }

    private static Regex Build(string pattern, RegexOptions options)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | options, BacktrackingTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"invalid mask regex '{pattern}': {ex.Message}", ex);
        }
    }

    /// <summary>Masks <paramref name="content"/>; the result is valid until the next call.</summary>
    public ReadOnlySpan<char> Mask(ReadOnlySpan<char> content) => MaskBuiltIns(MaskSources(content));

    /// <summary>
    /// The first stage of <see cref="Mask"/>: the source's own regexes only. The result is valid until the next call and
    /// is what <see cref="MaskBuiltIns"/> takes.
    /// </summary>
    public ReadOnlySpan<char> MaskSources(ReadOnlySpan<char> content)
    {
        ReadOnlySpan<char> current = content;
        var target = 0; // which scratch buffer receives the next stage
        var ascii = _anySimple && Ascii.IsValid(content); // masks only add ASCII, so this holds for every stage
        for (var k = 0; k < _patterns.Length; k++)
        {
            if (_switchedOff[k])
            {
                continue;
            }
            var simple = ascii ? _simple[k] : null;
            var masked = current;
            var outcome = simple is null ? Outcome.Undecided : ReplaceSimple(simple, current, target, ref masked);
            if (outcome == Outcome.Undecided)
            {
                outcome = ReplaceMatches(k, current, target, ref masked);
            }
            if (outcome == Outcome.Masked)
            {
                current = masked;
                target ^= 1;
            }
        }
        _nextTarget = target;
        return current;
    }

    /// <summary>
    /// The second stage of <see cref="Mask"/>: the built-in recognisers (when on) over the result of the last
    /// <see cref="MaskSources"/> call.
    /// </summary>
    public ReadOnlySpan<char> MaskBuiltIns(ReadOnlySpan<char> afterSources)
    {
        if (!_builtIns)
        {
            return afterSources;
        }
        var output = Buffer(_nextTarget, BuiltInMasks.MaxOutputLength(afterSources.Length));
        var written = BuiltInMasks.Apply(afterSources, output);
        return output.AsSpan(0, written);
    }

    private enum Outcome
    {
        /// <summary>Nothing matched: the input goes on as it is, uncopied.</summary>
        Unchanged,

        /// <summary>The masked text is in the target buffer.</summary>
        Masked,

        /// <summary>The simple matcher ran out of steps: the real regex decides.</summary>
        Undecided,
    }

    /// <summary>Replaces the matches of a simple regex into the target buffer.</summary>
    private Outcome ReplaceSimple(SimpleRegex regex, ReadOnlySpan<char> input, int target, ref ReadOnlySpan<char> masked)
    {
        var budget = SimpleRegex.StepBudget;
        if (!regex.TryFind(input, 0, ref budget, out var index, out var length))
        {
            return budget < 0 ? Outcome.Undecided : Outcome.Unchanged;
        }
        var output = Buffer(target, BuiltInMasks.MaxOutputLength(input.Length));
        var w = 0;
        var last = 0;
        int resume;
        do
        {
            resume = index + length;
            Replace(input, index, resume, output, ref w, ref last);
        }
        while (regex.TryFind(input, resume, ref budget, out index, out length));
        if (budget < 0)
        {
            return Outcome.Undecided;
        }
        input[last..].CopyTo(output.AsSpan(w));
        w += input.Length - last;
        masked = output.AsSpan(0, w);
        return Outcome.Masked;
    }

    /// <summary>Replaces the matches of pattern <paramref name="k"/> into the target buffer with the real regex.</summary>
    private Outcome ReplaceMatches(int k, ReadOnlySpan<char> input, int target, ref ReadOnlySpan<char> masked)
    {
        var regex = _patterns[k] ??= Compile(_sources[k]);
        var output = Buffer(target, BuiltInMasks.MaxOutputLength(input.Length));
        var w = 0;
        var last = 0;
        try
        {
            foreach (var match in regex.EnumerateMatches(input))
            {
                if (match.Length == 0)
                {
                    continue; // an empty match would sprinkle <*> everywhere
                }
                Replace(input, match.Index, match.Index + match.Length, output, ref w, ref last);
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // Only a backtracking pattern gets here. It leaves this line as it came, as it does every later one: a
            // pattern masking some lines and not others would split their template for no reason the user can see.
            _switchedOff[k] = true;
            _onSwitchedOff?.Invoke(_sources[k]);
            return Outcome.Unchanged;
        }
        if (w == 0 && last == 0)
        {
            return Outcome.Unchanged;
        }
        input[last..].CopyTo(output.AsSpan(w));
        w += input.Length - last;
        masked = output.AsSpan(0, w);
        return Outcome.Masked;
    }

    /// <summary>
    /// Copies the text before a match and writes <c>&lt;*&gt;</c> for it. White space at either end of the match stays:
    /// a pattern such as <c>0x.*?\s</c> (Windows in LogPAI's settings) means the value up to the next space, not the
    /// space, and swallowing it would glue the variable to the next word.
    /// </summary>
    private static void Replace(ReadOnlySpan<char> input, int start, int end, char[] output, ref int w, ref int last)
    {
        while (start < end && char.IsWhiteSpace(input[start]))
        {
            start++;
        }
        while (end > start && char.IsWhiteSpace(input[end - 1]))
        {
            end--;
        }
        if (start == end)
        {
            return; // white space only: nothing to mask
        }
        input[last..start].CopyTo(output.AsSpan(w));
        w += start - last;
        BuiltInMasks.Wildcard.CopyTo(output.AsSpan(w));
        w += 3;
        last = end;
    }

    private char[] Buffer(int which, int size)
    {
        ref var buffer = ref which == 0 ? ref _a : ref _b;
        if (buffer.Length < size)
        {
            buffer = new char[Math.Max(size, buffer.Length * 2)];
        }
        return buffer;
    }
}
