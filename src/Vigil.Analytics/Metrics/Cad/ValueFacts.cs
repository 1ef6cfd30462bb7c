namespace Vigil.Analytics.Metrics.Cad;

/// <summary>
/// CAD OSE's encoding of a value: its bucket number in binary, one fact per bit position (<c>65536 + 2·bit + 0|1</c>),
/// and the "neuron" facts <c>2³¹ + context id</c> that carry what was recognised one step back. Every fact fits in a
/// <see cref="uint"/>, half a <see cref="long"/>: the fact pool is most of a series' CAD memory.
/// </summary>
internal static class ValueFacts
{
    public const uint First = 65536;

    public const uint NeuronBase = 1U << 31;

    /// <summary>Writes the facts of <paramref name="bucket"/> (ascending) and returns how many.</summary>
    public static int Encode(int bucket, int bits, Span<uint> facts)
    {
        for (var position = 0; position < bits; position++)
        {
            facts[position] = First + (uint)((2 * position) + ((bucket >> position) & 1));
        }
        return bits;
    }

    /// <summary>Writes a fact set as the state always held it: a count and 64-bit values.</summary>
    public static void Write(ref StateWriter writer, ReadOnlySpan<uint> facts)
    {
        writer.Write(facts.Length);
        foreach (var fact in facts)
        {
            writer.Write((long)fact);
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote: a strictly increasing set of facts, which crossing relies on.</summary>
    public static uint[] Read(ref StateReader reader, int maxLength)
    {
        // Stored as 64-bit values (the format predates 32-bit facts), read straight into 32 bits.
        var facts = new uint[reader.ReadArrayLength(maxLength)];
        for (var i = 0; i < facts.Length; i++)
        {
            var stored = reader.ReadInt64();
            if (stored is < 0 or > uint.MaxValue)
            {
                throw new FormatException("detector state: a semi-context fact out of range");
            }
            facts[i] = (uint)stored;
            if (i > 0 && facts[i] <= facts[i - 1])
            {
                throw new FormatException("detector state: semi-context facts out of order");
            }
        }
        return facts;
    }

    public static ulong MaskOf(ReadOnlySpan<uint> facts)
    {
        ulong mask = 0;
        foreach (var fact in facts)
        {
            var offset = fact - First; // wraps to a large number below First
            if (offset < 64)
            {
                mask |= 1UL << (int)offset;
            }
        }
        return mask;
    }
}
