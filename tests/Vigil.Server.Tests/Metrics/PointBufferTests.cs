using System.Runtime.CompilerServices;
using Vigil.Analytics.Metrics;
using Vigil.Server.Metrics;

namespace Vigil.Server.Tests.Metrics;

public sealed class PointBufferTests
{
    [Fact]
    public void A_point_takes_in_memory_what_it_takes_encoded()
    {
        // 720 points per series: the padding of an unpacked struct (40 bytes) would be ~5 KB per series.
        Assert.Equal(MetricPoint.EncodedSize, Unsafe.SizeOf<MetricPoint>());
    }

    [Fact]
    public void Points_round_trip_through_the_encoding_and_the_ring_keeps_the_latest()
    {
        var buffer = new PointBuffer(3);
        for (var i = 0; i < 5; i++)
        {
            buffer.Add(new MetricPoint(1000 + i, i + 0.5, i / 10f, i, i - 1, i + 1, AnomalySignal.Spike));
        }
        var decoded = PointBuffer.Decode(buffer.Encode(), 3);
        Assert.Equal([1002L, 1003, 1004], Enumerable.Range(0, decoded.Count).Select(i => decoded[i].Ticks));
        Assert.Equal(buffer.ToArray(), decoded.ToArray());
    }

    [Fact]
    public void Every_signal_round_trips_so_a_stored_chart_keeps_its_why()
    {
        var signals = Enum.GetValues<AnomalySignal>();
        var buffer = new PointBuffer(signals.Length);
        for (var i = 0; i < signals.Length; i++)
        {
            buffer.Add(new MetricPoint(1000 + i, i, 0.9f, i, i - 1, i + 1, signals[i]));
        }
        var decoded = PointBuffer.Decode(buffer.Encode(), signals.Length);
        Assert.Equal(signals, Enumerable.Range(0, decoded.Count).Select(i => decoded[i].Signal));
    }

    [Theory]
    [InlineData(0, -1L)]
    [InlineData(0, long.MaxValue)]
    [InlineData(16, 0x7FC00000L)] // NaN score
    [InlineData(16, 0x40000000L)] // score 2
    [InlineData(32, 200L)] // no such signal
    public void A_damaged_point_is_a_format_error(int offset, long damage)
    {
        var buffer = new PointBuffer(3);
        buffer.Add(new MetricPoint(1000, 0.5, 0.1f, 1, 0, 2, AnomalySignal.Spike));
        var bytes = buffer.Encode();
        var field = bytes.AsSpan(5 + offset);
        if (offset == 0)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(field, damage);
        }
        else if (offset == 16)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(field, (int)damage);
        }
        else
        {
            field[0] = (byte)damage;
        }
        Assert.Throws<FormatException>(() => PointBuffer.Decode(bytes, 3));
    }
}
