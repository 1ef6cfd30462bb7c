using System.CommandLine;
using System.Diagnostics;
using Vigil.Analytics.Metrics;

namespace Vigil.Cli.Commands;

/// <summary>
/// <c>vigil metrics bench</c>: single-threaded points/s, bytes allocated per point and memory per series, for the
/// default detector (statistical ensemble + CAD OSE + ARTime), the balanced one (without CAD) and the lightweight one
/// (ensemble + transition novelty, no ARTime). Synthetic
/// data (a daily sine plus noise, fixed seed) so runs compare; wall-clock figures on a shared machine are noisy, so
/// the best of three runs is printed. With <c>--data DIR</c> the same detectors also run over every CSV file under DIR
/// (e.g. NAB's real series), a fresh detector per file, so what a series costs while it is young counts too.
/// </summary>
public static class MetricsBenchCommand
{
    public static Command Create(CliContext context)
    {
        var points = new Option<int>("--points") { Description = "Points per throughput run of the default detector (the balanced one runs 4×, the lightweight one 20× as many)", DefaultValueFactory = _ => 250_000 };
        var series = new Option<int>("--series") { Description = "Series held at once for the memory measurement", DefaultValueFactory = _ => 200 };
        var data = new Option<string?>("--data") { Description = "Also measure throughput over every timestamp,value CSV file under DIR (e.g. ../shared/data/nab/data: real series)", HelpName = "DIR" };
        var command = new Command("bench", "Measure detector throughput (points/s), allocations per point and memory per series") { points, series, data };
        command.SetAction(async (result, ct) =>
        {
            var count = Math.Max(1000, result.GetValue(points));
            var held = Math.Max(1, result.GetValue(series));
            // Read first, so a bad folder is refused before minutes of synthetic runs.
            var files = result.GetValue(data) is { } dir ? ReadFolder(dir) : null;
            foreach (var (name, settings, runPoints) in new[]
            {
                ("default", DetectorSettings.Default, count), ("balanced", DetectorSettings.Balanced, count * 4), ("lightweight", DetectorSettings.Lightweight, count * 20),
            })
            {
                var (rate, allocated) = Throughput(settings, [Synthetic(runPoints, TimeSpan.FromMinutes(1), seed: 42)]);
                await context.Out.WriteLineAsync($"{name}: {rate:N0} points/s single-threaded (best of 3 runs of {runPoints:N0} points, 1-minute samples), " +
                    $"{allocated / (double)runPoints:0.####} bytes allocated/point").ConfigureAwait(false);
                var (memory, exported) = MemoryPerSeries(settings, held);
                await context.Out.WriteLineAsync($"{name}: {memory:N0} bytes/series on the heap after 14 days of 5-minute samples, {held:N0} series held; " +
                    $"exported state {exported:N0} bytes; {memory * 50_000 / 1024.0 / 1024.0:N0} MiB for 50,000 such series").ConfigureAwait(false);
            }
            // CAD's worst case: white noise brings a new context on most steps and fills the context memory again and
            // again (each time a rebuild replays up to 600 values), so its cost per point is many times the above.
            var noisePoints = Math.Max(1000, count / 5);
            var (noiseRate, _) = Throughput(DetectorSettings.Default, [WhiteNoise(noisePoints, seed: 42)]);
            await context.Out.WriteLineAsync($"default on white noise (its worst case): {noiseRate:N0} points/s single-threaded (best of 3 runs of {noisePoints:N0} points)").ConfigureAwait(false);
            var (balancedNoiseRate, _) = Throughput(DetectorSettings.Balanced, [WhiteNoise(count * 4, seed: 42)]);
            await context.Out.WriteLineAsync($"balanced on white noise: {balancedNoiseRate:N0} points/s single-threaded (best of 3 runs of {count * 4:N0} points)").ConfigureAwait(false);
            var (lightweightNoiseRate, _) = Throughput(DetectorSettings.Lightweight, [WhiteNoise(count * 20, seed: 42)]);
            await context.Out.WriteLineAsync($"lightweight on white noise: {lightweightNoiseRate:N0} points/s single-threaded (best of 3 runs of {count * 20:N0} points)").ConfigureAwait(false);
            if (files is not null)
            {
                var total = files.Sum(f => f.Count);
                foreach (var (name, settings) in new[] { ("default", DetectorSettings.Default), ("balanced", DetectorSettings.Balanced), ("lightweight", DetectorSettings.Lightweight) })
                {
                    await context.Out.WriteLineAsync($"{name} on {files.Count:N0} files ({total:N0} points): {Throughput(settings, files).Rate:N0} points/s single-threaded " +
                        "(best of 3 runs; a fresh detector per file)").ConfigureAwait(false);
                }
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// Points per second over all of <paramref name="series"/>, each scored by a fresh detector made before the clock
    /// starts, best of three runs; and the bytes the last run allocated.
    /// </summary>
    private static (double Rate, long Allocated) Throughput(DetectorSettings settings, IReadOnlyList<MetricSeries> series)
    {
        var total = series.Sum(s => s.Count);
        var best = 0.0;
        long allocated = 0;
        for (var run = 0; run < 3; run++)
        {
            var detectors = series.Select(_ => new MetricAnomalyDetector(settings)).ToArray();
            var before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            var sum = 0.0;
            for (var s = 0; s < series.Count; s++)
            {
                var (detector, file) = (detectors[s], series[s]);
                for (var i = 0; i < file.Count; i++)
                {
                    sum += detector.Update(file.Timestamps[i], file.Values[i]).Score;
                }
            }
            clock.Stop();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            best = Math.Max(best, total / clock.Elapsed.TotalSeconds);
            GC.KeepAlive(sum);
        }
        return (best, allocated);
    }

    /// <summary>Every CSV file under <paramref name="dir"/>, in name order; a bad one is a usage error naming it.</summary>
    private static List<MetricSeries> ReadFolder(string dir)
    {
        if (!Directory.Exists(dir))
        {
            throw new UsageException($"{dir}: no such folder");
        }
        var files = Directory.GetFiles(dir, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(MetricsCommands.ReadSeries).ToList();
        return files.Count > 0 ? files : throw new UsageException($"{dir}: no .csv files under it");
    }

    private static (long Bytes, int Exported) MemoryPerSeries(DetectorSettings settings, int count)
    {
        var (timestamps, values) = Synthetic(4032, TimeSpan.FromMinutes(5), seed: 7);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var detectors = new MetricAnomalyDetector[count];
        for (var s = 0; s < count; s++)
        {
            var detector = new MetricAnomalyDetector(settings);
            for (var i = 0; i < timestamps.Length; i++)
            {
                detector.Update(timestamps[i], values[i]);
            }
            detectors[s] = detector;
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var exported = detectors[0].ExportState().Length;
        GC.KeepAlive(detectors);
        return ((after - before) / count, exported);
    }

    /// <summary>Uniform white noise, 1-minute samples.</summary>
    private static MetricSeries WhiteNoise(int count, int seed)
    {
        var random = new Random(seed);
        return Series(count, TimeSpan.FromMinutes(1), _ => 50 + (random.NextDouble() * 5));
    }

    /// <summary>A daily sine plus noise and a rare spike.</summary>
    private static MetricSeries Synthetic(int count, TimeSpan interval, int seed)
    {
        var random = new Random(seed);
        var perDay = TimeSpan.FromDays(1) / interval;
        return Series(count, interval, i => 50 + (20 * Math.Sin(2 * Math.PI * i / perDay)) + (random.NextDouble() * 4) + (random.Next(5000) == 0 ? 40 : 0));
    }

    /// <summary>Samples every <paramref name="interval"/> from a fixed start; <paramref name="value"/> is called in order.</summary>
    private static MetricSeries Series(int count, TimeSpan interval, Func<int, double> value)
    {
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var timestamps = new DateTime[count];
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            timestamps[i] = start + (interval * i);
            values[i] = value(i);
        }
        return new MetricSeries(timestamps, values);
    }
}
