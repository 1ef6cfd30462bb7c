namespace Vigil.Core.LogPatterns;

/// <summary>How bad a log template looks, for deciding whether a new one deserves an alert.</summary>
public enum ErrorLook
{
    None,
    Error,

    /// <summary>FATAL, panic, emergency: the process is likely going down.</summary>
    Fatal,
}

/// <summary>
/// Log levels and the words that make a line look like an error. This is the one place the list lives: the level
/// guess stored with each template, the new-error-pattern alert and the UI's badge all read it from here.
/// </summary>
public static class LogLevels
{
    public const string Fatal = "fatal";
    public const string Error = "error";
    public const string Warn = "warn";
    public const string Info = "info";
    public const string Debug = "debug";

    /// <summary>Level unknown: neither declared by the sender nor written in the line.</summary>
    public const string Unknown = "";

    // Level names as senders and log libraries write them (syslog, log4j, Go, Python, Rust), lower-cased.
    private static readonly Dictionary<string, string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fatal"] = Fatal,
        ["panic"] = Fatal,
        ["emerg"] = Fatal,
        ["emergency"] = Fatal,
        ["critical"] = Fatal,
        ["crit"] = Fatal,
        ["error"] = Error,
        ["err"] = Error,
        ["severe"] = Error,
        ["warn"] = Warn,
        ["warning"] = Warn,
        ["info"] = Info,
        ["notice"] = Info,
        ["information"] = Info,
        ["debug"] = Debug,
        ["trace"] = Debug,
        ["fine"] = Debug,
        ["finer"] = Debug,
        ["finest"] = Debug,
        ["verbose"] = Debug,
    };

    /// <summary>Words that make a template look like an error whatever its level (matched as whole words, any case).</summary>
    private static readonly HashSet<string> ErrorWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "error", "fatal", "critical", "panic", "exception", "failed", "failure", "fail", "refused", "timeout", "timed",
        "unreachable", "denied", "aborted", "abort", "corrupt", "corrupted", "traceback", "segfault", "oom", "unavailable",
    };

    /// <summary>Words that make an error fatal.</summary>
    private static readonly HashSet<string> FatalWords = new(StringComparer.OrdinalIgnoreCase) { "fatal", "panic", "segfault", "oom" };

    /// <summary>The canonical level of a declared level name ("ERROR", "Warning", "crit"...), or <see cref="Unknown"/>.</summary>
    public static string Normalize(string? declared) =>
        declared is not null && Names.TryGetValue(declared.Trim(), out var level) ? level : Unknown;

    /// <summary>
    /// The sender's declared level if it is a known one; otherwise the first level word found in the line's first
    /// few words (where headers put it: "2024-01-01 12:00:00 ERROR ...", "[WARN]", "level=info").
    /// </summary>
    public static string Guess(string? declared, ReadOnlySpan<char> line)
    {
        var level = Normalize(declared);
        if (level != Unknown)
        {
            return level;
        }
        var words = 0;
        foreach (var range in line.SplitAny(" \t[]():=|<>,;\"'"))
        {
            var word = line[range];
            if (word.IsEmpty)
            {
                continue;
            }
            if (++words > 8)
            {
                break;
            }
            // Upper-case (INFO, Warn) or marked (level=info, [error], first word) counts; "an error" in prose does not.
            var start = range.Start.Value;
            var marked = words == 1 || line[start - 1] is '=' or '[' || !char.IsLower(word[0]);
            if (marked && Names.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(word, out var found))
            {
                return found;
            }
        }
        return Unknown;
    }

    /// <summary>Whether a template (its level and its words) looks like an error.</summary>
    public static ErrorLook Classify(string level, string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (level == Fatal)
        {
            return ErrorLook.Fatal;
        }
        if (level == Debug)
        {
            // Debug output talks about failures all the time; only a declared level can make it an error.
            return ErrorLook.None;
        }
        var look = level == Error ? ErrorLook.Error : ErrorLook.None;
        var span = template.AsSpan();
        foreach (var range in span.SplitAny(" \t.,:;=()[]{}<>\"'/|!?-_*#"))
        {
            var word = span[range];
            if (word.IsEmpty)
            {
                continue;
            }
            if (FatalWords.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word))
            {
                return ErrorLook.Fatal;
            }
            // Java/.NET/Python class names: IOException, ValueError, SocketTimeoutException.
            if (ErrorWords.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word)
                || (word.Length > 9 && word.EndsWith("Exception", StringComparison.Ordinal))
                || (word.Length > 5 && word.EndsWith("Error", StringComparison.Ordinal) && char.IsUpper(word[0])))
            {
                look = ErrorLook.Error;
            }
        }
        return look;
    }
}
