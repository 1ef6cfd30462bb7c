namespace Vigil.Analytics.Metrics.Cad;

/// <summary>
/// CPython 2.7's 64-bit tuple hash of a tuple of small non-negative ints (an int hashes to itself). CAD OSE keys its
/// semi-contexts by this hash and breaks ties between equally active contexts by it, so the port reproduces it to
/// pick the same "neurons" as the published run.
/// </summary>
internal static class PythonHash
{
    public static long OfTuple(ReadOnlySpan<uint> items)
    {
        unchecked
        {
            long x = 0x345678L;
            long multiplier = 1000003L;
            for (var i = 0; i < items.Length; i++)
            {
                var remaining = items.Length - i - 1;
                x = (x ^ items[i]) * multiplier;
                multiplier += 82520L + remaining + remaining;
            }
            x += 97531L;
            return x == -1 ? -2 : x;
        }
    }
}
