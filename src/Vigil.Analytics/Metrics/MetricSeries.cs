namespace Vigil.Analytics.Metrics;

/// <summary>A metric series as read from a file, rows in file order (which need not be time order).</summary>
public sealed record MetricSeries(DateTime[] Timestamps, double[] Values)
{
    public int Count => Values.Length;

    /// <summary>The file line of each row (blank lines are skipped, so the row index does not tell); empty when
    /// the series did not come from a file.</summary>
    public int[] Lines { get; init; } = [];

    /// <summary>The file line of row <paramref name="row"/>, or its 1-based row number after a header.</summary>
    public int LineOf(int row) => row < Lines.Length ? Lines[row] : row + 2;

    /// <summary>The first row whose timestamp is before the row above it, or null when the rows are in time order.</summary>
    public int? FirstOutOfOrder()
    {
        for (var i = 1; i < Timestamps.Length; i++)
        {
            if (Timestamps[i] < Timestamps[i - 1])
            {
                return i;
            }
        }
        return null;
    }
}
