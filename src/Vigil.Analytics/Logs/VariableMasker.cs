using System.Text.RegularExpressions;

namespace Vigil.Analytics.Logs;

/// <summary>
/// Replaces variables in a message by <c>&lt;*&gt;</c>: first the source's own regexes, in order (LogPAI semantics, as
/// <c>re.sub(regex, '&lt;*&gt;', content)</c> one after another), then the <see cref="BuiltInMasks"/>.
/// </summary>
/// <remarks>Not thread-safe: it owns scratch buffers. <see cref="LogMiner"/> uses one under its lock.</remarks>
public sealed class VariableMasker
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(200);

    private readonly Regex[] _patterns;
    private readonly bool _builtIns;
    private char[] _a = new char[1024];
    private char[] _b = new char[1024];

    public VariableMasker(IEnumerable<string> patterns, bool builtIns = true)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        _patterns = [.. patterns.Select(Compile)];
        _builtIns = builtIns;
    }

    /// <summary>Compiles a user masking regex; throws <see cref="FormatException"/> naming the bad pattern.</summary>
    public static Regex Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, MatchTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException($"invalid mask regex '{pattern}': {ex.Message}", ex);
        }
    }

    /// <summary>Masks <paramref name="content"/>; the result is valid until the next call.</summary>
    public ReadOnlySpan<char> Mask(ReadOnlySpan<char> content)
    {
        ReadOnlySpan<char> current = content;
        var target = 0; // which scratch buffer receives the next stage
        foreach (var regex in _patterns)
        {
            current = ReplaceMatches(regex, current, target);
            target ^= 1;
        }
        if (!_builtIns)
        {
            return current;
        }
        var output = Buffer(target, BuiltInMasks.MaxOutputLength(current.Length));
        var written = BuiltInMasks.Apply(current, output);
        return output.AsSpan(0, written);
    }

    private ReadOnlySpan<char> ReplaceMatches(Regex regex, ReadOnlySpan<char> input, int target)
    {
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
                input[last..match.Index].CopyTo(output.AsSpan(w));
                w += match.Index - last;
                BuiltInMasks.Wildcard.CopyTo(output.AsSpan(w));
                w += 3;
                last = match.Index + match.Length;
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological line: keep what was masked so far, leave the rest as it is.
        }
        input[last..].CopyTo(output.AsSpan(w));
        w += input.Length - last;
        return output.AsSpan(0, w);
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
