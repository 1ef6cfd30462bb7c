namespace Vigil.Analytics.Metrics.Cad;

/// <summary>A growable list of ids over one reused array: no per-step allocation, and a span for tight loops.</summary>
internal sealed class IdList
{
    private int[] _items = new int[4];

    public int Count { get; private set; }

    public ReadOnlySpan<int> Span => _items.AsSpan(0, Count);

    public void Add(int id)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }
        _items[Count++] = id;
    }

    public void Clear() => Count = 0;
}
