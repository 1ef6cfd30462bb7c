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

    [Theory]
    [InlineData(1UL << 32, false)] // Snappier read it as 0: an empty request, 200
    [InlineData(1UL << 32, true)] // ... and this one as the real length: the sample accepted, 200
    [InlineData(1UL << 35, true)]
    public void A_length_header_of_2_to_the_32_or_more_is_not_snappy(ulong high, bool withRealLength)
    {
        var real = RemoteWriteBody.Compressed(new RemoteWriteBody.Series([("__name__", "up")], [(1_700_000_000_000, 1)]));
        var header = RemoteWriteParser.DeclaredLength(real)!.Value;
        var headerBytes = Varint(header).Length;
        // The same block with the length header replaced by one that also carries the real length in its low bits.
        var forged = Varint(high + (withRealLength ? header : 0)).Concat(real.Skip(headerBytes)).ToArray();

        var result = RemoteWriteParser.Parse(forged);

        Assert.Empty(result.Samples);
        Assert.Contains("not snappy", result.Error, StringComparison.Ordinal);
        Assert.Single(RemoteWriteParser.Parse(real).Samples);
    }

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
        return [.. bytes];
    }
}
