using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Vigil.Analytics.Logs;
using Vigil.Analytics.Logs.Loghub;

namespace Vigil.Cli.Commands.Logs;

/// <summary><c>vigil logs score --truth X --predicted Y</c>: GA, PA, FGA and FTA of a structured file against ground truth.</summary>
internal static class ScoreCommand
{
    public static Command Create(CliContext context)
    {
        var truth = new Option<string>("--truth") { Description = "Ground truth, a Loghub *_structured.csv", HelpName = "FILE", Required = true };
        var predicted = new Option<string>("--predicted") { Description = "Parser output with LineId and EventTemplate columns", HelpName = "FILE", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Output format", HelpName = "table|json", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json");
        var command = new Command("score", "Score parsed templates against Loghub ground truth (GA, PA, FGA, FTA as in Loghub-2.0)")
        {
            truth, predicted, output,
        };
        command.SetAction(async (result, ct) =>
        {
            var truthRows = Load(result.GetValue(truth)!);
            var predictedRows = Load(result.GetValue(predicted)!);
            var byLine = new Dictionary<long, string>(predictedRows.Count);
            foreach (var row in predictedRows)
            {
                byLine[row.LineId] = row.EventTemplate;
            }
            var missing = 0;
            var truthTemplates = new List<string>(truthRows.Count);
            var predictedTemplates = new List<string>(truthRows.Count);
            foreach (var row in truthRows)
            {
                truthTemplates.Add(row.EventTemplate);
                if (byLine.TryGetValue(row.LineId, out var t))
                {
                    predictedTemplates.Add(t);
                }
                else
                {
                    // A line the parser skipped is wrong in every metric: give it a group of its own.
                    missing++;
                    predictedTemplates.Add($"<missing line {row.LineId}>");
                }
            }
            var score = ParsingScore.Compute(truthTemplates, predictedTemplates);
            if (result.GetValue(output) == "json")
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    ga = score.GroupingAccuracy,
                    pa = score.ParsingAccuracy,
                    fga = score.GroupingF1,
                    fta = score.TemplateF1,
                    lines = score.Lines,
                    truthTemplates = score.TruthTemplates,
                    predictedTemplates = score.PredictedTemplates,
                    missingLines = missing,
                })).ConfigureAwait(false);
            }
            else
            {
                var table = Output.NewTable("GA", "PA", "FGA", "FTA", "LINES", "TRUE TEMPLATES", "PREDICTED TEMPLATES");
                table.AddPlainRow(F(score.GroupingAccuracy), F(score.ParsingAccuracy), F(score.GroupingF1), F(score.TemplateF1),
                    score.Lines.ToString(CultureInfo.InvariantCulture), score.TruthTemplates.ToString(CultureInfo.InvariantCulture),
                    score.PredictedTemplates.ToString(CultureInfo.InvariantCulture));
                context.Console.Write(table);
            }
            if (missing > 0)
            {
                await context.Error.WriteLineAsync($"{missing} lines of the truth are missing from the predicted file (counted wrong)").ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    internal static string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

    private static List<StructuredRow> Load(string path)
    {
        try
        {
            return StructuredLog.Read(path);
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message); // names the file, and the line where it can
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: {ex.Message}");
        }
    }
}
