using System.Buffers.Binary;
using System.IO.Hashing;
using Vigil.Analytics.Metrics.Cad;

namespace Vigil.Analytics.Metrics;

// The detector's state as bytes (versioned, checksummed), for a server to persist across restarts.
public sealed partial class MetricAnomalyDetector
{
    // 2: contextual detector (CAD OSE) state; 3: likelihood and suppression (version 2 still loads: the likelihood
    // then starts afresh, so a restored contextual series has no likelihood score for its next 300 samples at most);
    // 4: the surprise that armed the suppression (a version-3 suppression in progress runs its course unbroken);
    // 5: ARTime (older state starts it afresh: its probation is the next ArtSamples values); 6: the seasonal shift's
    // statistics (older state starts them afresh: the shift is silent for a day); 7: the transition novelty member (older
    // state starts it afresh: it is silent for its warm-up); 8: ARTime at its long time scale (older state starts it
    // afresh: it scores once ArtLongSamples more values are in); 9: the same fields followed by a CRC-32 of them (a
    // damaged row scored NaN or threw out of range on its next sample; older versions load unchecked, as before); 10:
    // the nearest-window member before the checksum (older state starts it afresh: it scores once 300 more values are in);
    // 11: the alert rate and CAD's own rate before the checksum (older state starts them at 0: earlier alerts are forgotten);
    // 12: the flatline member before the checksum (older state starts it afresh: its first run ends at the next change).
    private const int StateVersion = 12;

    /// <summary>The first version that ends with a checksum.</summary>
    private const int ChecksummedVersion = 9;

    /// <summary>
    /// The series' state as bytes, for a server to persist; settings are not included (the importer supplies them).
    /// </summary>
    public byte[] ExportState()
    {
        var writer = new StateWriter(128 + (8 * (_seasonal?.Period ?? 0)));
        writer.Write(StateVersion);
        writer.Write(_samples);
        writer.Write(_first.Ticks);
        writer.Write(_last.Ticks);
        _spike.Write(ref writer);
        _shift.Write(ref writer);
        _novelty.Write(ref writer);
        writer.Write(_seasonal is not null);
        _seasonal?.Write(ref writer);
        writer.Write(_contextual is not null);
        _contextual?.Write(ref writer);
        _likelihood.Write(ref writer);
        writer.Write(_quiet);
        writer.Write(_quietSurprise);
        writer.Write(_art is not null);
        _art?.Write(ref writer);
        _seasonal?.WriteShift(ref writer);
        writer.Write(_transitions is not null);
        _transitions?.Write(ref writer);
        writer.Write(_artLong is not null);
        _artLong?.Write(ref writer);
        writer.Write(_nearest is not null);
        _nearest?.Write(ref writer);
        _alertRate.Write(ref writer);
        _contextualRate.Write(ref writer);
        writer.Write(_flatline is not null);
        _flatline?.Write(ref writer);
        var state = new byte[writer.Written.Length + sizeof(uint)];
        writer.Written.CopyTo(state);
        BinaryPrimitives.WriteUInt32LittleEndian(state.AsSpan(writer.Written.Length), Crc32.HashToUInt32(writer.Written));
        return state;
    }

    /// <summary>Restores a detector from <see cref="ExportState"/>; a damaged buffer is a <see cref="FormatException"/>.</summary>
    public static MetricAnomalyDetector ImportState(ReadOnlySpan<byte> state, DetectorSettings? settings = null)
    {
        var detector = new MetricAnomalyDetector(settings);
        var version = state.Length >= sizeof(int) ? BinaryPrimitives.ReadInt32LittleEndian(state) : 0;
        if (version is not (2 or 3 or 4 or 5 or 6 or 7 or 8 or 9 or 10 or 11 or StateVersion))
        {
            throw new FormatException("detector state: unknown version");
        }
        if (version >= ChecksummedVersion)
        {
            state = Checked(state);
        }
        var reader = new StateReader(state);
        reader.ReadInt32();
        detector._samples = reader.ReadInt64();
        detector._first = new DateTime(Ticks(ref reader), DateTimeKind.Utc);
        detector._last = new DateTime(Ticks(ref reader), DateTimeKind.Utc);
        detector._spike.Read(ref reader);
        detector._shift.Read(ref reader);
        detector._novelty.Read(ref reader);
        if (reader.ReadBoolean())
        {
            detector._seasonal = SeasonalDetector.Read(ref reader, detector._settings);
        }
        if (reader.ReadBoolean() != detector._contextual is not null)
        {
            throw new FormatException("detector state: contextual detector present in state or settings but not both");
        }
        detector._contextual = detector._contextual is null ? null : OnlineContextDetector.Read(ref reader, detector._settings);
        if (version >= 3)
        {
            detector._likelihood.Read(ref reader);
            detector._quiet = reader.ReadCount(int.MaxValue);
        }
        detector._quietSurprise = version >= 4 ? reader.ReadDouble() : double.PositiveInfinity;
        if (double.IsNaN(detector._quietSurprise) || detector._quietSurprise < 0)
        {
            throw new FormatException("detector state: bad suppression surprise");
        }
        if (version >= 5)
        {
            if (reader.ReadBoolean() != detector._art is not null)
            {
                throw new FormatException("detector state: ARTime present in state or settings but not both");
            }
            detector._art = detector._art?.Read(ref reader);
        }
        if (version >= 6)
        {
            detector._seasonal?.ReadShift(ref reader);
        }
        // The member joined the lightweight detector after its state had a place for it: a state without it (older, or
        // saved by the lightweight detector before) starts it afresh, silent for its warm-up. A state with it and settings
        // without it is another detector's.
        if (version >= 7 && reader.ReadBoolean())
        {
            detector._transitions = detector._transitions is not null
                ? TransitionNoveltyDetector.Read(ref reader, detector._settings)
                : throw new FormatException("detector state: transition novelty present in state but not in settings");
        }
        // ARTime's long time scale likewise: an older state starts it afresh.
        if (version >= 8 && reader.ReadBoolean())
        {
            detector._artLong = detector._artLong is not null
                ? detector._artLong.Read(ref reader)
                : throw new FormatException("detector state: ARTime's long time scale present in state but not in settings");
        }
        // The nearest-window member likewise: an older state starts it afresh.
        if (version >= 10 && reader.ReadBoolean())
        {
            detector._nearest = detector._nearest is not null
                ? detector._nearest.Read(ref reader)
                : throw new FormatException("detector state: the nearest-window member present in state but not in settings");
        }
        if (version >= 11)
        {
            detector._alertRate.Read(ref reader); // an older state starts the rates at 0: earlier alerts are forgotten
            detector._contextualRate.Read(ref reader);
        }
        // The flatline member likewise: an older state starts it afresh (its first run ends at the next change).
        if (version >= 12 && reader.ReadBoolean())
        {
            detector._flatline = detector._flatline is not null
                ? FlatlineDetector.Read(ref reader, detector._settings)
                : throw new FormatException("detector state: the flatline member present in state but not in settings");
        }
        if (!reader.AtEnd || detector._samples < 0)
        {
            throw new FormatException("detector state: unexpected trailing bytes");
        }
        return detector;
    }

    /// <summary>The fields of a checksummed state, once its trailing CRC-32 matches them. Corruption in a stored row
    /// (a flipped bit, a torn write) is caught here rather than read as plausible statistics.</summary>
    private static ReadOnlySpan<byte> Checked(ReadOnlySpan<byte> state)
    {
        if (state.Length < 2 * sizeof(uint))
        {
            throw new FormatException("detector state is truncated");
        }
        var fields = state[..^sizeof(uint)];
        return Crc32.HashToUInt32(fields) == BinaryPrimitives.ReadUInt32LittleEndian(state[^sizeof(uint)..])
            ? fields
            : throw new FormatException("detector state: checksum mismatch (the stored state is damaged)");
    }

    private static long Ticks(ref StateReader reader)
    {
        var ticks = reader.ReadInt64();
        return ticks is >= 0 and <= 3155378975999999999 ? ticks : throw new FormatException("detector state: bad timestamp");
    }
}
