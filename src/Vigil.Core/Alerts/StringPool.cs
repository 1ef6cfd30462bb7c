using System.Collections.Concurrent;

namespace Vigil.Core.Alerts;

/// <summary>
/// Interns label names and short label values. A hundred thousand alerts carry the same few dozen label names and a
/// few hundred distinct values (job, severity, service...), yet every parsed request brings fresh copies of each;
/// sharing one instance keeps the in-memory alert index small. Bounded: once full, unseen strings are returned as
/// they are, so a flood of unique values cannot grow it. Thread-safe.
/// </summary>
public sealed class StringPool(int capacity = 65_536, int maxLength = 128)
{
    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public string Intern(string value)
    {
        if (value.Length > maxLength)
        {
            return value;
        }
        if (_strings.TryGetValue(value, out var pooled))
        {
            return pooled;
        }
        if (Volatile.Read(ref _count) < capacity && _strings.TryAdd(value, value))
        {
            Interlocked.Increment(ref _count);
        }
        return value;
    }
}
