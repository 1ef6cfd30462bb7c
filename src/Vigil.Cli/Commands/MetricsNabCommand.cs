using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Vigil.Analytics.Nab;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil metrics nab [--data DIR]</c>: the NAB scoreboard of Vigil's detector.</summary>
public static class MetricsNabCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string?>("--data") { Description = "NAB folder with data/, labels/ and config/ (default: ../shared/data/nab from the repository root)", HelpName = "DIR" };
        var detectorName = new Option<string>("--detector")
        {
            Description = $"Detector variant to score: {string.Join(", ", NabDetectors.All.Keys)}",
            DefaultValueFactory = _ => NabDetectors.Default,
        };
        var threshold = new Option<double?>("--threshold")
        {
            Description = "Score the detector at this threshold in every profile (e.g. 0.62, the server's default) instead of NAB's optimised one",
        };
        var command = new Command("nab", "Score the detector on the Numenta Anomaly Benchmark: standard, reward-low-FP and reward-low-FN per category") { data, detectorName, threshold };
        command.SetAction(async (result, ct) =>
        {
            var fixedThreshold = result.GetValue(threshold) is { } limit ? MetricsCommands.ScoreThreshold(limit) : (double?)null;
            var root = result.GetValue(data)
                ?? NabDataLocator.Find(Environment.CurrentDirectory, AppContext.BaseDirectory)
                ?? throw new UsageException("no NAB folder found; pass --data DIR (a folder with data/ and labels/combined_windows.json)");
            NabCorpus corpus;
            try
            {
                corpus = NabCorpus.Load(root);
            }
            catch (Exception ex) when (ex is IOException or FormatException or System.Text.Json.JsonException or Analytics.Metrics.SeriesFormatException or KeyNotFoundException)
            {
                throw new UsageException($"{root}: {ex.Message}");
            }
            var name = result.GetValue(detectorName) ?? NabDetectors.Default;
            if (!NabDetectors.All.TryGetValue(name, out var detector))
            {
                throw new UsageException($"unknown detector '{name}'; known: {string.Join(", ", NabDetectors.All.Keys)}");
            }
            var clock = Stopwatch.StartNew();
            var scores = NabReport.Run(corpus, detector, fixedThreshold);
            var at = fixedThreshold is { } fixedAt ? string.Create(CultureInfo.InvariantCulture, $", at the fixed threshold {fixedAt}") : "";
            await context.Out.WriteLineAsync($"NAB ({name}): {corpus.Files.Count} files, {corpus.Files.Sum(f => f.Series.Count)} points, scored in {clock.Elapsed.TotalSeconds:0.0}s{at}").ConfigureAwait(false);
            await context.Out.WriteAsync(NabReport.Format(scores)).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
