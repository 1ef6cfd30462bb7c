using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Analytics.Logs;
using Vigil.Analytics.Logs.Loghub;

namespace Vigil.Cli.Commands.Logs;

/// <summary><c>vigil logs mine FILE</c>: templates of a log file with counts; optionally a Loghub-shaped structured CSV.</summary>
internal static class MineCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "Log file to mine ('-' for standard input)" };
        var format = new Option<string>("--format", "-f")
        {
            Description = "Header format in LogPAI syntax, e.g. '<Date> <Time> <Level> <Component>: <Content>' " +
                "(regex escapes such as \\[<Process>\\] allowed; <Content> is what gets mined). Default: the whole line",
            HelpName = "FORMAT",
            DefaultValueFactory = _ => "<Content>",
        };
        var masks = new Option<string[]>("--mask", "-m")
        {
            Description = "Extra masking regex (repeatable); each match becomes <*> before mining",
            HelpName = "REGEX",
            AllowMultipleArgumentsPerToken = false,
        };
        var output = new Option<string>("--output", "-o")
        {
            Description = "How to print the templates",
            HelpName = "table|csv|json",
            DefaultValueFactory = _ => "table",
        };
        output.AcceptOnlyFromAmong("table", "csv", "json");
        var structured = new Option<string?>("--structured")
        {
            Description = "Also write one CSV row per input line (LineId, header fields, Content, EventId, EventTemplate, " +
                "ParameterList), shaped like Loghub's *_structured.csv",
            HelpName = "OUT.csv",
        };
        var maxTemplates = new Option<int>("--max-templates")
        {
            Description = "Most templates kept in memory; the least recently seen are evicted beyond it",
            HelpName = "N",
            DefaultValueFactory = _ => new MinerOptions().MaxTemplates,
        };
        var command = new Command("mine", "Find the templates of a log file and count their lines")
        {
            file, format, masks, output, structured, maxTemplates,
        };
        command.SetAction(async (result, ct) =>
        {
            var logFormat = ParseFormat(result.GetValue(format)!);
            var options = BuildOptions(result.GetValue(masks) ?? [], result.GetValue(maxTemplates));
            var path = result.GetValue(file)!;
            var structuredPath = result.GetValue(structured);
            if (structuredPath is not null && path == "-")
            {
                throw new UsageException("--structured needs a file: it reads the input twice");
            }
            // Writing the CSV over the log it is read from truncated the log before it was read (data lost).
            if (structuredPath is not null)
            {
                OutputFile.RefuseTheInput(structuredPath, path, "--structured");
            }
            var run = Mine(context, path, logFormat, options, ct);
            if (structuredPath is not null)
            {
                WriteStructured(path, structuredPath, logFormat, run.Miner, ct);
            }
            PrintTemplates(context, run.Miner, result.GetValue(output)!);
            await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"mined {run.Mined} of {run.Lines} lines into {run.Miner.TemplateCount} templates in {run.Seconds:F2}s")).ConfigureAwait(false);
            run.Skipped.WriteTo(context.Error, run.Lines);
            return ExitCodes.Success;
        });
        return command;
    }

    internal sealed record MineRun(LogMiner Miner, long Lines, long Mined, SkipSummary Skipped, double Seconds);

    internal static LogFormat ParseFormat(string text)
    {
        try
        {
            return LogFormat.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new UsageException($"invalid --format: {ex.Message}");
        }
    }

    internal static MinerOptions BuildOptions(string[] masks, int maxTemplates)
    {
        foreach (var mask in masks)
        {
            try
            {
                VariableMasker.Validate(mask);
            }
            catch (FormatException ex)
            {
                throw new UsageException($"invalid --mask: {ex.Message}");
            }
        }
        if (maxTemplates < 10)
        {
            throw new UsageException("--max-templates must be at least 10");
        }
        return new MinerOptions { MaskPatterns = masks, MaxTemplates = maxTemplates };
    }

    /// <summary>
    /// <paramref name="options"/> with a warning on stderr when a mask is switched off for taking too long (once per
    /// pattern however many miners share the options); <paramref name="where"/> says where it happened, e.g. " on line 7
    /// of app.log". Without it the mask just stopped masking, and the templates changed for no visible reason.
    /// </summary>
    internal static MinerOptions WarnWhenAMaskIsSwitchedOff(MinerOptions options, CliContext context, Func<string> where)
    {
        var warned = new HashSet<string>(StringComparer.Ordinal);
        return options with
        {
            OnMaskSwitchedOff = pattern =>
            {
                if (warned.Add(pattern))
                {
                    var limit = VariableMasker.BacktrackingTimeout.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
                    context.Error.WriteLine($"warning: mask '{pattern}' took over {limit} ms{where()} and is switched off from there: " +
                        "it needs the backtracking regex engine (back-references, look-arounds, atomic groups), which can take exponential time; " +
                        "write it without those to keep it linear");
                }
            },
        };
    }

    internal static Stream Open(string path)
    {
        if (path == "-")
        {
            return Console.OpenStandardInput();
        }
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: {ex.Message}");
        }
    }

    /// <summary>The mining pass: every line through the reader, the format and the miner.</summary>
    internal static MineRun Mine(CliContext context, string path, LogFormat format, MinerOptions options, CancellationToken ct)
    {
        using var stream = Open(path);
        var reader = new LogLineReader(stream);
        var name = path == "-" ? "standard input" : path;
        options = WarnWhenAMaskIsSwitchedOff(options, context, () => string.Create(CultureInfo.InvariantCulture, $" on line {reader.LineNumber} of {name}"));
        var miner = new LogMiner(options, context.Time);
        var skipped = new SkipSummary();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        long mined = 0;
        Span<Range> fields = stackalloc Range[format.Fields.Count];
        var reads = -1L;
        var now = default(DateTimeOffset);
        LineStatus status;
        // This command owns the miner: one hold of its lock for the whole file.
        using var batch = miner.BeginBatch();
        while ((status = reader.Read(out var line)) != LineStatus.End)
        {
            if (status != LineStatus.Line)
            {
                skipped.Add(status, reader.LineNumber);
                continue;
            }
            if (!format.TryMatch(line, fields))
            {
                skipped.Add("does not match --format", reader.LineNumber);
                continue;
            }
            if (reader.Reads != reads)
            {
                // The lines of one read (up to 1 MB of a file, or whatever a pipe had) arrived together: one clock
                // read for all of them instead of one per line. A slow pipe still gets a fresh time per read.
                reads = reader.Reads;
                now = context.Time.GetUtcNow();
            }
            batch.Add(line[fields[format.ContentIndex]], now);
            if ((++mined & 0xFFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new MineRun(miner, reader.LineNumber, mined, skipped, seconds);
    }

    /// <summary>Second pass: labels each line with its final template (templates may have merged after it was read).</summary>
    private static void WriteStructured(string path, string outPath, LogFormat format, LogMiner miner, CancellationToken ct)
    {
        using var stream = Open(path);
        using var writer = OutputFile.Create(outPath);
        var reader = new LogLineReader(stream);
        var header = new List<string> { "LineId" };
        header.AddRange(format.Fields);
        header.AddRange(["EventId", "EventTemplate", "ParameterList"]);
        writer.WriteLine(Csv.Line(header));
        Span<Range> fields = stackalloc Range[format.Fields.Count];
        var sb = new StringBuilder();
        LineStatus status;
        while ((status = reader.Read(out var line)) != LineStatus.End)
        {
            if (status != LineStatus.Line || !format.TryMatch(line, fields))
            {
                continue;
            }
            var content = line[fields[format.ContentIndex]];
            var match = miner.Match(content) ?? miner.Add(content);
            sb.Clear();
            sb.Append(reader.LineNumber.ToString(CultureInfo.InvariantCulture));
            for (var i = 0; i < format.Fields.Count; i++)
            {
                sb.Append(',');
                Csv.AppendField(sb, line[fields[i]]);
            }
            sb.Append(",E").Append(match.TemplateId.ToString(CultureInfo.InvariantCulture)).Append(',');
            Csv.AppendField(sb, match.Template);
            sb.Append(',');
            Csv.AppendField(sb, PythonList(TemplateParameters.Extract(match.Template, content.ToString())));
            writer.WriteLine(sb);
            if ((reader.LineNumber & 0xFFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>LogPAI writes ParameterList as a Python list literal; so do we.</summary>
    private static string PythonList(IReadOnlyList<string> values)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }
            sb.Append('\'').Append(values[i].Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append('\'');
        }
        return sb.Append(']').ToString();
    }

    private static void PrintTemplates(CliContext context, LogMiner miner, string output)
    {
        var templates = miner.Templates();
        switch (output)
        {
            case "json":
                var json = templates.Select(t => new
                {
                    id = "E" + t.Id.ToString(CultureInfo.InvariantCulture),
                    template = t.Template,
                    count = t.Count,
                    firstSeen = t.FirstSeen,
                    lastSeen = t.LastSeen,
                });
                context.Out.WriteLine(JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
                break;
            case "csv":
                // The shape of Loghub's *_templates.csv, plus the count.
                context.Out.WriteLine("EventId,EventTemplate,Occurrences");
                foreach (var t in templates)
                {
                    context.Out.WriteLine(Csv.Line("E" + t.Id.ToString(CultureInfo.InvariantCulture), t.Template, t.Count.ToString(CultureInfo.InvariantCulture)));
                }
                break;
            default:
                if (templates.Count == 0)
                {
                    context.Out.WriteLine("No templates: no line was mined.");
                    return;
                }
                var table = Output.NewTable("ID", "COUNT", "TEMPLATE");
                foreach (var t in templates)
                {
                    table.AddPlainRow("E" + t.Id.ToString(CultureInfo.InvariantCulture), t.Count.ToString(CultureInfo.InvariantCulture), t.Template);
                }
                context.Console.Write(table);
                break;
        }
    }
}
