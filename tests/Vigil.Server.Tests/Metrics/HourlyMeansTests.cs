using Vigil.Analytics.Metrics;
using Vigil.Server.Metrics;

namespace Vigil.Server.Tests.Metrics;

public sealed class HourlyMeansTests
{
    private static readonly DateTime T0 = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Each_clock_hour_is_its_mean_stamped_at_its_middle_and_the_hour_being_filled_counts()
    {
        var means = new HourlyMeans();
        foreach (var (minutes, value) in new[] { (0, 1.0), (30, 3.0), (59, 5.0), (60, 10.0), (185, 7.0), (190, 9.0) })
        {
            means.Add(T0.AddMinutes(minutes), value);
        }
        means.Add(T0.AddMinutes(100), 1000); // older than the hour being filled: ignored
        var (times, values) = means.ToSeries();
        Assert.Equal([T0.AddMinutes(30), T0.AddMinutes(90), T0.AddMinutes(210)], times);
        Assert.Equal([3.0, 10.0, 8.0], values);
    }

    [Fact]
    public void The_ring_keeps_the_newest_hours_and_everything_round_trips_through_the_encoding()
    {
        var means = new HourlyMeans(capacity: 4);
        for (var hour = 0; hour < 10; hour++)
        {
            means.Add(T0.AddHours(hour), hour);
        }
        means.Add(T0.AddHours(10), 20); // half of the hour being filled
        Assert.Equal(5, means.Count); // four closed hours and the open one
        Assert.Equal([6.0, 7, 8, 9, 20], means.ToSeries().Values);

        var restored = HourlyMeans.Decode(means.Encode(), capacity: 4);
        restored.Add(T0.AddHours(10).AddMinutes(30), 30); // the open hour goes on where it was
        Assert.Equal([6.0, 7, 8, 9, 25], restored.ToSeries().Values);
        Assert.Equal(means.ToSeries().Times, restored.ToSeries().Times);
    }

    [Fact]
    public void Stored_history_reads_rows_from_before_hourly_means_and_refuses_damaged_ones()
    {
        var points = new PointBuffer(10);
        points.Add(new MetricPoint(T0.Ticks, 1, 0, 1, 0, 2, AnomalySignal.None));
        var hourly = new HourlyMeans();
        hourly.Add(T0, 42);

        // Without hourly means the bytes are the chart's own (version 1), as rows stored before them.
        Assert.Equal(points.Encode(), StoredHistory.Encode(points, null));
        var (old, none, _) = StoredHistory.Decode(points.Encode(), 10);
        Assert.Equal(points.ToArray(), old.ToArray());
        Assert.Null(none);

        var bytes = StoredHistory.Encode(points, hourly);
        var (chart, means, _) = StoredHistory.Decode(bytes, 10);
        Assert.Equal(points.ToArray(), chart.ToArray());
        Assert.Equal([42.0], means!.ToSeries().Values);
        Assert.Throws<FormatException>(() => StoredHistory.Decode(bytes.AsSpan(0, 3), 10));
        // Damaged hourly means cost only themselves: the chart's points come back.
        var (kept, lost, problem) = StoredHistory.Decode(bytes.AsSpan(0, bytes.Length - 1), 10);
        Assert.Equal(points.ToArray(), kept.ToArray());
        Assert.Null(lost);
        Assert.Contains("hourly means", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Damaged_hourly_means_are_refused_not_restored()
    {
        var means = new HourlyMeans();
        means.Add(T0, 1);
        means.Add(T0.AddHours(1), 2);
        var bytes = means.Encode();
        var negative = (byte[])bytes.Clone();
        BitConverter.GetBytes(-5).CopyTo(negative, 4); // the closed hour's number
        Assert.Throws<FormatException>(() => HourlyMeans.Decode(negative));
        var noOpenHour = (byte[])bytes.Clone();
        BitConverter.GetBytes(0).CopyTo(noOpenHour, bytes.Length - 4); // closed hours but none being filled
        Assert.Throws<FormatException>(() => HourlyMeans.Decode(noOpenHour));
    }

    [Fact]
    public void Huge_values_keep_a_finite_mean()
    {
        var means = new HourlyMeans();
        means.Add(T0, double.MaxValue);
        means.Add(T0.AddMinutes(1), double.MaxValue);
        means.Add(T0.AddMinutes(2), -double.MaxValue);
        var mean = Assert.Single(means.ToSeries().Values);
        Assert.True(double.IsFinite(mean), mean.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(means.ToSeries().Values, HourlyMeans.Decode(means.Encode()).ToSeries().Values);
    }
}
