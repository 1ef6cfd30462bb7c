namespace Vigil.Analytics.Metrics;

/// <summary>
/// A series' latest values, the oldest overwritten first: what CAD and ARTime are rebuilt from (their range, and the
/// values they replay).
/// </summary>
internal sealed class RecentValues(int capacity)
{
    private readonly double[] _values = new double[capacity];
    private int _next;

    public int Count { get; private set; }

    public int Capacity => _values.Length;

    public bool IsFull => Count == _values.Length;

    /// <summary>The <paramref name="i"/>-th oldest value.</summary>
    public double this[int i] => _values[((IsFull ? _next : 0) + i) % _values.Length];

    /// <summary>Adds <paramref name="value"/>; returns whether it overwrote the oldest one, and that value.</summary>
    public bool Add(double value, out double overwritten)
    {
        var full = IsFull;
        overwritten = full ? _values[_next] : double.NaN;
        _values[_next] = value;
        // A wrap, not a remainder: an integer division per value, for two buffers per sample in the balanced detector.
        _next = _next + 1 == _values.Length ? 0 : _next + 1;
        Count = Math.Min(Count + 1, _values.Length);
        return full;
    }

    /// <summary>The values' min and max (with <paramref name="including"/>), widened by <paramref name="margin"/> of their
    /// span on each side (within ±double.MaxValue); a flat stretch gets ±1% of its value (± 1e-9), so any later
    /// change lies outside.</summary>
    public (double Low, double High) Range(double margin, double including = double.NaN)
    {
        double min = double.IsNaN(including) ? double.PositiveInfinity : including;
        var max = double.IsNaN(including) ? double.NegativeInfinity : including;
        for (var i = 0; i < Count; i++)
        {
            min = Math.Min(min, _values[i]);
            max = Math.Max(max, _values[i]);
        }
        var span = max - min;
        if (span == 0.0)
        {
            span = Math.Max(Math.Abs(max) * 0.01, 1e-9);
        }
        // Values near ±double.MaxValue would widen to ±∞, which no later arithmetic (or saved state) survives.
        return (Math.Max(min - (margin * span), -double.MaxValue), Math.Min(max + (margin * span), double.MaxValue));
    }

    public void Write(ref StateWriter writer)
    {
        writer.Write(Count);
        writer.Write(_next);
        writer.Write(_values.AsSpan(0, Count));
    }

    public static RecentValues Read(ref StateReader reader, int capacity)
    {
        var recent = new RecentValues(capacity) { Count = reader.ReadInt32() };
        recent._next = reader.ReadInt32();
        var values = reader.ReadDoubles(capacity);
        if (values.Length != recent.Count || recent._next < 0 || recent._next >= capacity || (!recent.IsFull && recent._next != recent.Count))
        {
            throw new FormatException("detector state: bad buffer of recent values");
        }
        values.CopyTo(recent._values, 0);
        return recent;
    }
}
