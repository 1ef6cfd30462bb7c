using Vigil.Analytics.Logs;

namespace Vigil.Cli.Commands.Logs;

/// <summary>Counts skipped lines by reason and keeps the first line number of each, for one summary on stderr.</summary>
internal sealed class SkipSummary
{
    private readonly Dictionary<string, (long Count, long FirstLine)> _reasons = new(StringComparer.Ordinal);

    public long Total { get; private set; }

    public void Add(LineStatus status, long lineNumber) => Add(status switch
    {
        LineStatus.Empty => "empty line",
        LineStatus.TooLong => "line too long",
        LineStatus.InvalidUtf8 => "invalid UTF-8",
        LineStatus.Binary => "binary data (control bytes)",
        _ => status.ToString(),
    }, lineNumber);

    public void Add(string reason, long lineNumber)
    {
        Total++;
        _reasons[reason] = _reasons.TryGetValue(reason, out var r) ? (r.Count + 1, r.FirstLine) : (1, lineNumber);
    }

    public void WriteTo(TextWriter error, long lines)
    {
        if (Total == 0)
        {
            return;
        }
        error.WriteLine($"skipped {Total} of {lines} lines:");
        foreach (var (reason, (count, first)) in _reasons.OrderByDescending(r => r.Value.Count))
        {
            error.WriteLine($"  {count,10}  {reason} (first at line {first})");
        }
    }
}
