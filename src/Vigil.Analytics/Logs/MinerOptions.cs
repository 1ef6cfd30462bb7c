namespace Vigil.Analytics.Logs;

/// <summary>Settings of one <see cref="LogMiner"/>; the defaults are the ones measured in docs/log-mining.md.</summary>
public sealed record MinerOptions
{
    /// <summary>
    /// Most templates kept per miner (per source). When exceeded, the least recently seen tenth is evicted, so memory
    /// stays bounded however many distinct messages a stream carries.
    /// </summary>
    public int MaxTemplates { get; init; } = 10_000;

    /// <summary>
    /// How many distinct words must appear at one position, in templates that are otherwise identical, before that
    /// position is taken for a variable. Two is enough when one of the words looks like a variable (has a digit).
    /// Three keeps small closed sets such as state names (FOLLOWING/LEADING) apart while user names, host names and
    /// the like, which keep arriving, merge.
    /// </summary>
    public int MergeAfterDistinctValues { get; init; } = 3;

    /// <summary>Tokens beyond this count are folded into the last token (bounded work and memory per line).</summary>
    public int MaxTokens { get; init; } = 128;

    /// <summary>Extra masking regexes (LogPAI semantics: each match becomes <c>&lt;*&gt;</c>, applied in order).</summary>
    public IReadOnlyList<string> MaskPatterns { get; init; } = [];

    /// <summary>
    /// Called with the pattern when one of <see cref="MaskPatterns"/> that needs the backtracking regex engine
    /// (back-references, look-arounds, atomic groups) exceeds its time limit on a line and is switched off for the rest
    /// of this miner's life; once per pattern, under the miner's lock. Patterns the linear engine runs never are.
    /// </summary>
    public Action<string>? OnMaskSwitchedOff { get; init; }

    /// <summary>Whether the built-in masks (IPs, numbers, hex, UUIDs, paths, URLs, durations) run.</summary>
    public bool BuiltInMasks { get; init; } = true;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTemplates, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(MergeAfterDistinctValues, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTokens, 4);
    }
}
