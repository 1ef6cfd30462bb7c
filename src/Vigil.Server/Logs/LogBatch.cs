namespace Vigil.Server.Logs;

/// <summary>One line to mine, with the stream it came from.</summary>
/// <param name="Level">The level the sender declared, if any.</param>
public readonly record struct LogLine(string Source, string Service, string Message, string? Level);

/// <summary>The lines of one request, plus the lines skipped and why (answered to the sender, never silently dropped).</summary>
public sealed class LogBatch
{
    public List<LogLine> Lines { get; } = [];

    public SortedDictionary<string, int> SkippedReasons { get; } = new(StringComparer.Ordinal);

    public int Skipped { get; private set; }

    public void Skip(string reason)
    {
        Skipped++;
        SkippedReasons[reason] = SkippedReasons.GetValueOrDefault(reason) + 1;
    }
}

/// <summary>Skip reasons, as answered in <c>reasons</c>.</summary>
public static class SkipReasons
{
    public const string Empty = "empty_line";
    public const string TooLong = "line_too_long";
    public const string Binary = "binary_data";
    public const string FormatMismatch = "format_mismatch";

    /// <summary>A source beyond <c>logs.max_sources</c>.</summary>
    public const string SourceLimit = "source_limit";
}
