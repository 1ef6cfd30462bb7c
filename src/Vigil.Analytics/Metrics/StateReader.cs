using System.Buffers.Binary;

namespace Vigil.Analytics.Metrics;

/// <summary>Reads what <see cref="StateWriter"/> wrote; a truncated or foreign buffer is a <see cref="FormatException"/>.</summary>
internal ref struct StateReader(ReadOnlySpan<byte> buffer)
{
    private ReadOnlySpan<byte> _rest = buffer;

    public readonly bool AtEnd => _rest.IsEmpty;

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public bool ReadBoolean() => Take(1)[0] != 0;

    public double[] ReadDoubles(int maxLength)
    {
        var values = new double[ReadArrayLength(maxLength)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ReadDouble();
        }
        return values;
    }

    /// <summary>An array written by <see cref="StateWriter.Write(ReadOnlySpan{float})"/> (as doubles), read back
    /// into single precision.</summary>
    public float[] ReadSingles(int maxLength)
    {
        var values = new float[ReadArrayLength(maxLength)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)ReadDouble();
        }
        return values;
    }

    public long[] ReadLongs(int maxLength)
    {
        var values = new long[ReadArrayLength(maxLength)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = ReadInt64();
        }
        return values;
    }

    /// <summary>The length of an array of 8-byte values: at most <paramref name="maxLength"/>, and no longer than what
    /// is left (a damaged length must not allocate a huge array before the read fails).</summary>
    public int ReadArrayLength(int maxLength)
    {
        var length = ReadInt32();
        return length >= 0 && length <= maxLength && length * 8L <= _rest.Length
            ? length
            : throw new FormatException($"detector state: array of {length} values (at most {maxLength} expected)");
    }

    /// <summary>A count that must lie in [0, max].</summary>
    public int ReadCount(int max)
    {
        var count = ReadInt32();
        return count >= 0 && count <= max ? count : throw new FormatException($"detector state: count {count} out of range");
    }

    /// <summary>A range written as its low then its high end: both finite and in order, or the state is damaged
    /// (<paramref name="owner"/> names it in the error).</summary>
    public (double Low, double High) ReadRange(string owner)
    {
        var (low, high) = (ReadDouble(), ReadDouble());
        return double.IsFinite(low) && double.IsFinite(high) && low <= high
            ? (low, high)
            : throw new FormatException($"detector state: bad {owner} range");
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_rest.Length < count)
        {
            throw new FormatException("detector state is truncated");
        }
        var taken = _rest[..count];
        _rest = _rest[count..];
        return taken;
    }
}
