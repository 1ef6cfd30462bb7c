using Vigil.Core.Slo.Budget;

namespace Vigil.Core.Slo.Alerting;

/// <summary>
/// The per-minute good/total counts of one SLI over its SLO period, kept in two tiers: every minute for as long as
/// the longest burn-rate window needs (a <see cref="MinuteRing"/> with running window sums, so burn rates stay exact
/// to the minute), and buckets of <see cref="BucketMinutes"/> minutes for the whole period (for the error budget and
/// the burn-down). All objectives of an SLO share one history: they differ only in what they allow.
/// </summary>
/// <remarks>
/// For a 30-day SLO with the Workbook windows that is 3 days of minutes (34 KiB) and 2,881 quarter-hours (23 KiB)
/// instead of 43,200 minutes (338 KiB). A rolling window's start moves every minute, so it usually cuts a bucket: the
/// minutes of that one "edge" bucket (and the next, so the edge stays valid for a quarter-hour after it moves) are
/// kept too, set by the owner from durable storage (<see cref="SetEdge"/>) whenever <see cref="EdgeToLoad"/> says the
/// start moved into a new bucket; with them range sums from any minute are exact. Without an edge a range starting
/// inside a bucket older than the minute tier is rounded up to the next bucket boundary. Quarter-hours suit every
/// calendar window too, since every time zone's offset is a multiple of 15 minutes. When a window needs minutes for
/// (almost) the whole period, or the SLO's time slices are not a multiple of the bucket, the bucket is one minute and
/// the minute ring simply covers the whole period, as before.
/// </remarks>
public sealed class SliHistory
{
    public const int DefaultBucketMinutes = 15;

    /// <summary>Minutes of minute-resolution history kept at least, so recent minutes can always be corrected.</summary>
    public const int MinimumMinuteCapacity = 60;

    /// <summary>Buckets the edge holds: the one a rolling window starts in and the next.</summary>
    public const int EdgeBuckets = 2;

    private readonly BucketRing? _buckets;
    private readonly int _periodWindow = -1;

    // The edge: minutes [_edgeFrom, _edgeFrom + EdgeBuckets × BucketMinutes) as bad/total pairs (NaN total: no data).
    private long _edgeFrom = long.MinValue;
    private float[]? _edgeBad;
    private float[]? _edgeTotal;

    // The last SumUnits result, valid while nothing changed: the period burn rate and every objective's budget of a
    // rolling window ask for the same range in one evaluation, and summing it once halves the memory read.
    private long _version;
    private (long First, long End, long Version, EventCounts Sum) _lastSum = (0, 0, -1, EventCounts.Missing);

    /// <param name="periodMinutes">How far back the history keeps counts: the SLO period.</param>
    /// <param name="windowMinutes">Windows with a running sum (the burn-rate windows).</param>
    /// <param name="bucketMinutes">Resolution of the period beyond the minute tier; 1 keeps every minute of the period.</param>
    /// <param name="extraMinutes">Minutes kept beyond the longest window (e.g. to evaluate a window at earlier minutes).</param>
    public SliHistory(int periodMinutes, IReadOnlyList<int> windowMinutes, int bucketMinutes = DefaultBucketMinutes, int extraMinutes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(periodMinutes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketMinutes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(extraMinutes);
        PeriodMinutes = periodMinutes;
        var windows = windowMinutes.Distinct().Order().ToList();
        var fine = Math.Max(MinimumMinuteCapacity, (windows.Count == 0 ? 0 : windows[^1]) + extraMinutes);
        if (bucketMinutes == 1 || fine + bucketMinutes >= periodMinutes)
        {
            // Minutes for the whole period: the period itself is one more running window. One minute more than the
            // period is kept: while the newest minute is the current, incomplete one, the period that ends before it
            // still needs its first minute.
            BucketMinutes = 1;
            var capacity = Math.Max(fine, periodMinutes + 1);
            if (!windows.Contains(periodMinutes))
            {
                windows.Add(periodMinutes);
            }
            Minutes = new MinuteRing(capacity, windows);
            _periodWindow = windows.IndexOf(periodMinutes);
        }
        else
        {
            BucketMinutes = bucketMinutes;
            Minutes = new MinuteRing(fine, windows);
            _buckets = new BucketRing(bucketMinutes, (periodMinutes + bucketMinutes - 1) / bucketMinutes + 1);
        }
    }

    public int PeriodMinutes { get; }

    /// <summary>Minutes per budget unit: 1 when every minute of the period is kept, else the bucket length.</summary>
    public int BucketMinutes { get; }

    /// <summary>The minute tier: every minute of the longest window, with a running sum per window.</summary>
    public MinuteRing Minutes { get; }

    /// <summary>The newest minute recorded or advanced to, or null before the first.</summary>
    public long? Head => Minutes.Head;

    /// <summary>Approximate bytes of count storage (both tiers), for cost reports.</summary>
    public long Bytes => (Minutes.Capacity * 8L) + ((_buckets?.Capacity ?? 0) * 8L) + ((_edgeTotal?.Length ?? 0) * 8L);

    /// <summary>The first minute of the edge (a bucket boundary), or null when none was set.</summary>
    public long? EdgeFrom => _edgeTotal is null ? null : _edgeFrom;

    /// <summary>
    /// The minutes [<c>from</c>, <c>end</c>) the edge must be loaded with (from durable storage) so that a range starting at
    /// <paramref name="startMinute"/> sums exactly; null when it needs no edge (one-minute buckets, a bucket boundary, a
    /// start inside the minute tier) or the edge already starts at that bucket.
    /// </summary>
    public (long From, long End)? EdgeToLoad(long startMinute)
    {
        if (_buckets is null || AlignUp(startMinute) == startMinute || InMinuteTier(startMinute))
        {
            return null;
        }
        var from = AlignUp(startMinute) - BucketMinutes;
        return EdgeFrom == from ? null : (from, from + (EdgeBuckets * BucketMinutes));
    }

    /// <summary>
    /// Sets the edge to the minutes from <paramref name="from"/> (a bucket boundary) for <see cref="EdgeBuckets"/>
    /// buckets: <paramref name="minutes"/> are every stored minute of that range (others are missing). Events added
    /// later to these minutes (<see cref="Add"/>) are added to the edge too.
    /// </summary>
    public void SetEdge(long from, IEnumerable<(long Minute, double Good, double Total)> minutes)
    {
        if (_buckets is null)
        {
            return;
        }
        if (AlignUp(from) != from)
        {
            throw new ArgumentException($"the edge must start at a {BucketMinutes}-minute boundary", nameof(from));
        }
        _edgeBad ??= new float[EdgeBuckets * BucketMinutes];
        _edgeTotal ??= new float[EdgeBuckets * BucketMinutes];
        Array.Clear(_edgeBad);
        Array.Fill(_edgeTotal, float.NaN);
        _edgeFrom = from;
        foreach (var (minute, good, total) in minutes)
        {
            if (minute >= from && minute < from + _edgeTotal.Length)
            {
                var i = (int)(minute - from);
                _edgeBad[i] = (float)Math.Max(0, total - good);
                _edgeTotal[i] = (float)total;
            }
        }
        _version++;
    }

    private bool InMinuteTier(long minute) => Head is { } head && minute > head - Minutes.Capacity;

    private bool InEdge(long minute) => _edgeTotal is not null && minute >= _edgeFrom && minute < _edgeFrom + _edgeTotal.Length;

    private void EdgeSet(long minute, double bad, double total, bool add)
    {
        var i = (int)(minute - _edgeFrom);
        var had = !float.IsNaN(_edgeTotal![i]);
        _edgeBad![i] = (float)(add && had ? _edgeBad[i] + bad : bad);
        _edgeTotal[i] = (float)(add && had ? _edgeTotal[i] + total : total);
    }

    public int WindowIndex(int minutes)
    {
        for (var i = 0; i < Minutes.Windows.Count; i++)
        {
            if (Minutes.Windows[i] == minutes)
            {
                return i;
            }
        }
        throw new ArgumentException($"the history keeps no {minutes}-minute window", nameof(minutes));
    }

    public void AdvanceTo(long minute)
    {
        if (Head is not { } head || minute > head)
        {
            _version++;
        }
        Minutes.AdvanceTo(minute);
        _buckets?.AdvanceTo(minute);
    }

    /// <summary>
    /// Sets the counts of a minute, replacing what it held (late or corrected data). Returns false when the minute is
    /// older than the minute tier keeps: its old value is no longer known, so it cannot be replaced.
    /// </summary>
    public bool Set(long minute, double good, double total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        _version++;
        if (_buckets is null)
        {
            return Minutes.Record(minute, good, total);
        }
        AdvanceTo(minute);
        var old = Minutes.At(minute);
        if (!Minutes.Record(minute, good, total))
        {
            return false;
        }
        if (InEdge(minute))
        {
            EdgeSet(minute, Math.Max(0, total - good), total, add: false);
        }
        // The bucket receives exactly what the minute tier now holds minus what it held.
        var stored = Minutes.At(minute);
        _buckets.Add(minute, stored.Bad - (old.HasData ? old.Bad : 0), stored.Total - (old.HasData ? old.Total : 0));
        return true;
    }

    /// <summary>Adds events to a minute. Minutes older than the minute tier still count in their bucket.</summary>
    public bool Add(long minute, double good, double total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        _version++;
        AdvanceTo(minute);
        var current = Minutes.At(minute);
        var inMinutes = minute > Minutes.Head - Minutes.Capacity;
        if (inMinutes)
        {
            Minutes.Record(minute, good + (current.HasData ? current.Good : 0), total + (current.HasData ? current.Total : 0));
        }
        if (_buckets is null)
        {
            return inMinutes;
        }
        if (InEdge(minute))
        {
            EdgeSet(minute, Math.Max(0, total - good), total, add: true);
        }
        return _buckets.Add(minute, Math.Max(0, total - good), total);
    }

    /// <summary>The counts of one minute of the minute tier (missing when it has no data or is older).</summary>
    public EventCounts At(long minute) => Minutes.At(minute);

    /// <summary>Counts over window <paramref name="index"/> ending at the head.</summary>
    public EventCounts Sum(int index) => Minutes.Sum(index);

    /// <summary>The first minute of a budget unit at or after <paramref name="minute"/>.</summary>
    public long AlignUp(long minute)
    {
        var rest = ((minute % BucketMinutes) + BucketMinutes) % BucketMinutes;
        return rest == 0 ? minute : minute + BucketMinutes - rest;
    }

    /// <summary>The oldest minute the history still holds counts for (the start of the period ending at the head).</summary>
    public long Oldest => (Head ?? 0) - PeriodMinutes + 1;

    /// <summary>Counts over the last period ending at the head (exact with the edge, see the remarks).</summary>
    public EventCounts PeriodSum() => SumLast(PeriodMinutes);

    /// <summary>Counts over the last <paramref name="minutes"/> ending at the head (a running window when there is one, else from the units).</summary>
    public EventCounts SumLast(int minutes)
    {
        if (Head is not { } head)
        {
            return EventCounts.Missing;
        }
        if (minutes == PeriodMinutes && _periodWindow >= 0)
        {
            return Minutes.Sum(_periodWindow);
        }
        for (var i = 0; i < Minutes.Windows.Count; i++)
        {
            if (Minutes.Windows[i] == minutes)
            {
                return Minutes.Sum(i);
            }
        }
        return SumFrom(head - minutes + 1);
    }

    /// <summary>Counts from <paramref name="fromMinute"/> through the head (see <see cref="SumRange"/>).</summary>
    public EventCounts SumFrom(long fromMinute) =>
        Head is { } head ? SumRange(Math.Max(fromMinute, Oldest), head + 1) : EventCounts.Missing;

    /// <summary>
    /// Counts of the minutes [<paramref name="firstMinute"/>, <paramref name="endMinute"/>): whole buckets from the
    /// bucket tier, the minutes before the first bucket boundary from the minute tier or the edge. When neither holds
    /// them (no edge loaded for that bucket) the range starts at the next bucket boundary instead.
    /// </summary>
    public EventCounts SumRange(long firstMinute, long endMinute)
    {
        var aligned = AlignUp(firstMinute);
        if (Head is null || endMinute <= firstMinute || aligned == firstMinute)
        {
            return SumUnits(firstMinute, endMinute);
        }
        var head = Partial(firstMinute, Math.Min(aligned, endMinute));
        return aligned < endMinute ? head.Plus(SumUnits(aligned, endMinute)) : head;
    }

    /// <summary>Counts of minutes inside one bucket, from the minute tier or the edge (missing when neither keeps them).</summary>
    private EventCounts Partial(long firstMinute, long endMinute)
    {
        var sum = EventCounts.Missing;
        for (var m = firstMinute; m < endMinute; m++)
        {
            if (InMinuteTier(m))
            {
                sum = sum.Plus(Minutes.At(m));
            }
            else if (InEdge(m))
            {
                var i = (int)(m - _edgeFrom);
                var total = _edgeTotal![i];
                sum = float.IsNaN(total) ? sum : sum.Plus(new EventCounts(total - _edgeBad![i], total));
            }
        }
        return sum;
    }

    /// <summary>
    /// True when the minutes from <paramref name="firstMinute"/> to the next bucket boundary are known (minute tier or
    /// edge), so <see cref="SumRange"/> from there is exact.
    /// </summary>
    public bool IsExactFrom(long firstMinute)
    {
        var aligned = AlignUp(firstMinute);
        return _buckets is null || aligned == firstMinute || (InMinuteTier(firstMinute) && InMinuteTier(aligned - 1))
            || (InEdge(firstMinute) && InEdge(aligned - 1));
    }

    /// <summary>
    /// The counts of the units from <paramref name="firstMinute"/> (a unit boundary) up to <paramref name="endMinute"/>
    /// (exclusive), as <see cref="CopyUnits"/> would give them, summed: whole buckets in one pass over the bucket tier,
    /// the unit cut by <paramref name="endMinute"/> from the minute tier, a running window when one covers the range.
    /// </summary>
    public EventCounts SumUnits(long firstMinute, long endMinute)
    {
        if (Head is not { } head || endMinute <= firstMinute)
        {
            return EventCounts.Missing;
        }
        if (_lastSum.First == firstMinute && _lastSum.End == endMinute && _lastSum.Version == _version)
        {
            return _lastSum.Sum;
        }
        var result = ComputeSum(firstMinute, endMinute, head);
        _lastSum = (firstMinute, endMinute, _version, result);
        return result;
    }

    private EventCounts ComputeSum(long firstMinute, long endMinute, long head)
    {
        if (_buckets is null)
        {
            if (endMinute == head + 1)
            {
                for (var i = 0; i < Minutes.Windows.Count; i++)
                {
                    if (Minutes.Windows[i] == endMinute - firstMinute)
                    {
                        return Minutes.Sum(i);
                    }
                }
            }
            var sum = EventCounts.Missing;
            for (var m = firstMinute; m < endMinute; m++)
            {
                sum = sum.Plus(Minutes.At(m));
            }
            return sum;
        }
        var wholeEnd = firstMinute + ((endMinute - firstMinute) / BucketMinutes * BucketMinutes);
        var total = wholeEnd > firstMinute ? _buckets.Sum(_buckets.BucketOf(firstMinute), _buckets.BucketOf(wholeEnd) - 1) : EventCounts.Missing;
        for (var m = wholeEnd; m < endMinute; m++)
        {
            total = total.Plus(Minutes.At(m));
        }
        return total;
    }

    /// <summary>
    /// Copies budget units (counts of <see cref="BucketMinutes"/> minutes each) starting at the unit that begins at
    /// <paramref name="firstMinute"/> (a unit boundary) into <paramref name="destination"/>. A unit reaching past
    /// <paramref name="endMinute"/> (exclusive: the current, incomplete minute) counts only the minutes before it, read
    /// from the minute tier. Units the history no longer keeps are missing.
    /// </summary>
    public void CopyUnits(long firstMinute, long endMinute, Span<EventCounts> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            var unit = firstMinute + ((long)i * BucketMinutes);
            if (unit + BucketMinutes <= endMinute || BucketMinutes == 1)
            {
                destination[i] = Unit(unit);
                continue;
            }
            var sum = EventCounts.Missing;
            for (var m = unit; m < endMinute; m++)
            {
                sum = sum.Plus(Minutes.At(m));
            }
            destination[i] = sum;
        }
    }

    private EventCounts Unit(long firstMinute) =>
        _buckets is null ? Minutes.At(firstMinute) : _buckets.At(_buckets.BucketOf(firstMinute));
}
