namespace Vigil.Analytics.Metrics.Cad;

/// <summary>
/// CAD OSE's encoding of a value: its bucket number in binary, one fact per bit position (<c>65536 + 2·bit + 0|1</c>),
/// and the "neuron" facts <c>2³¹ + context id</c> that carry what was recognised one step back.
/// </summary>
internal static class ValueFacts
{
    public const long First = 65536;

    public const long NeuronBase = 1L << 31;

    /// <summary>Writes the facts of <paramref name="bucket"/> (ascending) and returns how many.</summary>
    public static int Encode(int bucket, int bits, Span<long> facts)
    {
        for (var position = 0; position < bits; position++)
        {
            facts[position] = First + (2 * position) + ((bucket >> position) & 1);
        }
        return bits;
    }

    public static ulong MaskOf(ReadOnlySpan<long> facts)
    {
        ulong mask = 0;
        foreach (var fact in facts)
        {
            var offset = fact - First;
            if (offset is >= 0 and < 64)
            {
                mask |= 1UL << (int)offset;
            }
        }
        return mask;
    }
}
