using Vigil.Analytics.Metrics;
using Vigil.Core.Config;
using Vigil.Server.Metrics;

namespace Vigil.Server.Tests.Metrics;

/// <summary>Which history a capacity forecast comes from: the chart's recent points as far ahead as they reach back,
/// the hourly means beyond that.</summary>
public sealed class CapacityCrossingTests
{
    private static readonly CapacityRule Ceiling = new([], 90, TimeSpan.FromDays(7), Falling: false);
    private static readonly DateTime Start = new(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Fourteen days of one-minute samples up to <paramref name="end"/>: the chart's last 720 and every hour's mean.</summary>
    private static (MetricPoint[] Points, (DateTime[], double[]) Hourly) History(DateTime end, Func<DateTime, double> value, int seed = 1)
    {
        var random = new Random(seed);
        var hourly = new HourlyMeans();
        var points = new PointBuffer(720);
        for (var t = Start; t <= end; t = t.AddMinutes(1))
        {
            var v = value(t) + ((random.NextDouble() - 0.5) * 0.6);
            hourly.Add(t, v);
            points.Add(new MetricPoint(t.Ticks, v, 0, (float)v, (float)v, (float)v, AnomalySignal.None));
        }
        return (points.ToArray(), hourly.ToSeries());
    }

    [Fact]
    public void Logs_that_grow_all_day_and_are_rotated_at_midnight_do_not_fill_the_disk()
    {
        // 60 % at midnight, 80 % by the end of the day, every day: at 18:00 twelve hours of points are all ramp.
        var (points, hourly) = History(Start.AddDays(13).AddHours(18), t => 60 + (20 * t.TimeOfDay.TotalDays));
        var fromPoints = SeriesForecast.CapacityCrossingOf(points, null, Ceiling);
        Assert.NotNull(fromPoints); // the false alarm the chart's points alone give: "reaches 90 in ~1 day"
        Assert.Null(SeriesForecast.CapacityCrossingOf(points, hourly, Ceiling));
    }

    [Fact]
    public void A_steep_daily_ramp_that_the_hourly_means_know_does_not_fill_the_disk_in_the_evening()
    {
        // 60 % at midnight, 85 % at the end of the day: from 18:00 to 23:00 twelve hours of points see 90 within
        // their reach (~6–10 hours); the hourly means' daily model foresaw each of those hours and sees no crossing.
        foreach (var hour in new[] { 18, 20, 22 })
        {
            var (points, hourly) = History(Start.AddDays(13).AddHours(hour), t => 60 + (25 * t.TimeOfDay.TotalDays));
            Assert.NotNull(SeriesForecast.CapacityCrossingOf(points, null, Ceiling));
            Assert.Null(SeriesForecast.CapacityCrossingOf(points, hourly, Ceiling));
        }
    }

    [Fact]
    public void A_runaway_on_a_disk_with_a_daily_ramp_is_still_seen()
    {
        // The same daily ramp (60 -> 80 %), but on the last day the logs grow 8 % an hour from 14:00: at 15:05 the disk is
        // ~80 % and 90 is ~1 hour away. The first complete hour since (14:00-15:00) is far above what the daily model
        // foresaw, so the points' crossing stands.
        var runaway = Start.AddDays(13).AddHours(14);
        var (points, hourly) = History(runaway.AddMinutes(65),
            t => 60 + (20 * t.TimeOfDay.TotalDays) + (t > runaway ? (8 - (20 / 24.0)) * (t - runaway).TotalHours : 0));
        var crossing = SeriesForecast.CapacityCrossingOf(points, hourly, Ceiling);
        Assert.Equal("720 recent points", crossing?.Basis);
        Assert.InRange((crossing!.Point.Timestamp - points[^1].Timestamp).TotalHours, 0.5, 3);
    }

    [Fact]
    public void A_fast_fill_is_seen_in_the_recent_points_even_with_weeks_of_calm_hourly_means()
    {
        // Flat at 50 for thirteen days, then 3 % an hour for the last ten hours (80 now): 90 in ~3 hours.
        var fillStart = Start.AddDays(13).AddHours(8);
        var (points, hourly) = History(fillStart.AddHours(10), t => t < fillStart ? 50 : 50 + (3 * (t - fillStart).TotalHours));
        var crossing = SeriesForecast.CapacityCrossingOf(points, hourly, Ceiling);
        Assert.NotNull(crossing);
        Assert.Equal("720 recent points", crossing.Basis);
        Assert.InRange((crossing.Point.Timestamp - points[^1].Timestamp).TotalHours, 1, 8);
    }

    [Fact]
    public void A_slow_fill_beyond_the_points_reach_is_forecast_from_the_hourly_means()
    {
        // 1 % a day from 70: 83 after thirteen days, 90 about a week later — within the 7-day horizon only just, or not.
        var rule = Ceiling with { Horizon = TimeSpan.FromDays(10) };
        var (points, hourly) = History(Start.AddDays(13), t => 70 + (t - Start).TotalDays);
        var crossing = SeriesForecast.CapacityCrossingOf(points, hourly, rule);
        Assert.NotNull(crossing);
        Assert.Equal("hourly means of 13 days", crossing.Basis);
        Assert.InRange((crossing.Point.Timestamp - points[^1].Timestamp).TotalDays, 5, 9);
    }

    [Fact]
    public void Hourly_means_that_reach_no_further_back_than_the_points_change_nothing()
    {
        // Five-minute samples: 720 points are 2.5 days, more than the 60 hours of hourly means. 90 is ~8 days away.
        var rule = Ceiling with { Horizon = TimeSpan.FromDays(30) };
        var (points, hourly) = Steady(TimeSpan.FromMinutes(5), TimeSpan.FromHours(60), slopePerHour: 0.2);
        var crossing = SeriesForecast.CapacityCrossingOf(points, hourly, rule);
        Assert.Equal($"{points.Length} recent points", crossing!.Basis);
    }

    [Fact]
    public void Fewer_than_two_days_of_hourly_means_change_nothing()
    {
        // One-minute samples for 40 hours: the hourly means reach further back than the 12 hours of points, but a day
        // and a half cannot show a daily pattern. 90 is ~60 hours away.
        var (points, hourly) = Steady(TimeSpan.FromMinutes(1), TimeSpan.FromHours(40), slopePerHour: 0.5);
        var crossing = SeriesForecast.CapacityCrossingOf(points, hourly, Ceiling);
        Assert.Equal("720 recent points", crossing!.Basis);
    }

    [Fact]
    public void A_fill_that_stopped_within_the_points_reach_is_not_forecast_from_the_older_hours()
    {
        // Six days rising 0.5 % an hour to 85, then flat for twelve hours: the hourly means still carry the rise, but
        // within the points' reach the points answer, and they see no crossing.
        var stop = Start.AddDays(6);
        var (points, hourly) = History(stop.AddHours(12), t => t < stop ? 13 + (0.5 * (t - Start).TotalHours) : 85);
        Assert.Null(SeriesForecast.CapacityCrossingOf(points, hourly, Ceiling));
    }

    private static (MetricPoint[] Points, (DateTime[], double[]) Hourly) Steady(TimeSpan interval, TimeSpan span, double slopePerHour)
    {
        var hourly = new HourlyMeans();
        var points = new PointBuffer(720);
        for (var t = Start; t <= Start + span; t += interval)
        {
            var v = 40 + (slopePerHour * (t - Start).TotalHours);
            hourly.Add(t, v);
            points.Add(new MetricPoint(t.Ticks, v, 0, (float)v, (float)v, (float)v, AnomalySignal.None));
        }
        return (points.ToArray(), hourly.ToSeries());
    }
}
