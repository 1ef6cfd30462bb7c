using System.Collections.Concurrent;

namespace Vigil.Core.Alerts;

/// <summary>
/// Interns label names and short label values. A hundred thousand alerts carry the same few dozen label names and a
/// few hundred distinct values (job, severity, service...), yet every parsed request brings fresh copies of each;
/// sharing one instance keeps the in-memory alert index small. Bounded: once full, unseen strings are returned as
/// they are, so a flood of unique values cannot grow it. Thread-safe.
/// </summary>
public sealed class StringPool
{
    private readonly int _capacity;
    private readonly int _maxLength;

    private readonly ConcurrentDictionary<string, string> _strings;
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private int _count;

    public StringPool()
        : this(65_536, 128)
    {
    }

    public StringPool(int capacity, int maxLength)
    {
        _capacity = capacity;
        _maxLength = maxLength;
        _strings = new(StringComparer.Ordinal);
        _bySpan = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>The pooled string equal to <paramref name="value"/>, allocating only when it is not pooled yet.</summary>
    public string Intern(ReadOnlySpan<char> value)
    {
        if (value.Length <= _maxLength && _bySpan.TryGetValue(value, out var pooled))
        {
            return pooled;
        }
        return Intern(value.ToString());
    }

    public string Intern(string value)
    {
        if (value.Length > _maxLength)
        {
            return value;
        }
        if (_strings.TryGetValue(value, out var pooled))
        {
            return pooled;
        }
        if (Volatile.Read(ref _count) < _capacity && _strings.TryAdd(value, value))
        {
            Interlocked.Increment(ref _count);
        }
        return value;
    }
}
