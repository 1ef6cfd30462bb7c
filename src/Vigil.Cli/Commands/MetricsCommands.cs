using System.CommandLine;
using System.Globalization;
using Vigil.Analytics.Metrics;
using Vigil.Core.Config;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil metrics detect|forecast|nab|bench</c>: offline metric intelligence on CSV files.</summary>
public static class MetricsCommands
{
    public static Command Create(CliContext context)
    {
        var metrics = new Command("metrics", "Metric anomaly detection and capacity forecasting on 'timestamp,value' CSV files (NAB format)");
        metrics.Subcommands.Add(Detect(context));
        metrics.Subcommands.Add(Forecast(context));
        metrics.Subcommands.Add(MetricsNabCommand.Create(context));
        metrics.Subcommands.Add(MetricsBenchCommand.Create(context));
        return metrics;
    }

    private static Command Detect(CliContext context)
    {
        var file = new Argument<string>("series") { Description = "CSV with a header and 'timestamp,value' rows" };
        var output = new Option<string?>("--output", "-o") { Description = "Write 'timestamp,value,anomaly_score' for every row (NAB results format)", HelpName = "FILE" };
        var threshold = new Option<double?>("--threshold")
        {
            Description = "Score at which a point is reported as an anomaly (default: the detector's own, as the server reports it)",
        };
        var detectorName = new Option<string>("--detector")
        {
            Description = "The server's detector to run: contextual (the most accurate), balanced or lightweight (the server's default)",
            DefaultValueFactory = _ => MetricDetectorNames.Of(MetricDetectorKind.Contextual),
        };
        var command = new Command("detect", "Score every point of a series using only the points before it (streaming, no look-ahead)")
        {
            file, output, threshold, detectorName,
        };
        command.SetAction(async (result, ct) =>
        {
            var name = result.GetValue(detectorName);
            var settings = MetricDetectorNames.Parse(name) is { } kind
                ? MetricDetectorSettings.Of(kind)
                : throw new UsageException($"unknown detector '{name}'; choose lightweight, balanced or contextual");
            var limit = result.GetValue(threshold) is { } chosen ? ScoreThreshold(chosen) : settings.AlertThreshold;
            var input = result.GetValue(file)!;
            var outputPath = result.GetValue(output);
            if (outputPath is not null)
            {
                // The scores replaced the series they were made from.
                OutputFile.RefuseTheInput(outputPath, input, "-o");
            }
            var series = ReadSeries(input);
            if (outputPath is { } path)
            {
                // Opened before scoring: a path that cannot be written fails at once, not after the work.
                await using var writer = OutputFile.Create(path);
                await WriteScoresAsync(writer, series, SeriesScoring.Score(series, settings), ct).ConfigureAwait(false);
                await writer.FlushAsync(ct).ConfigureAwait(false); // a full disk says so before "Scored" is printed
                await context.Out.WriteLineAsync($"Scored {series.Count} rows into {path}.").ConfigureAwait(false);
                return ExitCodes.Success;
            }
            var scores = SeriesScoring.Score(series, settings);
            var table = Output.NewTable("TIMESTAMP", "VALUE", "EXPECTED", "RANGE", "SCORE", "WHY");
            var flagged = 0;
            var kinds = new SortedDictionary<AnomalySignal, int>();
            for (var i = 0; i < scores.Length; i++)
            {
                if (scores[i].Score < limit)
                {
                    continue;
                }
                flagged++;
                var s = scores[i];
                kinds[s.Signal] = kinds.GetValueOrDefault(s.Signal) + 1;
                table.AddPlainRow(
                    Output.Time(new DateTimeOffset(series.Timestamps[i], TimeSpan.Zero)), Number(series.Values[i]), Number(s.Expected),
                    $"{Number(s.Lower)} .. {Number(s.Upper)}", s.Score.ToString("0.000", CultureInfo.InvariantCulture), Why(s));
            }
            var skipped = scores.Count(s => s.Signal is AnomalySignal.Missing or AnomalySignal.OutOfOrder);
            if (flagged == 0)
            {
                await context.Out.WriteLineAsync($"No anomalies in {Counted(series.Count, ("row", "rows"))} ({name}, threshold {limit}).").ConfigureAwait(false);
            }
            else
            {
                context.Console.Write(table);
                var byKind = string.Join(", ", kinds.OrderByDescending(k => k.Value).Select(k => Counted(k.Value, KindOf(k.Key))));
                await context.Out.WriteLineAsync($"{Counted(flagged, ("anomaly", "anomalies"))} in {Counted(series.Count, ("row", "rows"))} ({name}, threshold {limit}): {byKind}.").ConfigureAwait(false);
            }
            if (skipped > 0)
            {
                await context.Out.WriteLineAsync($"{Counted(skipped, ("row", "rows"))} skipped (missing value, or timestamp not after the previous one).").ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Forecast(CliContext context)
    {
        var file = new Argument<string>("series") { Description = "CSV with a header and 'timestamp,value' rows" };
        var horizon = new Option<string>("--horizon") { Description = "How far ahead, e.g. 12h, 7d", DefaultValueFactory = _ => "7d" };
        var threshold = new Option<double?>("--threshold") { Description = "Capacity threshold: report when the forecast reaches it" };
        var command = new Command("forecast", "Forecast a series (damped Holt-Winters with daily/weekly season) with a 95% interval")
        {
            file, horizon, threshold,
        };
        command.SetAction(async (result, ct) =>
        {
            if (!DurationParser.TryParse(result.GetValue(horizon), out var span) || span <= TimeSpan.Zero)
            {
                throw new UsageException($"bad --horizon '{result.GetValue(horizon)}' (e.g. 12h, 7d)");
            }
            if (result.GetValue(threshold) is { } capacity && !double.IsFinite(capacity))
            {
                throw new UsageException($"bad --threshold {capacity.ToString(CultureInfo.InvariantCulture)}: a capacity threshold is a finite number");
            }
            var path = result.GetValue(file)!;
            var series = ReadSeries(path);
            var finite = series.Values.Count(double.IsFinite);
            if (finite < 3)
            {
                throw new UsageException($"{path}: {finite} usable values; at least 3 are needed to forecast");
            }
            var tooLarge = Array.FindIndex(series.Values, v => Math.Abs(v) > HoltWintersForecaster.MaxMagnitude && double.IsFinite(v));
            if (tooLarge >= 0)
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFileName(path)}:{series.LineOf(tooLarge)}: the value {series.Values[tooLarge]:R} is too large to forecast (at most ±{HoltWintersForecaster.MaxMagnitude:0e0}: the arithmetic would overflow)"));
            }
            var interval = SeasonalPeriod.MedianInterval(series.Timestamps);
            if (interval <= TimeSpan.Zero)
            {
                throw new UsageException($"{path}: timestamps do not advance; cannot tell the sampling interval");
            }
            var grid = SamplingGrid.Regularise(series.Timestamps, series.Values, interval, MaxGridLength)
                ?? throw new UsageException($"{path}: the rows span {Humanize(series.Timestamps.Max() - series.Timestamps.Min())} "
                    + $"but are {interval} apart: more than {MaxGridLength:N0} samples to forecast from");
            var last = grid.Last;
            var wanted = Math.Ceiling(span / interval);
            // A step after the end of year 9999 cannot be dated (DateTime's range).
            var datable = Math.Floor((DateTime.MaxValue - last) / interval);
            if (datable < 1)
            {
                throw new UsageException($"{path}: the last timestamp ({Output.Time(new DateTimeOffset(last, TimeSpan.Zero))}) leaves no room for a forecast step before the end of year 9999");
            }
            var steps = (int)Math.Min(Math.Min(MaxSteps, datable), wanted);
            var cap = steps == MaxSteps ? $"{MaxSteps:N0} steps" : "the end of year 9999";
            // What the crossing message may claim: the forecast covers only the steps it has.
            var within = steps < wanted ? $"{Humanize(interval * steps)} (the forecast stops at {cap})" : result.GetValue(horizon);
            var period = SeasonalPeriod.Detect(grid.Values, interval);
            var model = HoltWintersForecaster.Fit(grid.Values, period);
            var forecast = HoltWintersForecaster.Predict(model, last, interval, steps);

            if (series.FirstOutOfOrder() is { } row)
            {
                // The forecast reads the rows in time order (the sampling grid); saying so keeps a shuffled or
                // re-sent file from passing unnoticed, as detect's skipped-row count does.
                await context.Out.WriteLineAsync($"Note: the rows are not in time order ({Path.GetFileName(path)}:{series.LineOf(row)} is earlier than the row before it); they are forecast from in time order.").ConfigureAwait(false);
            }
            if (steps < wanted)
            {
                await context.Out.WriteLineAsync($"Note: --horizon {result.GetValue(horizon)} is {wanted:N0} steps of {interval}; the forecast is capped at {cap} ({Humanize(interval * steps)}).").ConfigureAwait(false);
            }
            await context.Out.WriteLineAsync($"Model: {model.Describe()}; sampling interval {interval}.").ConfigureAwait(false);
            var table = Output.NewTable("TIMESTAMP", "FORECAST", "95% INTERVAL");
            var every = Math.Max(1, steps / 12);
            for (var i = every - 1; i < forecast.Points.Count; i += every)
            {
                var p = forecast.Points[i];
                table.AddPlainRow(Output.Time(new DateTimeOffset(p.Timestamp, TimeSpan.Zero)), Number(p.Value), $"{Number(p.Lower)} .. {Number(p.Upper)}");
            }
            context.Console.Write(table);
            if (result.GetValue(threshold) is { } limit)
            {
                var lastValue = grid.Values.Last(double.IsFinite);
                // A series below the threshold is asked when it reaches it; one already at or above it, when it
                // falls back (it used to say "not expected to be reached" of a disk already past its limit).
                // Falling back means going below it: a series sitting exactly at the threshold has not left it.
                var rising = lastValue < limit;
                var crossing = rising
                    ? forecast.FirstReaching(limit, rising: true)
                    : forecast.Points.Where(p => p.Value < limit).Select(p => (ForecastPoint?)p).FirstOrDefault();
                var message = crossing is { } c
                    ? $"{(rising ? $"Threshold {Number(limit)} expected to be reached" : $"Expected to fall back below {Number(limit)}")} at {Output.Time(new DateTimeOffset(c.Timestamp, TimeSpan.Zero))} (in {Humanize(c.Timestamp - last)}; 95% interval then {Number(c.Lower)} .. {Number(c.Upper)})."
                    : rising
                        ? $"Threshold {Number(limit)} is not expected to be reached within {within}."
                        : $"Threshold {Number(limit)} is already reached (last value {Number(lastValue)}) and the forecast stays at or above it for {within}.";
                await context.Out.WriteLineAsync(message).ConfigureAwait(false);
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Most steps forecast (Predict is linear in them, and the table shows a dozen).</summary>
    private const int MaxSteps = 100_000;

    /// <summary>Most samples a forecast is fitted on once gaps are filled in: about 20 s of fitting.</summary>
    private const int MaxGridLength = 1_000_000;

    /// <summary>A <c>--threshold</c> on the anomaly score, refused unless it is in [0, 1]: NaN compares false with every
    /// score, so it flagged every row in <c>detect</c> and would score a detector that never spoke in <c>nab</c>.</summary>
    internal static double ScoreThreshold(double value) => value is >= 0 and <= 1
        ? value
        : throw new UsageException($"bad --threshold {value.ToString(CultureInfo.InvariantCulture)}: an anomaly score threshold is between 0 and 1");

    internal static MetricSeries ReadSeries(string path)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"{path} is a directory, not a CSV file");
        }
        // Opened without asking File.Exists first: it answers false for a file in a directory the user may not enter,
        // which was reported as "no such file".
        try
        {
            var series = SeriesCsv.Read(path);
            return series.Count > 0 ? series : throw new UsageException($"{path}: no data rows after the header");
        }
        catch (SeriesFormatException ex)
        {
            throw new UsageException(ex.Message);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"{path}: no such file");
        }
        catch (IOException ex)
        {
            throw new UsageException($"{path}: {ex.Message}");
        }
        catch (UnauthorizedAccessException)
        {
            // A file the user may not read: it escaped as exit 1 with .NET's "Access to the path … is denied."
            throw new UsageException($"cannot read {path}: permission denied");
        }
    }

    /// <summary>Writes NAB's results format; a timestamp has its fraction of a second only when it has one (".FFFFFFF"
    /// prints nothing, not even the point, for a whole second), so whole-second input is written as NAB writes it.</summary>
    private static async Task WriteScoresAsync(StreamWriter writer, MetricSeries series, AnomalyScore[] scores, CancellationToken ct)
    {
        await writer.WriteLineAsync("timestamp,value,anomaly_score").ConfigureAwait(false);
        for (var i = 0; i < scores.Length; i++)
        {
            ct.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{series.Timestamps[i]:yyyy-MM-dd HH:mm:ss.FFFFFFF},{series.Values[i]:R},{scores[i].Score:0.######}")).ConfigureAwait(false);
        }
    }

    /// <summary>A kind of anomaly in the summary line, singular and plural.</summary>
    private static (string One, string Many) KindOf(AnomalySignal signal) => signal switch
    {
        AnomalySignal.Spike => ("spike", "spikes"),
        AnomalySignal.LevelShift => ("level shift", "level shifts"),
        AnomalySignal.SeasonalDeviation => ("deviation from yesterday", "deviations from yesterday"),
        AnomalySignal.SeasonalShift => ("seasonal shift", "seasonal shifts"),
        AnomalySignal.Pattern => ("unexpected sequence", "unexpected sequences"),
        AnomalySignal.NovelStretch => ("novel stretch", "novel stretches"),
        AnomalySignal.NovelTransition => ("novel move between levels", "novel moves between levels"),
        AnomalySignal.Flatline => ("flatline", "flatlines"),
        var other => (other.ToString(), other.ToString()),
    };

    private static string Counted(int count, (string One, string Many) noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? noun.One : noun.Many)}");

    private static string Why(AnomalyScore score) => score.Signal switch
    {
        AnomalySignal.Spike => $"spike: {score.Strength:0.0}σ from the recent level",
        AnomalySignal.LevelShift => $"level shift: recent mean {score.Strength:0.0}σ from the long-run mean",
        AnomalySignal.SeasonalDeviation => $"seasonal: {score.Strength:0.0}σ from the same time yesterday",
        AnomalySignal.SeasonalShift => $"seasonal shift: the recent values' mean difference from the same hours yesterday is {score.Strength:0.0}σ of its usual",
        AnomalySignal.Pattern => $"pattern: an unexpected sequence of values ({score.Strength:0.0}σ from the recent level)",
        AnomalySignal.NovelStretch => $"pattern: a stretch of values unlike any before ({score.Strength:0.0}σ from the recent level)",
        AnomalySignal.NovelTransition => $"pattern: a move between levels never made before ({score.Strength:0.0}σ from the recent level)",
        AnomalySignal.Flatline => $"flatline: the same value for {score.Strength:0} samples, over three times longer than the series ever held one (a stuck source?)",
        var other => other.ToString(),
    };

    private static string Number(double value) =>
        double.IsNaN(value) ? "-" : value.ToString(Math.Abs(value) >= 1000 ? "0" : "0.###", CultureInfo.InvariantCulture);

    private static string Humanize(TimeSpan span) =>
        span.TotalDays >= 1 ? Count(span.TotalDays, "0.#", "day") : span.TotalHours >= 1 ? Count(span.TotalHours, "0.#", "hour") : Count(span.TotalMinutes, "0", "minute");

    private static string Count(double value, string format, string unit)
    {
        var text = value.ToString(format, CultureInfo.InvariantCulture);
        return $"~{text} {unit}{(text == "1" ? "" : "s")}";
    }

}
