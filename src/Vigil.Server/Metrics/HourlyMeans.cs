using System.Buffers.Binary;

namespace Vigil.Server.Metrics;

/// <summary>
/// The mean of each clock hour (UTC) of a series, for the last <see cref="Capacity"/> hours: the long view a capacity
/// forecast needs. The chart keeps only the last 720 points — 12 hours of one-minute samples — and a forecast fitted
/// to that cannot see a day: a disk whose logs grow all day and are rotated at midnight looks, by the evening, like
/// one that fills in a day. Kept only for series a capacity rule selects. The hour being filled is kept as a running
/// mean and count (a sum of large values would overflow), so a restart in the middle of an hour loses nothing of it.
/// </summary>
public sealed class HourlyMeans(int capacity = HourlyMeans.DefaultCapacity)
{
    /// <summary>Four weeks: two weekly seasons, enough for <c>SeasonalPeriod</c> to see one.</summary>
    public const int DefaultCapacity = 28 * 24;

    private const int EncodedHour = 4 + 8;

    private readonly Ring<(int Hour, double Mean)> _closed = new(capacity);
    private int _openHour = -1;
    private double _openMean;
    private int _openCount;

    /// <summary>The last hour a <see cref="DateTime"/> can be in.</summary>
    private static readonly int LastHour = (int)(DateTime.MaxValue.Ticks / TimeSpan.TicksPerHour);

    public int Capacity => _closed.Capacity;

    /// <summary>Hours with at least one sample, the one being filled included.</summary>
    public int Count => _closed.Count + (_openCount > 0 ? 1 : 0);

    /// <summary>Adds a sample; one older than the hour being filled is ignored (samples come in time order: the
    /// detector refuses older ones before they get here).</summary>
    public void Add(DateTime timestamp, double value)
    {
        var hour = (int)(timestamp.Ticks / TimeSpan.TicksPerHour);
        if (_openCount > 0 && hour < _openHour)
        {
            return;
        }
        if (_openCount > 0 && hour > _openHour)
        {
            _closed.Add((_openHour, _openMean));
            _openCount = 0;
        }
        if (_openCount == 0)
        {
            (_openHour, _openMean) = (hour, 0);
        }
        _openCount++;
        var mean = _openMean + ((value - _openMean) / _openCount);
        // The difference of two huge values of opposite sign overflows; the weighted form does not.
        _openMean = double.IsFinite(mean) ? mean : (_openMean * ((_openCount - 1.0) / _openCount)) + (value / _openCount);
    }

    /// <summary>Each hour's mean, oldest first, stamped at the middle of its hour (the hour being filled last).</summary>
    public (DateTime[] Times, double[] Values) ToSeries()
    {
        var times = new DateTime[Count];
        var values = new double[Count];
        for (var i = 0; i < _closed.Count; i++)
        {
            var (hour, mean) = _closed[i];
            (times[i], values[i]) = (Middle(hour), mean);
        }
        if (_openCount > 0)
        {
            (times[^1], values[^1]) = (Middle(_openHour), _openMean);
        }
        return (times, values);
    }

    private static DateTime Middle(int hour) => new((hour * TimeSpan.TicksPerHour) + (TimeSpan.TicksPerHour / 2), DateTimeKind.Utc);

    /// <summary>Closed hours as (hour number, mean), then the hour being filled as (hour number, mean, count).</summary>
    public byte[] Encode()
    {
        var bytes = new byte[4 + (_closed.Count * EncodedHour) + 4 + 8 + 4];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, _closed.Count);
        span = span[4..];
        for (var i = 0; i < _closed.Count; i++, span = span[EncodedHour..])
        {
            var (hour, mean) = _closed[i];
            BinaryPrimitives.WriteInt32LittleEndian(span, hour);
            BinaryPrimitives.WriteDoubleLittleEndian(span[4..], mean);
        }
        BinaryPrimitives.WriteInt32LittleEndian(span, _openHour);
        BinaryPrimitives.WriteDoubleLittleEndian(span[4..], _openMean);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], _openCount);
        return bytes;
    }

    /// <summary>Restores what <see cref="Encode"/> wrote; damaged bytes are a <see cref="FormatException"/>.</summary>
    public static HourlyMeans Decode(ReadOnlySpan<byte> bytes, int capacity = DefaultCapacity)
    {
        if (bytes.Length < 4)
        {
            throw new FormatException("hourly means: truncated");
        }
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (count < 0 || bytes.Length != 4 + ((long)count * EncodedHour) + 16)
        {
            throw new FormatException("hourly means: length does not match the count");
        }
        var means = new HourlyMeans(capacity);
        var span = bytes[4..];
        var previous = int.MinValue;
        for (var i = 0; i < count; i++, span = span[EncodedHour..])
        {
            var hour = BinaryPrimitives.ReadInt32LittleEndian(span);
            var mean = BinaryPrimitives.ReadDoubleLittleEndian(span[4..]);
            if (hour <= previous || hour < 0 || hour > LastHour || !double.IsFinite(mean))
            {
                throw new FormatException("hourly means: hours out of order or range, or a mean that is not a number");
            }
            previous = hour;
            means._closed.Add((hour, mean)); // only the newest fit if the capacity was lowered
        }
        var (openHour, openMean, openCount) = (BinaryPrimitives.ReadInt32LittleEndian(span), BinaryPrimitives.ReadDoubleLittleEndian(span[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(span[12..]));
        // An hour is closed only when a later one opens, so stored closed hours always come with an hour being filled.
        if (openCount < 0 || (count > 0 && openCount == 0)
            || (openCount > 0 && (openHour <= previous || openHour > LastHour || openHour < 0 || !double.IsFinite(openMean))))
        {
            throw new FormatException("hourly means: a bad hour being filled");
        }
        (means._openHour, means._openMean, means._openCount) = (openHour, openMean, openCount);
        return means;
    }
}
