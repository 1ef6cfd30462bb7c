namespace Vigil.Analytics.Logs.Loghub;

/// <summary>The score of one Loghub system.</summary>
public sealed record SystemScore(string System, ParsingScore Score, int Templates, int SkippedLines);

/// <summary>
/// Mines a Loghub system's log with only its format string and masking regexes from <c>formats.json</c> (no other
/// per-system setting) and scores the result against its corrected ground truth.
/// </summary>
public static class LoghubBenchmark
{
    public static SystemScore Run(LoghubDataset dataset, MinerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var format = LogFormat.Parse(dataset.LogFormat);
        var miner = new LogMiner((options ?? new MinerOptions()) with { MaskPatterns = dataset.Regex });
        var contents = new List<(long LineId, string Content)>();
        var skipped = 0;
        Span<Range> fields = stackalloc Range[format.Fields.Count];
        using (var stream = File.OpenRead(dataset.LogFile))
        {
            var reader = new LogLineReader(stream);
            LineStatus status;
            while ((status = reader.Read(out var line)) != LineStatus.End)
            {
                if (status != LineStatus.Line || !format.TryMatch(line, fields))
                {
                    skipped++;
                    continue;
                }
                var content = line[fields[format.ContentIndex]];
                miner.Add(content);
                contents.Add((reader.LineNumber, content.ToString()));
            }
        }
        // Label every line with its final template: early lines may have joined a template that merged later.
        var predictedById = new Dictionary<long, string>(contents.Count);
        foreach (var (lineId, content) in contents)
        {
            var match = miner.Match(content) ?? miner.Add(content);
            predictedById[lineId] = match.Template;
        }
        var truth = StructuredLog.Read(dataset.GroundTruth);
        var truthTemplates = new List<string>(truth.Count);
        var predicted = new List<string>(truth.Count);
        foreach (var row in truth)
        {
            truthTemplates.Add(row.EventTemplate);
            predicted.Add(predictedById.TryGetValue(row.LineId, out var t) ? t : $"<missing line {row.LineId}>");
        }
        return new SystemScore(dataset.Name, ParsingScore.Compute(truthTemplates, predicted), miner.TemplateCount, skipped);
    }
}
