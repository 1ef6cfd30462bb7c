namespace Vigil.Server.Metrics;

/// <summary>
/// The last <see cref="Capacity"/> items added, oldest first: a ring grown on demand (16, 32, … up to the capacity),
/// so a series with few points costs little, that overwrites its oldest item once full.
/// </summary>
public sealed class Ring<T>(int capacity)
{
    private T[] _items = [];
    private int _start;

    public int Capacity { get; } = capacity;

    public int Count { get; private set; }

    public T this[int index] => _items[(_start + index) % _items.Length];

    public void Add(T item)
    {
        if (Count < _items.Length)
        {
            _items[(_start + Count) % _items.Length] = item;
            Count++;
            return;
        }
        if (_items.Length < Capacity)
        {
            var grown = new T[Math.Min(Capacity, Math.Max(16, _items.Length * 2))];
            for (var i = 0; i < Count; i++)
            {
                grown[i] = this[i];
            }
            (_items, _start) = (grown, 0);
            _items[Count++] = item;
            return;
        }
        // Full: overwrite the oldest.
        _items[_start] = item;
        _start = (_start + 1) % _items.Length;
    }

    public T[] ToArray()
    {
        var result = new T[Count];
        for (var i = 0; i < Count; i++)
        {
            result[i] = this[i];
        }
        return result;
    }
}
