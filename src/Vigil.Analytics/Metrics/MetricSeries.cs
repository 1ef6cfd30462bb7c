namespace Vigil.Analytics.Metrics;

/// <summary>A metric series as read from a file, rows in file order (which need not be time order).</summary>
public sealed record MetricSeries(DateTime[] Timestamps, double[] Values)
{
    public int Count => Values.Length;
}
