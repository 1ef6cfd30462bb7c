namespace Vigil.Analytics.Metrics.Cad;

/// <summary>An unordered set of small non-negative ids with O(1) add and remove (the last member moves into a removed
/// one's slot) and a span of the members for tight loops.</summary>
internal sealed class IdSet
{
    private int[] _members = new int[16];
    private int[] _slotOf = new int[16]; // slot + 1 of each id, 0 when absent

    public int Count { get; private set; }

    public ReadOnlySpan<int> Members => _members.AsSpan(0, Count);

    public void Add(int id)
    {
        if (id >= _slotOf.Length)
        {
            Array.Resize(ref _slotOf, Math.Max(_slotOf.Length * 2, id + 1));
        }
        if (_slotOf[id] != 0)
        {
            return;
        }
        if (Count == _members.Length)
        {
            Array.Resize(ref _members, Count * 2);
        }
        _members[Count] = id;
        _slotOf[id] = ++Count;
    }

    public void Remove(int id)
    {
        if (id >= _slotOf.Length || _slotOf[id] == 0)
        {
            return;
        }
        var slot = _slotOf[id] - 1;
        var last = _members[--Count];
        _members[slot] = last;
        _slotOf[last] = slot + 1;
        _slotOf[id] = 0;
    }

    public void Clear()
    {
        foreach (var id in Members)
        {
            _slotOf[id] = 0;
        }
        Count = 0;
    }
}
