using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Vigil.Analytics.Logs;

namespace Vigil.Cli.Commands.Logs;

/// <summary>
/// <c>vigil logs bench</c>: single-threaded throughput, allocations per line and memory of the miner on an
/// HDFS-style file made from HDFS_2k.log with every number varied, then optionally a long stream with an unbounded
/// number of distinct messages to show that the template cap keeps memory flat.
/// </summary>
internal static class BenchCommand
{
    private const string HdfsFormat = "<Date> <Time> <Pid> <Level> <Component>: <Content>";

    public static Command Create(CliContext context)
    {
        var source = new Option<string>("--source")
        {
            Description = "Sample log to vary (HDFS format)",
            HelpName = "FILE",
            DefaultValueFactory = _ => "../shared/data/loghub-2k/HDFS/HDFS_2k.log",
        };
        var lines = new Option<int>("--lines") { Description = "Lines in the generated file", HelpName = "N", DefaultValueFactory = _ => 1_000_000 };
        var keep = new Option<string?>("--keep") { Description = "Write the generated file here and keep it (for 'vigil logs mine' runs)", HelpName = "FILE" };
        var masks = new Option<string[]>("--mask", "-m") { Description = "Extra masking regexes, as for 'mine'", HelpName = "REGEX" };
        var stream = new Option<long>("--stream")
        {
            Description = "Then mine this many generated lines from memory, a tenth of them never-seen messages, printing memory as it goes",
            HelpName = "N",
            DefaultValueFactory = _ => 0,
        };
        var maxTemplates = new Option<int>("--max-templates") { Description = "Template cap for the stream", HelpName = "N", DefaultValueFactory = _ => new MinerOptions().MaxTemplates };
        var command = new Command("bench", "Benchmark the miner: lines/s, bytes allocated per line, peak memory; --stream shows the template cap at work")
        {
            source, lines, keep, masks, stream, maxTemplates,
        };
        command.SetAction(async (result, ct) =>
        {
            var sample = result.GetValue(source)!;
            if (!File.Exists(sample))
            {
                throw new UsageException($"{sample} not found (use --source)");
            }
            var count = result.GetValue(lines);
            if (count < 1)
            {
                throw new UsageException($"--lines must be at least 1 (got {count})");
            }
            var streamLines = result.GetValue(stream);
            if (streamLines < 0)
            {
                throw new UsageException($"--stream must be 0 (no stream) or more (got {streamLines})");
            }
            if (result.GetValue(keep) is { } kept)
            {
                OutputFile.RefuseTheInput(kept, sample, "--keep"); // the generated file replaced the sample
            }
            var format = LogFormat.Parse(HdfsFormat);
            var sampleLines = ReadSample(sample, format);
            var path = result.GetValue(keep) ?? Path.Combine(Path.GetTempPath(), $"vigil-bench-{Environment.ProcessId}.log");
            var options = MineCommand.WarnWhenAMaskIsSwitchedOff(
                MineCommand.BuildOptions(result.GetValue(masks) ?? [], result.GetValue(maxTemplates)), context, () => "");
            var output = context.Out;
            try
            {
                var bytes = Generate(sampleLines, count, path);
                await output.WriteLineAsync($"generated {count:N0} lines ({bytes / 1e6:F1} MB) into {path}").ConfigureAwait(false);
                // Warm-up on a slice so the timed run measures steady-state code, not the JIT.
                MineFile(path, format, options, 200_000);
                var run = MineFile(path, format, options, long.MaxValue);
                if (run.Lines == 0)
                {
                    // Every sample line fits the format, so only lines the reader skips (binary, too long) get here.
                    throw new UsageException($"{sample}: none of the {count:N0} generated lines could be mined (binary data or lines over 64 KiB?)");
                }
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"mined {run.Lines:N0} lines in {run.Seconds:F3}s: {PerSecond(run.Lines, run.Seconds)} lines/s wall-clock ({PerSecond(run.Lines, run.CpuSeconds)} per CPU-second), " +
                    $"{run.AllocatedBytes / (double)run.Lines:F1} bytes allocated per line, " +
                    $"{run.Templates} templates, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB")).ConfigureAwait(false);
            }
            finally
            {
                if (result.GetValue(keep) is null)
                {
                    File.Delete(path);
                }
            }
            if (streamLines > 0)
            {
                await MineStreamAsync(context, sampleLines, streamLines, options, ct).ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Most of the sample read: HDFS_2k.log is 280 KB; an endless source (/dev/zero) must not fill memory.</summary>
    private const int MaxSampleBytes = 16 << 20;

    /// <summary>
    /// The sample's lines that fit the HDFS format (all of HDFS_2k.log's do), from its first 16 MiB. None is a usage
    /// error: an empty source divided by zero, and one of another format generated lines that all went unmined.
    /// </summary>
    private static string[] ReadSample(string path, LogFormat format)
    {
        using var bytes = new MemoryStream();
        using (var stream = MineCommand.Open(path))
        {
            var chunk = new byte[1 << 16];
            int read;
            while (bytes.Length < MaxSampleBytes && (read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, MaxSampleBytes - bytes.Length))) > 0)
            {
                bytes.Write(chunk, 0, read);
            }
        }
        Span<Range> fields = stackalloc Range[format.Fields.Count];
        var lines = new List<string>();
        using var reader = new StringReader(Encoding.UTF8.GetString(bytes.GetBuffer(), 0, (int)bytes.Length));
        while (reader.ReadLine() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line) && format.TryMatch(line, fields))
            {
                lines.Add(line);
            }
        }
        return lines.Count > 0
            ? [.. lines]
            : throw new UsageException($"{path}: no line fits the HDFS format '{HdfsFormat}'; --source is a log to vary, such as HDFS_2k.log");
    }

    private static string PerSecond(long count, double seconds) =>
        seconds > 0 ? (count / seconds).ToString("N0", CultureInfo.InvariantCulture) : "-";

    private sealed record Run(long Lines, double Seconds, double CpuSeconds, long AllocatedBytes, int Templates);

    private static Run MineFile(string path, LogFormat format, MinerOptions options, long limit)
    {
        var miner = new LogMiner(options);
        Span<Range> fields = stackalloc Range[format.Fields.Count];
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        long mined = 0;
        using (var file = MineCommand.Open(path))
        {
            var reader = new LogLineReader(file);
            var reads = -1L;
            var now = default(DateTimeOffset);
            using var batch = miner.BeginBatch();
            while (mined < limit && reader.Read(out var line) is var status && status != LineStatus.End)
            {
                if (status == LineStatus.Line && format.TryMatch(line, fields))
                {
                    if (reader.Reads != reads)
                    {
                        // As 'vigil logs mine' does: one clock read per read of the file.
                        reads = reader.Reads;
                        now = TimeProvider.System.GetUtcNow();
                    }
                    batch.Add(line[fields[format.ContentIndex]], now);
                    mined++;
                }
            }
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return new Run(mined, seconds, cpuSeconds, GC.GetAllocatedBytesForCurrentThread() - allocated, miner.TemplateCount);
    }

    /// <summary>Repeats the sample with every digit replaced by a random one, so ids, addresses and sizes vary.</summary>
    private static long Generate(string[] sample, int count, string path)
    {
        var random = new Random(42);
        using var writer = OutputFile.Create(path, 1 << 20);
        var line = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            Vary(sample[i % sample.Length], random, line);
            writer.Write(line);
            writer.Write('\n');
        }
        writer.Flush();
        return new FileInfo(path).Length;
    }

    private static void Vary(string text, Random random, StringBuilder into)
    {
        into.Clear();
        foreach (var c in text)
        {
            into.Append(char.IsAsciiDigit(c) ? (char)('0' + random.Next(10)) : c);
        }
    }

    /// <summary>Mines generated lines from memory; one in ten is a message never seen before (two random words).</summary>
    private static async Task MineStreamAsync(CliContext context, string[] sample, long total, MinerOptions options, CancellationToken ct)
    {
        var miner = new LogMiner(options);
        var format = LogFormat.Parse(HdfsFormat);
        var random = new Random(7);
        var line = new StringBuilder();
        var buffer = new char[4096];
        Span<Range> fields = stackalloc Range[format.Fields.Count];
        var table = Output.NewTable("LINES", "TEMPLATES", "EVICTED", "MANAGED HEAP MB", "WORKING SET MB");
        var step = Math.Max(1, total / 10);
        var started = Stopwatch.GetTimestamp();
        for (long i = 1; i <= total; i++)
        {
            if (i % 10 == 0)
            {
                line.Clear().Append("job ").Append(Word(random)).Append(' ').Append(Word(random)).Append(" finished");
            }
            else
            {
                Vary(sample[i % sample.Length], random, line);
            }
            line.CopyTo(0, buffer, line.Length);
            var text = buffer.AsSpan(0, line.Length);
            var content = i % 10 == 0 ? text : format.TryMatch(text, fields) ? text[fields[format.ContentIndex]] : text;
            miner.Add(content);
            if (i % step == 0)
            {
                ct.ThrowIfCancellationRequested();
                table.AddPlainRow(i.ToString("N0", CultureInfo.InvariantCulture), miner.TemplateCount.ToString(CultureInfo.InvariantCulture),
                    miner.EvictedCount.ToString(CultureInfo.InvariantCulture),
                    (GC.GetTotalMemory(forceFullCollection: true) / 1e6).ToString("F1", CultureInfo.InvariantCulture),
                    (Environment.WorkingSet / 1e6).ToString("F0", CultureInfo.InvariantCulture));
            }
        }
        context.Console.Write(table);
        await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"streamed {total:N0} lines in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1}s (generation included)")).ConfigureAwait(false);
    }

    private static string Word(Random random)
    {
        Span<char> word = stackalloc char[8];
        for (var i = 0; i < word.Length; i++)
        {
            word[i] = (char)('a' + random.Next(26));
        }
        return new string(word);
    }
}
