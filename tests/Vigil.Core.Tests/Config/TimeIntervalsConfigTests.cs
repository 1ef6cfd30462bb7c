using Vigil.Core.Config;
using Vigil.Core.TimeIntervals;

namespace Vigil.Core.Tests.Config;

/// <summary>Alertmanager's time_intervals (and the deprecated top-level mute_time_intervals) and the route keys naming them.</summary>
public class TimeIntervalsConfigTests
{
    private const string Receivers = "receivers:\n  - name: default\n  - name: pager\n";

    private static string WithRoute(string intervals, string childKeys = "mute_time_intervals: [night]") =>
        intervals + "route:\n  receiver: default\n  routes:\n    - receiver: pager\n      " + childKeys + "\n" + Receivers;

    private static ConfigError SingleError(string yaml)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "am.yml"));
        return Assert.Single(ex.Errors);
    }

    [Fact]
    public void Every_field_parses_into_the_model_and_routes_hold_the_intervals_they_name()
    {
        var config = ConfigLoader.Parse(
            """
            time_intervals:
              - name: business-hours
                time_intervals:
                  - times:
                      - start_time: "09:00"
                        end_time: "17:30"
                    weekdays: ['monday:friday', Saturday]
                    days_of_month: ['1:7', '-1', 15]
                    months: ['june:August', '12']
                    years: ['2026:2027']
                    location: Europe/Berlin
                  - {}
            mute_time_intervals:
              - name: night
                time_intervals:
                  - times: [{start_time: "22:00", end_time: "24:00"}, {start_time: "00:00", end_time: "06:00"}]
            route:
              receiver: default
              routes:
                - receiver: pager
                  active_time_intervals: [business-hours]
                  mute_time_intervals: [night]
                  routes:
                    - matchers: ['team="db"']
            receivers:
              - name: default
              - name: pager
            """,
            "am.yml");

        Assert.Equal(["night", "business-hours"], config.TimeIntervals.Select(i => i.Name));
        var hours = config.TimeIntervals[1].Intervals[0];
        Assert.Equal([new TimeOfDayRange(540, 1050)], hours.Times);
        Assert.Equal([new InclusiveRange(1, 5), new InclusiveRange(6, 6)], hours.Weekdays);
        Assert.Equal([new InclusiveRange(1, 7), new InclusiveRange(-1, -1), new InclusiveRange(15, 15)], hours.DaysOfMonth);
        Assert.Equal([new InclusiveRange(6, 8), new InclusiveRange(12, 12)], hours.Months);
        Assert.Equal([new InclusiveRange(2026, 2027)], hours.Years);
        Assert.Equal("Europe/Berlin", hours.Location.Id);
        Assert.Equal(TimeInterval.Always, config.TimeIntervals[1].Intervals[1]);
        Assert.Equal([new TimeOfDayRange(1320, 1440), new TimeOfDayRange(0, 360)], config.TimeIntervals[0].Intervals[0].Times);
        Assert.Equal(TimeZoneInfo.Utc, config.TimeIntervals[0].Intervals[0].Location);

        var pager = config.Route.Routes[0];
        Assert.Equal(["business-hours"], pager.ActiveTimeIntervals.Select(i => i.Name));
        Assert.Equal(["night"], pager.MuteTimeIntervals.Select(i => i.Name));
        // Per route, as in Alertmanager: a child inherits the receiver but neither list.
        var child = pager.Routes[0];
        Assert.Equal("pager", child.Receiver);
        Assert.Empty(child.MuteTimeIntervals);
        Assert.Empty(child.ActiveTimeIntervals);
        Assert.Empty(config.Route.MuteTimeIntervals);
    }

    [Theory]
    [InlineData("times: [{start_time: \"17:00\", end_time: \"09:00\"}]", 4, "\"start_time\" must be before \"end_time\"")]
    [InlineData("times: [{start_time: \"09:00\", end_time: \"09:00\"}]", 4, "\"start_time\" must be before \"end_time\"")]
    [InlineData("times: [{start_time: \"9:00\", end_time: \"17:00\"}]", 4, "invalid time \"9:00\" for \"start_time\"")]
    [InlineData("times: [{start_time: \"09:00\", end_time: \"24:01\"}]", 4, "invalid time \"24:01\" for \"end_time\"")]
    [InlineData("times: [{start_time: \"09:00\", end_time: \"12:60\"}]", 4, "invalid time \"12:60\"")]
    [InlineData("times: [{start_time: \"09:00\"}]", 4, "needs both \"start_time\" and \"end_time\"")]
    [InlineData("weekdays: [funday]", 4, "\"funday\" in \"weekdays\" is not a weekday")]
    [InlineData("weekdays: ['friday:monday']", 4, "weekday range \"friday:monday\" ends before it starts")]
    [InlineData("weekdays: ['monday:tuesday:friday']", 4, "invalid range \"monday:tuesday:friday\"")]
    [InlineData("days_of_month: [0]", 4, "day of the month 0 in \"0\" is out of range")]
    [InlineData("days_of_month: ['1:32']", 4, "day of the month 32 in \"1:32\" is out of range")]
    [InlineData("days_of_month: ['-1:5']", 4, "the end must be negative too")]
    [InlineData("days_of_month: ['10:5']", 4, "day range \"10:5\" ends before it starts")]
    [InlineData("days_of_month: ['-1:-7']", 4, "day range \"-1:-7\" ends before it starts")]
    [InlineData("days_of_month: [first]", 4, "invalid day of the month \"first\"")]
    [InlineData("months: [smarch]", 4, "\"smarch\" in \"months\" is not a month")]
    [InlineData("months: [13]", 4, "\"13\" in \"months\" is not a month")]
    [InlineData("months: ['december:january']", 4, "month range \"december:january\" ends before it starts")]
    [InlineData("years: ['2027:2026']", 4, "year range \"2027:2026\" ends before it starts")]
    [InlineData("years: [soon]", 4, "invalid year \"soon\"")]
    [InlineData("location: Mars/Olympus_Mons", 4, "unknown time zone \"Mars/Olympus_Mons\"")]
    [InlineData("weekday: [monday]", 4, "unknown key \"weekday\" in time interval \"night\"")]
    public void An_invalid_interval_is_a_config_error_at_its_line(string field, int line, string message)
    {
        var error = SingleError(WithRoute($"time_intervals:\n  - name: night\n    time_intervals:\n      - {field}\n"));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(("am.yml", line), (error.File, error.Line));
    }

    [Fact]
    public void A_route_naming_an_undefined_interval_is_an_error_at_the_name()
    {
        var error = SingleError(WithRoute("time_intervals:\n  - name: night\n    time_intervals: [{}]\n", "active_time_intervals: [night, weekend]"));

        Assert.Equal("am.yml:8:38: route refers to time interval \"weekend\", which is not defined under \"time_intervals\"", error.ToString());
    }

    [Fact]
    public void A_name_defined_in_both_lists_is_an_error_at_the_second()
    {
        var error = SingleError(WithRoute(
            "mute_time_intervals:\n  - name: night\n    time_intervals: [{}]\ntime_intervals:\n  - name: night\n    time_intervals: [{}]\n"));

        Assert.Equal(5, error.Line);
        Assert.Contains("time interval \"night\" is defined twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_interval_without_a_name_is_an_error()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(
            WithRoute("time_intervals:\n  - time_intervals: [{}]\n  - name: night\n    time_intervals: [{}]\n"), "am.yml"));

        Assert.Contains(ex.Errors, e => e.Line == 2 && e.Message.Contains("needs a \"name\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("mute_time_intervals")]
    [InlineData("active_time_intervals")]
    public void The_root_route_must_not_have_time_intervals(string key)
    {
        var error = SingleError(
            "time_intervals:\n  - name: night\n    time_intervals: [{}]\nroute:\n  receiver: default\n  " + key + ": [night]\n" + Receivers);

        Assert.Equal(6, error.Line);
        Assert.Contains($"the root route must not have \"{key}\"", error.Message, StringComparison.Ordinal);
    }
}
