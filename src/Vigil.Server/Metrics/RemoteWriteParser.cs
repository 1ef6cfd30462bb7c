namespace Vigil.Server.Metrics;

/// <summary>
/// Prometheus remote-write 1.0 (<c>prometheus.WriteRequest</c>, snappy block-compressed protobuf) into samples.
/// </summary>
/// <remarks>
/// <para>Only four small messages matter (WriteRequest → TimeSeries → Label, Sample), so they are read straight from the
/// protobuf wire format with <see cref="ProtoReader"/> instead of generated code; every other field (metadata,
/// exemplars, native histograms) is skipped by its wire type, as protobuf readers must.</para>
/// <para>Series that Vigil cannot take (a label name it rejects, too many labels, no <c>__name__</c>) are skipped and
/// counted, not fatal: Prometheus drops a whole batch on a 4xx, so one odd series must not cost the rest. A body that
/// is not snappy or not a WriteRequest is a 400.</para>
/// </remarks>
public static class RemoteWriteParser
{
    /// <summary>Largest decompressed request accepted (a snappy bomb must not exhaust memory).</summary>
    public const int MaxDecompressedBytes = 64 << 20;

    /// <summary>The samples of the request, how many were skipped and why, or the reason the body is unreadable.</summary>
    public sealed record Result(List<MetricSample> Samples, Dictionary<string, int> Skipped, string? Error);

    /// <summary>The uncompressed length a snappy block starts with (a little-endian base-128 varint of at most five bytes,
    /// below 2^32), or null when the header is not one.</summary>
    public static ulong? DeclaredLength(ReadOnlySpan<byte> block)
    {
        ulong length = 0;
        for (var i = 0; i < 5 && i < block.Length; i++)
        {
            length |= (ulong)(block[i] & 0x7F) << (7 * i);
            if ((block[i] & 0x80) == 0)
            {
                return length <= uint.MaxValue ? length : null;
            }
        }
        return null;
    }

    public static Result Parse(ReadOnlySpan<byte> compressed)
    {
        var skipped = new Dictionary<string, int>(StringComparer.Ordinal);
        byte[] body;
        try
        {
            // Read the declared length here: Snappier keeps only its low 32 bits, so a header of 2^32 + n decoded n
            // bytes of a corrupt block as if they were the whole request.
            if (DeclaredLength(compressed) is not { } length)
            {
                return new([], skipped, "The body is not snappy block-compressed (its length header is not a varint below 2^32); " +
                    "remote write sends Content-Encoding: snappy.");
            }
            if (length > MaxDecompressedBytes)
            {
                return new([], skipped, $"The snappy block declares {length} bytes uncompressed; send at most {MaxDecompressedBytes >> 20} MiB per request.");
            }
            body = Snappier.Snappy.DecompressToArray(compressed);
            if ((ulong)body.Length != length)
            {
                return new([], skipped, $"The body is not snappy block-compressed (it declares {length} bytes and holds {body.Length}); " +
                    "remote write sends Content-Encoding: snappy.");
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or OverflowException)
        {
            // Snappier reports a corrupt block as InvalidDataException, or as OverflowException for a bad length.
            return new([], skipped, $"The body is not snappy block-compressed ({ex.Message}); remote write sends Content-Encoding: snappy.");
        }
        var samples = new List<MetricSample>();
        try
        {
            var request = new ProtoReader(body);
            while (request.Next(out var field, out var wire))
            {
                if (field == 1 && wire == ProtoReader.LengthDelimited)
                {
                    if (!TimeSeries(request.ReadBytes(), samples, skipped))
                    {
                        return new([], skipped, $"More than {MetricBatchParser.MaxSamples} samples in one request; lower max_samples_per_send.");
                    }
                }
                else
                {
                    request.Skip(wire);
                }
            }
        }
        catch (FormatException ex)
        {
            return new([], skipped, $"The body is not a Prometheus remote-write WriteRequest: {ex.Message}");
        }
        return new(samples, skipped, null);
    }

    /// <summary>
    /// Adds one series' samples; false when they would take the request past <see cref="MetricBatchParser.MaxSamples"/>.
    /// The limits are applied while decoding, not after: one series of a 64 MiB body can hold millions of samples or
    /// labels, and collecting them all before counting cost gigabytes per request.
    /// </summary>
    private static bool TimeSeries(ReadOnlySpan<byte> message, List<MetricSample> samples, Dictionary<string, int> skipped)
    {
        string? name = null;
        var nameTwice = false; // a label given twice is refused (CheckSeries), the name included
        var labels = new List<KeyValuePair<string, string>>();
        var values = new List<(long Milliseconds, double Value)>();
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, ProtoReader.LengthDelimited):
                    var labelBytes = reader.ReadBytes();
                    if (labels.Count > MetricBatchParser.MaxLabels)
                    {
                        break; // the series is refused for its label count (CheckSeries); the rest is not decoded
                    }
                    var (labelName, labelValue) = Label(labelBytes);
                    if (labelName == "__name__")
                    {
                        nameTwice |= name is not null;
                        name = labelValue;
                    }
                    else
                    {
                        labels.Add(new(labelName, labelValue));
                    }
                    break;
                case (2, ProtoReader.LengthDelimited):
                    if (samples.Count + values.Count >= MetricBatchParser.MaxSamples)
                    {
                        return false;
                    }
                    values.Add(Sample(reader.ReadBytes()));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        if (values.Count == 0)
        {
            return true; // histograms or exemplars only: nothing Vigil scores
        }
        if ((nameTwice ? MetricSkipReasons.InvalidSeries : MetricBatchParser.CheckSeries(name, labels)) is { } reason)
        {
            skipped[reason] = skipped.GetValueOrDefault(reason) + values.Count;
            return true;
        }
        var key = new SeriesKey(name!, labels);
        foreach (var (milliseconds, value) in values)
        {
            if (milliseconds < -62_135_596_800_000 || milliseconds > 253_402_300_799_999)
            {
                skipped[MetricSkipReasons.BadTimestamp] = skipped.GetValueOrDefault(MetricSkipReasons.BadTimestamp) + 1;
                continue;
            }
            samples.Add(new MetricSample(key, DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime, value));
        }
        return true;
    }

    private static (string Name, string Value) Label(ReadOnlySpan<byte> message)
    {
        var (name, value) = ("", "");
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, ProtoReader.LengthDelimited):
                    name = reader.ReadString();
                    break;
                case (2, ProtoReader.LengthDelimited):
                    value = reader.ReadString();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return (name, value);
    }

    private static (long Milliseconds, double Value) Sample(ReadOnlySpan<byte> message)
    {
        var (milliseconds, value) = (0L, 0.0);
        var reader = new ProtoReader(message);
        while (reader.Next(out var field, out var wire))
        {
            switch (field, wire)
            {
                case (1, ProtoReader.Fixed64):
                    value = BitConverter.Int64BitsToDouble(reader.ReadFixed64());
                    break;
                case (2, ProtoReader.Varint):
                    // int64 on the wire: a negative time is a ten-byte varint, reinterpreted, not range-checked.
                    milliseconds = unchecked((long)reader.ReadVarint());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return (milliseconds, value);
    }
}
