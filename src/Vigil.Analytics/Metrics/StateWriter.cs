using System.Buffers.Binary;

namespace Vigil.Analytics.Metrics;

/// <summary>Little-endian writer of detector state into a growing buffer (export is not on the hot path).</summary>
internal ref struct StateWriter
{
    private byte[] _buffer;
    private int _length;

    public StateWriter(int capacity) => _buffer = new byte[capacity];

    public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void Write(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);
    }

    public void Write(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);
    }

    public void Write(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);
    }

    public void Write(bool value) => Reserve(1)[0] = value ? (byte)1 : (byte)0;

    public void Write(ReadOnlySpan<double> values)
    {
        Write(values.Length);
        foreach (var value in values)
        {
            Write(value);
        }
    }

    /// <summary>Written as doubles, as a <see cref="double"/> array would be: the format does not depend on the
    /// precision a part keeps in memory.</summary>
    public void Write(ReadOnlySpan<float> values)
    {
        Write(values.Length);
        foreach (var value in values)
        {
            Write((double)value);
        }
    }

    public void Write(ReadOnlySpan<long> values)
    {
        Write(values.Length);
        foreach (var value in values)
        {
            Write(value);
        }
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
