using System.CommandLine;
using System.Globalization;
using Vigil.Analytics.Logs;
using Vigil.Analytics.Logs.Loghub;

namespace Vigil.Cli.Commands.Logs;

/// <summary><c>vigil logs accuracy</c>: the Loghub-2k benchmark, every system of formats.json mined and scored.</summary>
internal static class AccuracyCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string>("--data")
        {
            Description = "Folder holding formats.json and the systems' logs and ground truth",
            HelpName = "DIR",
            DefaultValueFactory = _ => "../shared/data/loghub-2k",
        };
        var merge = new Option<int>("--merge-after")
        {
            Description = "Distinct words at one position before it becomes a variable (the miner's one knob; same for all systems)",
            HelpName = "N",
            DefaultValueFactory = _ => new MinerOptions().MergeAfterDistinctValues,
        };
        var command = new Command("accuracy", "Mine every Loghub system in --data with its format and masks only, and print GA, PA, FGA, FTA")
        {
            data, merge,
        };
        command.SetAction(async (result, ct) =>
        {
            var formats = Path.Combine(result.GetValue(data)!, "formats.json");
            if (!File.Exists(formats))
            {
                throw new UsageException($"{formats} not found");
            }
            if (result.GetValue(merge) is var mergeAfter && mergeAfter < 2)
            {
                throw new UsageException($"--merge-after must be at least 2 (got {mergeAfter}): one word alone is no evidence of a variable");
            }
            var options = new MinerOptions { MergeAfterDistinctValues = mergeAfter };
            var datasets = ReadDatasets(formats);
            var table = Output.NewTable("SYSTEM", "GA", "PA", "FGA", "FTA", "TEMPLATES", "TRUE");
            var scores = new List<ParsingScore>();
            foreach (var dataset in datasets)
            {
                ct.ThrowIfCancellationRequested();
                var system = dataset.Name;
                SystemScore s;
                try
                {
                    s = LoghubBenchmark.Run(dataset, MineCommand.WarnWhenAMaskIsSwitchedOff(options, context, () => $" on {system}'s log"));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
                {
                    // An unreadable log, or a ground truth that is not a structured CSV (its reader names the file).
                    throw new UsageException($"{formats}: system \"{system}\": {ex.Message}");
                }
                scores.Add(s.Score);
                table.AddPlainRow(s.System, ScoreCommand.F(s.Score.GroupingAccuracy), ScoreCommand.F(s.Score.ParsingAccuracy),
                    ScoreCommand.F(s.Score.GroupingF1), ScoreCommand.F(s.Score.TemplateF1),
                    s.Score.PredictedTemplates.ToString(CultureInfo.InvariantCulture), s.Score.TruthTemplates.ToString(CultureInfo.InvariantCulture));
            }
            table.AddPlainRow("Average", ScoreCommand.F(scores.Average(s => s.GroupingAccuracy)), ScoreCommand.F(scores.Average(s => s.ParsingAccuracy)),
                ScoreCommand.F(scores.Average(s => s.GroupingF1)), ScoreCommand.F(scores.Average(s => s.TemplateF1)), "", "");
            context.Console.Write(table);
            await Task.CompletedTask.ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The systems of formats.json, each with its log and ground truth present, before any is mined.</summary>
    private static IReadOnlyList<LoghubDataset> ReadDatasets(string formats)
    {
        IReadOnlyList<LoghubDataset> datasets;
        try
        {
            datasets = LoghubDataset.ReadFormats(formats);
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {formats}: {ex.Message}");
        }
        foreach (var dataset in datasets)
        {
            foreach (var (key, file) in new[] { ("log_file", dataset.LogFile), ("ground_truth", dataset.GroundTruth) })
            {
                if (!File.Exists(file))
                {
                    var what = Directory.Exists(file) ? "is a directory" : "does not exist";
                    throw new UsageException($"{formats}: system \"{dataset.Name}\": {key} {file} {what}");
                }
            }
        }
        return datasets;
    }
}
