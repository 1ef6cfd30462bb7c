using Vigil.Server.Metrics;

namespace Vigil.Server.Tests.Metrics;

/// <summary>
/// Remote-write limits hold while one series is decoded, not after it: a 64 MiB body can put millions of labels or
/// samples into a single series, and decoding them all before counting cost gigabytes per request (found by review).
/// </summary>
public sealed class RemoteWriteLimitsTests
{
    [Fact]
    public void A_series_with_a_million_labels_is_refused_without_decoding_them()
    {
        var labels = new List<(string, string)> { ("__name__", "up") };
        for (var i = 0; i < 1_000_000; i++)
        {
            labels.Add(("l", "v"));
        }
        var body = RemoteWriteBody.Compressed(new RemoteWriteBody.Series(labels, [(1_700_000_000_000, 1)]));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = RemoteWriteParser.Parse(body);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Empty(result.Samples);
        Assert.Equal(1, result.Skipped[MetricSkipReasons.InvalidSeries]);
        // The decompressed body is ~7 MB; decoding every label as strings allocated ~100 MB.
        Assert.True(allocated < 24L << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_single_series_with_more_samples_than_a_request_may_hold_is_refused()
    {
        var samples = new List<(long, double)>();
        for (var i = 0; i < MetricBatchParser.MaxSamples + 1; i++)
        {
            samples.Add((1_700_000_000_000 + i * 1000L, i));
        }
        var body = RemoteWriteBody.Compressed(new RemoteWriteBody.Series([("__name__", "up")], samples));

        var result = RemoteWriteParser.Parse(body);

        Assert.Empty(result.Samples);
        Assert.Contains($"More than {MetricBatchParser.MaxSamples} samples", result.Error, StringComparison.Ordinal);
    }
}
