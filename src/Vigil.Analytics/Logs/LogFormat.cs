using System.Runtime.Intrinsics;
using System.Text;
using System.Text.RegularExpressions;

namespace Vigil.Analytics.Logs;

/// <summary>
/// A LogPAI header format such as <c>&lt;Date&gt; &lt;Time&gt; &lt;Level&gt; \[&lt;Process&gt;\] &lt;Component&gt;: &lt;Content&gt;</c>,
/// compiled exactly as LogPAI's <c>generate_logformat_regex</c> does: each <c>&lt;Name&gt;</c> becomes a lazy named group
/// <c>(?&lt;Name&gt;.*?)</c>, runs of spaces become <c>\s+</c>, everything else is regex text, anchored at both ends.
/// </summary>
/// <remarks>
/// <para>
/// Formats made only of fields separated by literal text and spaces (all eight Loghub formats but Linux's) are also
/// matched by a hand-written scanner that takes, for each field, the first place its separator matches. That is the
/// first path the regex engine itself tries for lazy groups, so when the scanner succeeds it agrees with the regex.
/// When it fails the regex decides: the scanner cannot, as a later separator may fit only once an earlier <c>\s+</c>
/// gives a space back (<c>"x  y"</c> fits <c>&lt;A&gt; &lt;B&gt; &lt;Content&gt;</c> with an empty B).
/// </para>
/// <para>
/// The backtracking engine tries every split of a chain of lazy groups before it gives up, so a line that does not fit
/// (no ':' for <c>&lt;Component&gt;:</c>) used to cost its whole time-out, under the source's lock. Whether a line fits
/// is therefore decided by .NET's <see cref="RegexOptions.NonBacktracking"/> engine, linear in the line's length. Its
/// captures are the backtracking engine's for these patterns (checked on every Loghub line and on random lines), but it
/// finds them ~20x slower, so it splits only lines the scanner rejected; a format without a scanner splits a fitting
/// line with the compiled backtracking regex, and goes to the linear engine after <see cref="SplitTimeout"/> (a fitting
/// line can still send it through many splits: "a  b c d: e f g …" fits Linux's format only with an empty Date).
/// A format using what the linear engine lacks (back-references, look-arounds, atomic groups) keeps the backtracking
/// engine alone, with <see cref="MatchTimeout"/>.
/// </para>
/// </remarks>
public sealed partial class LogFormat
{
    /// <summary>Bounds the backtracking engine where nothing linear can take over: the line is then rejected.</summary>
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Bounds the backtracking split of a line already known to fit: past it the linear engine splits the line (the same
    /// answer), so this only caps wasted work, and a slow machine that hits it loses no line.
    /// </summary>
    private static readonly TimeSpan SplitTimeout = TimeSpan.FromMilliseconds(10);

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    /// <summary>Longest format accepted. Loghub's 16 formats are at most 90 characters with 9 fields; a format
    /// of 300,000 characters took minutes to compile (checked to fail, not to stall: found by fuzzing the CLI).</summary>
    public const int MaxLength = 4096;

    /// <summary>Most fields a format may name (each is a lazy group the backtracking split may retry).</summary>
    public const int MaxFields = 64;

    private readonly Regex _regex;
    private readonly Regex? _linear;
    private Regex? _compiled;
    private long _timeouts;
    private readonly int[] _groupNumbers;
    private readonly ScanStep[]? _scan;

    /// <summary>The field names in format order (<c>Content</c> among them).</summary>
    public IReadOnlyList<string> Fields { get; }

    /// <summary>Index of <c>Content</c> in <see cref="Fields"/>.</summary>
    public int ContentIndex { get; }

    /// <summary>The format string as given.</summary>
    public string Text { get; }

    /// <summary>The regex the format compiles to (for documentation and debugging).</summary>
    public string Pattern => _regex.ToString();

    /// <summary>Times the backtracking engine ran out of time on a line (a test hook: a line that does not fit never should).</summary>
    internal long RegexTimeouts => Interlocked.Read(ref _timeouts);

    /// <summary>The whole line is the content: what to use when no format is given.</summary>
    public static LogFormat WholeLine { get; } = Parse("<Content>");

    private LogFormat(string text, List<string> fields, Regex regex, Regex? linear, ScanStep[]? scan)
    {
        Text = text;
        Fields = fields;
        ContentIndex = fields.IndexOf("Content");
        _regex = regex;
        _linear = linear;
        _groupNumbers = [.. fields.Select(regex.GroupNumberFromName)];
        _scan = scan;
    }

    /// <summary>Compiles a format string; throws <see cref="FormatException"/> with a readable reason when invalid.</summary>
    public static LogFormat Parse(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (format.Length > MaxLength)
        {
            throw new FormatException($"the format is {format.Length:N0} characters long; at most {MaxLength:N0} are accepted");
        }
        var parts = FieldSyntax().Split(format);
        if ((parts.Length - 1) / 2 > MaxFields)
        {
            throw new FormatException($"the format has {(parts.Length - 1) / 2:N0} fields; at most {MaxFields} are accepted");
        }
        var fields = new List<string>();
        var pattern = new StringBuilder("^");
        for (var k = 0; k < parts.Length; k++)
        {
            if (k % 2 == 0)
            {
                pattern.Append(Spaces().Replace(parts[k], @"\s+"));
                continue;
            }
            var name = parts[k][1..^1];
            if (!FieldName().IsMatch(name))
            {
                throw new FormatException($"field <{name}> must be a name of letters, digits and '_' starting with a letter");
            }
            if (fields.Contains(name))
            {
                throw new FormatException($"field <{name}> appears twice");
            }
            fields.Add(name);
            pattern.Append("(?<").Append(name).Append(">.*?)");
        }
        pattern.Append('$');
        if (!fields.Contains("Content"))
        {
            throw new FormatException("the format needs a <Content> field: that is the part that gets mined");
        }
        Regex regex;
        try
        {
            regex = new Regex(pattern.ToString(), Options, MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"the format is not a valid regular expression once compiled: {ex.Message}", ex);
        }
        Regex? linear;
        try
        {
            // Same group numbers as the regex above: both number the same pattern's named groups in order. Linear in
            // the line's length, so no time-out: a long line costs in proportion, it cannot get stuck.
            linear = new Regex(pattern.ToString(), Options | RegexOptions.NonBacktracking, Regex.InfiniteMatchTimeout);
        }
        catch (NotSupportedException)
        {
            linear = null;
        }
        return new LogFormat(format, fields, regex, linear, TryBuildScanner(parts));
    }

    /// <summary>
    /// Splits a line into its fields (ranges into <paramref name="line"/>, one per <see cref="Fields"/> entry).
    /// Returns false when the line does not have the format's shape.
    /// </summary>
    public bool TryMatch(ReadOnlySpan<char> line, Span<Range> fields)
    {
        if (fields.Length < Fields.Count)
        {
            throw new ArgumentException("one range per field is needed", nameof(fields));
        }
        if (_scan is not null && TryScan(line, fields))
        {
            return true;
        }
        return TryRegex(line, fields);
    }

    private bool TryRegex(ReadOnlySpan<char> line, Span<Range> fields)
    {
        Match? match = null;
        string? text = null;
        if (_linear is not null)
        {
            // Linear whether or not the line fits, and without captures (its fast mode): most rejected lines end here.
            if (!_linear.IsMatch(line))
            {
                return false;
            }
            // A line the scanner rejected yet fitting is rare (unusual spacing): no backtracking for it at all.
            if (_scan is not null)
            {
                match = _linear.Match(text = line.ToString());
            }
        }
        if (match is null)
        {
            // Regex needs a string; this is the slow path (complex formats, or lines the scanner rejected).
            // Compiled to IL (~10 ms) only when first needed: most formats never need it.
            _compiled ??= new Regex(_regex.ToString(), _regex.Options | RegexOptions.Compiled, _linear is null ? MatchTimeout : SplitTimeout);
            text ??= line.ToString();
            try
            {
                match = _compiled.Match(text);
            }
            catch (RegexMatchTimeoutException)
            {
                Interlocked.Increment(ref _timeouts);
                if (_linear is null)
                {
                    return false;
                }
                match = _linear.Match(text);
            }
        }
        if (!match.Success)
        {
            return false;
        }
        for (var i = 0; i < _groupNumbers.Length; i++)
        {
            var group = match.Groups[_groupNumbers[i]];
            fields[i] = new Range(group.Index, group.Index + group.Length);
        }
        return true;
    }

    private bool TryScan(ReadOnlySpan<char> line, Span<Range> fields)
    {
        var steps = _scan!;
        var pos = 0;
        var field = 0;
        var window = new WhitespaceWindow(-1, 0);
        for (var s = 0; s < steps.Length; s++)
        {
            var step = steps[s];
            if (step.IsField)
            {
                var start = pos;
                if (s == steps.Length - 1)
                {
                    fields[field++] = new Range(start, line.Length);
                    return true;
                }
                // A lazy field ends where the following separator first matches.
                var separator = steps[++s];
                var end = separator.IsOneWhitespace
                    ? FindWhitespace(line, pos, ref window, out var after)
                    : FindSeparator(line, pos, separator.Separator!, out after);
                if (end < 0)
                {
                    return false;
                }
                fields[field++] = new Range(start, end);
                pos = after;
            }
            else
            {
                var matched = MatchSeparatorAt(line, pos, step.Separator!);
                if (matched < 0)
                {
                    return false;
                }
                pos = matched;
            }
        }
        return pos == line.Length;
    }

    /// <summary>
    /// Which of 32 chars from <see cref="Start"/> are white space (bit k for char Start + k), all of them ASCII; a
    /// negative start when no such window is known.
    /// </summary>
    private readonly record struct WhitespaceWindow(int Start, uint Mask)
    {
        public const int Width = 32;

        public bool Covers(int pos) => Start >= 0 && pos >= Start && pos < Start + Width;
    }

    /// <summary>
    /// <see cref="FindWhitespace(ReadOnlySpan{char}, int, out int)"/> from a bit mask of the next 32 chars, made by two
    /// vector compares: a header's fields end at unpredictable places, and a char loop paid a mispredicted branch
    /// per field. Any char outside ASCII in the window (no-break space, …) leaves the answer to the char loop.
    /// </summary>
    private static int FindWhitespace(ReadOnlySpan<char> line, int from, ref WhitespaceWindow window, out int after)
    {
        if (!window.Covers(from) && !TryWhitespaceWindow(line, from, out window))
        {
            return FindWhitespace(line, from, out after);
        }
        var offset = from - window.Start;
        var ahead = window.Mask >> offset;
        if (ahead == 0)
        {
            return FindWhitespace(line, from, out after);
        }
        var end = from + System.Numerics.BitOperations.TrailingZeroCount(ahead);
        var run = System.Numerics.BitOperations.TrailingZeroCount(~(window.Mask >> (end - window.Start)));
        after = end + run;
        if (after - window.Start >= WhitespaceWindow.Width)
        {
            // The white space runs past the window: the char loop finds where it stops.
            while (after < line.Length && char.IsWhiteSpace(line[after]))
            {
                after++;
            }
        }
        return end;
    }

    private static readonly bool AsciiWhitespaceIsTabToReturnAndSpace = CheckAsciiWhitespace();

    /// <summary>The vector test below assumes <see cref="char.IsWhiteSpace(char)"/> takes exactly \t \n \v \f \r and ' ' of ASCII.</summary>
    private static bool CheckAsciiWhitespace()
    {
        for (var c = (char)0; c < 128; c++)
        {
            if (char.IsWhiteSpace(c) != (c == ' ' || (c >= '\t' && c <= '\r')))
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryWhitespaceWindow(ReadOnlySpan<char> line, int start, out WhitespaceWindow window)
    {
        window = new WhitespaceWindow(-1, 0);
        if (!Vector256.IsHardwareAccelerated || !AsciiWhitespaceIsTabToReturnAndSpace || start + WhitespaceWindow.Width > line.Length)
        {
            return false;
        }
        ref var first = ref System.Runtime.CompilerServices.Unsafe.As<char, ushort>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(line));
        var low = Vector256.LoadUnsafe(ref first, (nuint)start);
        var high = Vector256.LoadUnsafe(ref first, (nuint)(start + 16));
        if (((low | high) & Vector256.Create((ushort)0xFF80)) != Vector256<ushort>.Zero)
        {
            return false;
        }
        var space = Vector256.Create((ushort)' ');
        var tab = Vector256.Create((ushort)'\t');
        var controls = Vector256.Create((ushort)('\r' - '\t'));
        var lowBits = (Vector256.Equals(low, space) | Vector256.LessThanOrEqual(low - tab, controls)).ExtractMostSignificantBits();
        var highBits = (Vector256.Equals(high, space) | Vector256.LessThanOrEqual(high - tab, controls)).ExtractMostSignificantBits();
        window = new WhitespaceWindow(start, lowBits | (highBits << 16));
        return true;
    }

    /// <summary>
    /// <see cref="FindSeparator"/> for the commonest separator, white space alone (the space between two fields): the
    /// same answer from a plain loop, without the general matcher's calls per field.
    /// </summary>
    private static int FindWhitespace(ReadOnlySpan<char> line, int from, out int after)
    {
        var end = from;
        while (true)
        {
            if (end >= line.Length)
            {
                after = -1;
                return -1;
            }
            // Printable ASCII ('!'..DEL) is never white space: the common char is decided by one comparison.
            var c = line[end];
            if ((uint)(c - '!') > '\u007f' - '!' && char.IsWhiteSpace(c))
            {
                break;
            }
            end++;
        }
        after = end + 1;
        while (after < line.Length && char.IsWhiteSpace(line[after]))
        {
            after++;
        }
        return end;
    }

    /// <summary>
    /// Where the separator first matches at or after <paramref name="from"/> (the end of a lazy field), as the format's
    /// regex finds it: white space is any char <c>\s</c> matches, <see cref="char.IsWhiteSpace"/>, not just space and tab.
    /// </summary>
    private static int FindSeparator(ReadOnlySpan<char> line, int from, SeparatorPart[] separator, out int after)
    {
        var first = separator[0];
        for (var k = from; k < line.Length; k++)
        {
            if (!first.IsWhitespace)
            {
                // A literal start (": " after a component name) is found by a vectorised search, not char by char.
                var next = line[k..].IndexOf(first.Literal![0]);
                if (next < 0)
                {
                    break;
                }
                k += next;
            }
            else if (!char.IsWhiteSpace(line[k]))
            {
                continue;
            }
            var end = MatchSeparatorAt(line, k, separator);
            if (end >= 0)
            {
                after = end;
                return k;
            }
        }
        after = -1;
        return -1;
    }

    private static int MatchSeparatorAt(ReadOnlySpan<char> line, int pos, SeparatorPart[] separator)
    {
        foreach (var part in separator)
        {
            if (part.IsWhitespace)
            {
                var start = pos;
                while (pos < line.Length && char.IsWhiteSpace(line[pos]))
                {
                    pos++;
                }
                if (pos == start)
                {
                    return -1;
                }
            }
            else
            {
                if (!line[pos..].StartsWith(part.Literal, StringComparison.Ordinal))
                {
                    return -1;
                }
                pos += part.Literal!.Length;
            }
        }
        return pos;
    }

    /// <summary>A scanner plan, or null when the format uses regex syntax the scanner does not model.</summary>
    private static ScanStep[]? TryBuildScanner(string[] parts)
    {
        var steps = new List<ScanStep>();
        for (var k = 0; k < parts.Length; k++)
        {
            if (k % 2 == 1)
            {
                steps.Add(new ScanStep(true, null));
                continue;
            }
            if (parts[k].Length == 0)
            {
                // Two adjacent fields (or a field at an end) need real backtracking; only a final field is fine.
                if (k > 0 && k < parts.Length - 1)
                {
                    return null;
                }
                continue;
            }
            var separator = ParseLiteral(parts[k]);
            if (separator is null)
            {
                return null;
            }
            steps.Add(new ScanStep(false, separator));
        }
        // The scanner handles "field, separator, field, ..., Content at the end".
        return steps.Count > 0 && steps[^1].IsField && (steps.Count == 1 || !steps[^2].IsField) ? [.. steps] : null;
    }

    private static SeparatorPart[]? ParseLiteral(string text)
    {
        var parts = new List<SeparatorPart>();
        var literal = new StringBuilder();
        void Flush()
        {
            if (literal.Length > 0)
            {
                parts.Add(new SeparatorPart(false, literal.ToString()));
                literal.Clear();
            }
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == ' ')
            {
                Flush();
                while (i + 1 < text.Length && text[i + 1] == ' ')
                {
                    i++;
                }
                parts.Add(new SeparatorPart(true, null));
            }
            else if (c == '\\')
            {
                if (i + 1 >= text.Length || char.IsLetterOrDigit(text[i + 1]))
                {
                    return null; // \d, \s, \b...: real regex syntax
                }
                literal.Append(text[++i]);
            }
            else if ("()[]{}?*+|^$.".Contains(c, StringComparison.Ordinal))
            {
                return null;
            }
            else
            {
                literal.Append(c);
            }
        }
        Flush();
        return [.. parts];
    }

    private sealed record ScanStep(bool IsField, SeparatorPart[]? Separator)
    {
        public bool IsOneWhitespace { get; } = Separator is [{ IsWhitespace: true }];
    }

    private sealed record SeparatorPart(bool IsWhitespace, string? Literal);

    [GeneratedRegex("(<[^<>]+>)")]
    private static partial Regex FieldSyntax();

    [GeneratedRegex(" +")]
    private static partial Regex Spaces();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex FieldName();
}
