namespace Vigil.Analytics.Nab;

/// <summary>
/// One scorable row of a data file after NAB's sweep (probationary rows are already dropped): the detector's anomaly
/// score, what the row would add to the total if it were a detection, and its window (<see cref="Outside"/> if none).
/// </summary>
public readonly record struct SweepRow(double AnomalyScore, double SweepScore, int Window)
{
    public const int Outside = -1;

    public bool InWindow => Window != Outside;
}
