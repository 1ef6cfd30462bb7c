using System.Buffers.Binary;
using System.Text;

namespace Vigil.Server.Tests.Metrics;

/// <summary>
/// Builds Prometheus remote-write 1.0 bodies (a prometheus.WriteRequest in protobuf, snappy-compressed) the way
/// Prometheus encodes them, for tests that do not run a real Prometheus.
/// </summary>
internal static class RemoteWriteBody
{
    public sealed record Series(IReadOnlyList<(string Name, string Value)> Labels, IReadOnlyList<(long Milliseconds, double Value)> Samples);

    /// <summary>Prometheus' stale marker: a NaN with this exact bit pattern.</summary>
    public static readonly double StaleNaN = BitConverter.Int64BitsToDouble(0x7ff0000000000002);

    public static byte[] Compressed(params Series[] series) => Snappier.Snappy.CompressToArray(Request(series));

    public static byte[] Request(params Series[] series)
    {
        var request = new MemoryStream();
        foreach (var s in series)
        {
            var timeSeries = new MemoryStream();
            foreach (var (name, value) in s.Labels)
            {
                var label = new MemoryStream();
                LengthDelimited(label, 1, Encoding.UTF8.GetBytes(name));
                LengthDelimited(label, 2, Encoding.UTF8.GetBytes(value));
                LengthDelimited(timeSeries, 1, label.ToArray());
            }
            foreach (var (milliseconds, value) in s.Samples)
            {
                var sample = new MemoryStream();
                Varint(sample, (1 << 3) | 1);
                var bits = new byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(bits, BitConverter.DoubleToInt64Bits(value));
                sample.Write(bits);
                Varint(sample, 2 << 3);
                Varint(sample, (ulong)milliseconds);
                LengthDelimited(timeSeries, 2, sample.ToArray());
            }
            LengthDelimited(request, 1, timeSeries.ToArray());
        }
        // A metadata entry (field 3), which Vigil skips as it skips every field it does not read.
        LengthDelimited(request, 3, [0x08, 0x01]);
        return request.ToArray();
    }

    private static void LengthDelimited(MemoryStream into, int field, byte[] bytes)
    {
        Varint(into, (ulong)((field << 3) | 2));
        Varint(into, (ulong)bytes.Length);
        into.Write(bytes);
    }

    private static void Varint(MemoryStream into, ulong value)
    {
        while (value >= 0x80)
        {
            into.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        into.WriteByte((byte)value);
    }
}
