using Vigil.Core.Config;
using Vigil.Core.TimeIntervals;

namespace Vigil.Core.Tests.TimeIntervals;

/// <summary>
/// <see cref="TimeInterval.Contains"/> on cases computed by hand. Every instant is written in UTC with the local time it
/// is in the interval's zone next to it.
/// </summary>
public class TimeIntervalTests
{
    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    /// <summary>The single entry of interval "x" as the config loader builds it from <paramref name="fields"/>.</summary>
    private static TimeInterval Parse(string fields)
    {
        var config = ConfigLoader.Parse(
            $"time_intervals:\n  - name: x\n    time_intervals:\n      - {fields}\nroute:\n  receiver: r\nreceivers:\n  - name: r\n", "t.yml");
        return Assert.Single(Assert.Single(config.TimeIntervals).Intervals);
    }

    [Fact]
    public void Business_hours_in_berlin_follow_the_local_clock_in_winter_and_summer()
    {
        var hours = Parse("{weekdays: ['monday:friday'], times: [{start_time: '09:00', end_time: '17:00'}], location: Europe/Berlin}");

        Assert.True(hours.Contains(Utc(2026, 1, 5, 8)));       // Monday 09:00 CET: the start is inclusive
        Assert.False(hours.Contains(Utc(2026, 1, 5, 7, 59)));  // 08:59 CET
        Assert.True(hours.Contains(Utc(2026, 1, 5, 15, 59)));  // 16:59 CET
        Assert.False(hours.Contains(Utc(2026, 1, 5, 16)));     // 17:00 CET: the end is exclusive
        Assert.False(hours.Contains(Utc(2026, 1, 3, 10)));     // Saturday 11:00 CET
        Assert.True(hours.Contains(Utc(2026, 7, 6, 7)));       // Monday 09:00 CEST (UTC+2)
        Assert.False(hours.Contains(Utc(2026, 7, 6, 15)));     // 17:00 CEST
    }

    [Fact]
    public void The_zone_decides_the_weekday_too()
    {
        var monday = Parse("{weekdays: [monday], location: America/New_York}");

        Assert.True(monday.Contains(Utc(2026, 1, 6, 3)));      // Tuesday 03:00 UTC is Monday 22:00 EST
        Assert.False(monday.Contains(Utc(2026, 1, 5, 3)));     // Monday 03:00 UTC is Sunday 22:00 EST
        Assert.True(Parse("{weekdays: [monday]}").Contains(Utc(2026, 1, 5, 3))); // no location: UTC
    }

    [Fact]
    public void On_the_spring_forward_day_a_night_window_is_an_hour_shorter()
    {
        // 01:00–04:00 in Berlin. On 29 March 2026 the clocks jump from 02:00 CET to 03:00 CEST (01:00 UTC).
        var night = Parse("{times: [{start_time: '01:00', end_time: '04:00'}], location: Europe/Berlin}");

        Assert.True(night.Contains(Utc(2026, 3, 28, 2)));      // the day before: 03:00 CET
        Assert.False(night.Contains(Utc(2026, 3, 28, 3)));     // 04:00 CET
        Assert.True(night.Contains(Utc(2026, 3, 29, 0, 30)));  // 01:30 CET
        Assert.True(night.Contains(Utc(2026, 3, 29, 1)));      // 03:00 CEST, right after the jump
        Assert.False(night.Contains(Utc(2026, 3, 29, 2)));     // 04:00 CEST: two real hours after 01:00 CET
    }

    [Fact]
    public void On_the_fall_back_day_the_repeated_hour_is_inside_twice()
    {
        // 02:00–03:00 in Berlin. On 25 October 2026 03:00 CEST becomes 02:00 CET (01:00 UTC).
        var hour = Parse("{times: [{start_time: '02:00', end_time: '03:00'}], location: Europe/Berlin}");

        Assert.False(hour.Contains(Utc(2026, 10, 24, 23, 59))); // 01:59 CEST
        Assert.True(hour.Contains(Utc(2026, 10, 25, 0)));       // 02:00 CEST
        Assert.True(hour.Contains(Utc(2026, 10, 25, 1)));       // 02:00 CET, the second time
        Assert.True(hour.Contains(Utc(2026, 10, 25, 1, 59)));   // 02:59 CET
        Assert.False(hour.Contains(Utc(2026, 10, 25, 2)));      // 03:00 CET
    }

    [Fact]
    public void An_end_of_24_00_reaches_midnight_and_no_further()
    {
        var evening = Parse("{times: [{start_time: '22:00', end_time: '24:00'}]}");

        Assert.False(evening.Contains(Utc(2026, 1, 5, 21, 59)));
        Assert.True(evening.Contains(Utc(2026, 1, 5, 22)));
        Assert.True(evening.Contains(Utc(2026, 1, 5, 23, 59)));
        Assert.False(evening.Contains(Utc(2026, 1, 6, 0)));
    }

    [Fact]
    public void Negative_days_of_the_month_count_back_from_its_calendar_end()
    {
        var last = Parse("{days_of_month: ['-1']}");
        Assert.True(last.Contains(Utc(2026, 2, 28, 12)));   // 2026 is not a leap year
        Assert.False(last.Contains(Utc(2026, 2, 27, 12)));
        Assert.True(last.Contains(Utc(2028, 2, 29, 12)));   // 2028 is
        Assert.False(last.Contains(Utc(2028, 2, 28, 12)));
        Assert.True(last.Contains(Utc(2026, 12, 31, 23, 59)));

        var lastWeek = Parse("{days_of_month: ['-7:-1']}");
        Assert.True(lastWeek.Contains(Utc(2026, 4, 24, 0)));  // April has 30 days: 30 - 7 + 1 = 24
        Assert.False(lastWeek.Contains(Utc(2026, 4, 23, 23, 59)));

        // The last day in Berlin's March, a month with a DST change, is the 31st (local).
        var lastInBerlin = Parse("{days_of_month: ['-1'], location: Europe/Berlin}");
        Assert.True(lastInBerlin.Contains(Utc(2026, 3, 30, 22, 30))); // 31 March 00:30 CEST
        Assert.False(lastInBerlin.Contains(Utc(2026, 3, 30, 21, 30))); // 30 March 23:30 CEST

        var wholeMonth = Parse("{days_of_month: ['1:-1']}");
        Assert.True(wholeMonth.Contains(Utc(2026, 2, 1, 0)));
        Assert.True(wholeMonth.Contains(Utc(2026, 2, 28, 0)));
    }

    [Fact]
    public void Days_past_the_end_of_a_short_month_stop_at_its_last_day_or_match_nothing()
    {
        var lateDays = Parse("{days_of_month: ['25:31']}");
        Assert.True(lateDays.Contains(Utc(2026, 2, 28, 0)));   // 25..31 in February is 25..28
        Assert.False(lateDays.Contains(Utc(2026, 3, 1, 0)));

        var thirtieth = Parse("{days_of_month: ['30:31']}");
        Assert.False(thirtieth.Contains(Utc(2026, 2, 28, 0))); // February has no 30th: nothing matches
        Assert.True(thirtieth.Contains(Utc(2026, 4, 30, 0)));
    }

    [Fact]
    public void Month_and_year_ranges_are_inclusive()
    {
        var summer = Parse("{months: ['june:august', '2']}");
        Assert.False(summer.Contains(Utc(2026, 5, 31, 23, 59)));
        Assert.True(summer.Contains(Utc(2026, 6, 1, 0)));
        Assert.True(summer.Contains(Utc(2026, 8, 31, 23, 59)));
        Assert.False(summer.Contains(Utc(2026, 9, 1, 0)));
        Assert.True(summer.Contains(Utc(2026, 2, 14, 0)));

        var years = Parse("{years: ['2026:2027']}");
        Assert.False(years.Contains(Utc(2025, 12, 31, 23, 59)));
        Assert.True(years.Contains(Utc(2026, 1, 1, 0)));
        Assert.True(years.Contains(Utc(2027, 12, 31, 23, 59)));
        Assert.False(years.Contains(Utc(2028, 1, 1, 0)));

        // New Year's Eve in Tokyo (UTC+9) is already 2028 there.
        Assert.False(Parse("{years: ['2027'], location: Asia/Tokyo}").Contains(Utc(2027, 12, 31, 16)));
    }

    [Fact]
    public void Every_field_must_match_and_an_empty_list_matches_nothing()
    {
        var fields = Parse("{weekdays: [saturday, sunday], months: [december], times: [{start_time: '00:00', end_time: '06:00'}]}");
        Assert.True(fields.Contains(Utc(2026, 12, 5, 5)));    // Saturday 5 December 05:00
        Assert.False(fields.Contains(Utc(2026, 12, 5, 6)));   // the time is outside
        Assert.False(fields.Contains(Utc(2026, 12, 4, 5)));   // a Friday
        Assert.False(fields.Contains(Utc(2026, 11, 28, 5)));  // a Saturday in November

        Assert.True(Parse("{}").Contains(Utc(2026, 1, 1, 0)));
        Assert.False(Parse("{weekdays: []}").Contains(Utc(2026, 1, 1, 0))); // as Alertmanager: set but empty
    }

    [Fact]
    public void A_named_interval_contains_an_instant_any_of_its_entries_contains()
    {
        var offHours = new NamedTimeInterval("off-hours",
        [
            new TimeInterval { Times = [new TimeOfDayRange(0, 540), new TimeOfDayRange(1020, 1440)] },
            new TimeInterval { Weekdays = [new InclusiveRange(0, 0), new InclusiveRange(6, 6)] },
        ]);

        Assert.True(offHours.Contains(Utc(2026, 1, 5, 8, 59)));   // Monday 08:59
        Assert.False(offHours.Contains(Utc(2026, 1, 5, 9)));      // Monday 09:00
        Assert.True(offHours.Contains(Utc(2026, 1, 5, 17)));      // Monday 17:00
        Assert.True(offHours.Contains(Utc(2026, 1, 4, 12)));      // Sunday noon
        Assert.False(new NamedTimeInterval("none", []).Contains(Utc(2026, 1, 4, 12)));
    }

    [Fact]
    public void A_route_is_muted_inside_a_mute_interval_or_outside_all_its_active_ones()
    {
        var night = new NamedTimeInterval("night", [new TimeInterval { Times = [new TimeOfDayRange(0, 360)] }]);
        var morning = new NamedTimeInterval("morning", [new TimeInterval { Times = [new TimeOfDayRange(360, 720)] }]);
        var afternoon = new NamedTimeInterval("afternoon", [new TimeInterval { Times = [new TimeOfDayRange(720, 1080)] }]);

        Assert.Null(TimeMute.At([], [], Utc(2026, 1, 5, 3)));
        Assert.Equal("inside mute time interval \"night\"", TimeMute.At([night], [], Utc(2026, 1, 5, 3))?.ToString());
        Assert.Null(TimeMute.At([night], [], Utc(2026, 1, 5, 6)));
        Assert.Null(TimeMute.At([], [morning, afternoon], Utc(2026, 1, 5, 13)));
        Assert.Equal("outside active time intervals \"morning\", \"afternoon\"", TimeMute.At([], [morning, afternoon], Utc(2026, 1, 5, 19))?.ToString());
        Assert.Equal("outside active time interval \"morning\"", TimeMute.At([], [morning], Utc(2026, 1, 5, 13))?.ToString());
        // Both lists: a mute interval wins over an active one.
        Assert.Equal("inside mute time interval \"night\"", TimeMute.At([night], [night], Utc(2026, 1, 5, 3))?.ToString());
    }
}
