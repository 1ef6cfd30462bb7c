using System.Buffers.Binary;
using System.Text;

namespace Vigil.Server.Metrics;

/// <summary>
/// A forward-only reader of the protobuf wire format (varints, fixed 32/64-bit values, length-delimited fields): enough
/// to walk a few known messages and skip every other field. Malformed input (a truncated field, an over-long varint,
/// a group or unknown wire type, invalid UTF-8 in a string) is a <see cref="FormatException"/>.
/// </summary>
public ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    public bool Next(out int field, out int wire)
    {
        if (_position >= _data.Length)
        {
            (field, wire) = (0, 0);
            return false;
        }
        var tag = ReadVarint();
        // Field numbers are 1 .. 2^29 - 1; anything else is not protobuf (and must not overflow a cast).
        if (tag >> 3 is 0 or > (1 << 29) - 1)
        {
            throw new FormatException($"invalid field number at byte {_position}");
        }
        (field, wire) = ((int)(tag >> 3), (int)(tag & 7));
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw Truncated();
            }
            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new FormatException($"a varint longer than 10 bytes at byte {_position}");
    }

    public long ReadFixed64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    /// <summary>A length-delimited field's bytes (a nested message, a string, packed values).</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        return length > (ulong)(_data.Length - _position) ? throw Truncated() : Take((int)length);
    }

    public string ReadString()
    {
        var bytes = ReadBytes();
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException($"a string that is not valid UTF-8 before byte {_position}");
        }
    }

    /// <summary>Skips the value of a field of the given wire type.</summary>
    public void Skip(int wire)
    {
        switch (wire)
        {
            case Varint:
                ReadVarint();
                break;
            case Fixed64:
                Take(8);
                break;
            case LengthDelimited:
                ReadBytes();
                break;
            case Fixed32:
                Take(4);
                break;
            default:
                throw new FormatException($"wire type {wire} at byte {_position} (groups are not used by any message read here)");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_data.Length - _position < count)
        {
            throw Truncated();
        }
        var bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    private readonly FormatException Truncated() => new($"the message ends inside a field (byte {_position} of {_data.Length})");
}
