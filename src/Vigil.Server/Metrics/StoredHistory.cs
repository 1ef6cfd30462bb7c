using System.Buffers.Binary;

namespace Vigil.Server.Metrics;

/// <summary>
/// What a series keeps of its past, as stored (<c>MetricSeriesRecord.Points</c>, whose format is the server's): the
/// chart's points alone (<see cref="PointBuffer"/>'s own encoding, version 1, as every row stored before hourly means
/// existed), or — version 2, for a series a capacity rule selects — the chart's points and the hourly means.
/// </summary>
public static class StoredHistory
{
    private const byte WithHourlyMeans = 2;

    public static byte[] Encode(PointBuffer points, HourlyMeans? hourly)
    {
        var chart = points.Encode();
        if (hourly is null || hourly.Count == 0)
        {
            return chart;
        }
        var means = hourly.Encode();
        var bytes = new byte[1 + 4 + chart.Length + means.Length];
        bytes[0] = WithHourlyMeans;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), chart.Length);
        chart.CopyTo(bytes.AsSpan(5));
        means.CopyTo(bytes.AsSpan(5 + chart.Length));
        return bytes;
    }

    /// <summary>
    /// Restores what <see cref="Encode"/> wrote (or a version-1 row); damaged chart points are a
    /// <see cref="FormatException"/>. Damaged hourly means cost only themselves: the points come back without them
    /// and <c>HourlyProblem</c> says what was wrong (they start again from the next sample).
    /// </summary>
    public static (PointBuffer Points, HourlyMeans? Hourly, string? HourlyProblem) Decode(ReadOnlySpan<byte> bytes, int capacity)
    {
        if (bytes.Length == 0 || bytes[0] != WithHourlyMeans)
        {
            return (PointBuffer.Decode(bytes, capacity), null, null);
        }
        var chartLength = bytes.Length >= 5 ? BinaryPrimitives.ReadInt32LittleEndian(bytes[1..]) : -1;
        if (chartLength < 0 || chartLength > bytes.Length - 5)
        {
            throw new FormatException("metric history: bad length of the chart's points");
        }
        var points = PointBuffer.Decode(bytes.Slice(5, chartLength), capacity);
        try
        {
            return (points, HourlyMeans.Decode(bytes[(5 + chartLength)..]), null);
        }
        catch (FormatException ex)
        {
            return (points, null, ex.Message);
        }
    }
}
