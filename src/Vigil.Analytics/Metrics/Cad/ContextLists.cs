namespace Vigil.Analytics.Metrics.Cad;

/// <summary>
/// The context ids of each left semi-context, in creation order (CAD OSE's per-left dict iterates in insertion
/// order). Each list is a segment of one shared array, moved to the end with double the room when it fills, so a
/// step's scan over the matched lists reads contiguous ids instead of chasing links (the abandoned segments at most
/// double the array).
/// </summary>
internal sealed class ContextLists
{
    private int[] _pool = new int[64];
    private int _used;
    private int[] _start = new int[16];
    private int[] _count = new int[16];
    private int[] _capacity = new int[16];

    public int Lists { get; private set; }

    public ReadOnlySpan<int> this[int list] => _pool.AsSpan(_start[list], _count[list]);

    /// <summary>Adds an empty list (for the left semi-context with the next id).</summary>
    public void AddList()
    {
        if (Lists == _start.Length)
        {
            Array.Resize(ref _start, Lists * 2);
            Array.Resize(ref _count, Lists * 2);
            Array.Resize(ref _capacity, Lists * 2);
        }
        (_start[Lists], _count[Lists], _capacity[Lists]) = (0, 0, 0);
        Lists++;
    }

    public void Append(int list, int id)
    {
        if (_count[list] == _capacity[list])
        {
            var capacity = Math.Max(2, _capacity[list] * 2);
            if (_used + capacity > _pool.Length)
            {
                Array.Resize(ref _pool, Math.Max(_pool.Length * 2, _used + capacity));
            }
            Array.Copy(_pool, _start[list], _pool, _used, _count[list]);
            (_start[list], _capacity[list]) = (_used, capacity);
            _used += capacity;
        }
        _pool[_start[list] + _count[list]++] = id;
    }
}
