namespace Vigil.Core.Slo.Budget;

/// <summary>
/// Good and total events of one minute (or any span). A minute without data has NaN counts (<see cref="Missing"/>),
/// which keeps "no data" apart from "no traffic" (0 of 0) in a compact struct.
/// </summary>
public readonly record struct EventCounts(double Good, double Total)
{
    public static EventCounts Missing { get; } = new(double.NaN, double.NaN);

    public bool HasData => !double.IsNaN(Total);

    public double Bad => Total - Good;

    /// <summary>Bad over total; NaN when there are no events.</summary>
    public double ErrorRatio => Total > 0 ? Bad / Total : double.NaN;

    /// <summary>Sum that treats missing minutes as contributing nothing.</summary>
    public EventCounts Plus(EventCounts other) => !other.HasData ? this : !HasData ? other : new(Good + other.Good, Total + other.Total);
}
