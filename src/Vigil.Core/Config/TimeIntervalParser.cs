using System.Globalization;
using Vigil.Core.TimeIntervals;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// Alertmanager's top-level <c>time_intervals</c> and its deprecated twin <c>mute_time_intervals</c> (same shape; the
/// names share one namespace). Validation follows Alertmanager's: HH:MM times with an exclusive end (24:00 allowed),
/// weekday and month names or ranges, days of the month 1..31 or counted back from the end, IANA locations.
/// </summary>
internal sealed class TimeIntervalParser(YamlReader reader)
{
    private static readonly string[] EntryKeys = ["name", "time_intervals"];
    private static readonly string[] IntervalKeys = ["times", "weekdays", "days_of_month", "months", "years", "location"];
    private static readonly string[] TimeKeys = ["start_time", "end_time"];

    private static readonly string[] Weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    private static readonly string[] Months =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    /// <summary>Every interval by name.</summary>
    public Dictionary<string, NamedTimeInterval> Intervals { get; } = new(StringComparer.Ordinal);

    /// <summary>Every interval in file order (the deprecated list first).</summary>
    public List<NamedTimeInterval> InOrder { get; } = [];

    /// <summary>Parses one of the two top-level lists; call for <c>mute_time_intervals</c> and <c>time_intervals</c>.</summary>
    public void ParseAll(YamlNode? node, string section)
    {
        if (node is null || YamlReader.IsNull(node) || reader.Sequence(node, section) is not { } entries)
        {
            return;
        }
        foreach (var item in entries)
        {
            if (reader.Mapping(item, $"each entry of \"{section}\"") is not { } map)
            {
                continue;
            }
            var keys = reader.Keys(map, $"an entry of \"{section}\"", EntryKeys);
            if (!keys.TryGetValue("name", out var nameNode) || reader.String(nameNode, "name") is not { Length: > 0 } name)
            {
                reader.Error(map, $"an entry of \"{section}\" needs a \"name\"");
                continue;
            }
            var intervals = new List<TimeInterval>();
            if (keys.TryGetValue("time_intervals", out var listNode) && !YamlReader.IsNull(listNode) && reader.Sequence(listNode, "time_intervals") is { } list)
            {
                foreach (var entry in list)
                {
                    if (reader.Mapping(entry, $"each entry of time interval \"{name}\"") is { } intervalMap)
                    {
                        intervals.Add(ParseInterval(intervalMap, name));
                    }
                }
            }
            var named = new NamedTimeInterval(name, intervals);
            if (Intervals.TryAdd(name, named))
            {
                InOrder.Add(named);
            }
            else
            {
                reader.Error(nameNode, $"time interval \"{name}\" is defined twice (names are shared by \"time_intervals\" and \"mute_time_intervals\")");
            }
        }
    }

    private TimeInterval ParseInterval(YamlMappingNode map, string name)
    {
        var keys = reader.Keys(map, $"time interval \"{name}\"", IntervalKeys);
        return new TimeInterval
        {
            Times = keys.TryGetValue("times", out var times) ? ParseTimes(times) : null,
            Weekdays = keys.TryGetValue("weekdays", out var weekdays) ? Ranges(weekdays, "weekdays", WeekdayRange) : null,
            DaysOfMonth = keys.TryGetValue("days_of_month", out var days) ? Ranges(days, "days_of_month", DayOfMonthRange) : null,
            Months = keys.TryGetValue("months", out var months) ? Ranges(months, "months", MonthRange) : null,
            Years = keys.TryGetValue("years", out var years) ? Ranges(years, "years", YearRange) : null,
            Location = keys.TryGetValue("location", out var location) ? Location(location) ?? TimeZoneInfo.Utc : TimeZoneInfo.Utc,
        };
    }

    private List<TimeOfDayRange>? ParseTimes(YamlNode node)
    {
        if (YamlReader.IsNull(node) || reader.Sequence(node, "times") is not { } list)
        {
            return null;
        }
        var result = new List<TimeOfDayRange>();
        foreach (var item in list)
        {
            if (reader.Mapping(item, "each entry of \"times\"") is not { } map)
            {
                continue;
            }
            var keys = reader.Keys(map, "an entry of \"times\"", TimeKeys);
            if (!keys.TryGetValue("start_time", out var startNode) || !keys.TryGetValue("end_time", out var endNode))
            {
                reader.Error(map, "an entry of \"times\" needs both \"start_time\" and \"end_time\"");
                continue;
            }
            var start = Minute(startNode, "start_time");
            var end = Minute(endNode, "end_time");
            if (start is not { } from || end is not { } to)
            {
                continue;
            }
            if (from >= to)
            {
                reader.Error(map, "\"start_time\" must be before \"end_time\" (the end is exclusive; use 24:00 for the end of the day, and two entries for a range across midnight)");
                continue;
            }
            result.Add(new TimeOfDayRange(from, to));
        }
        return result;
    }

    /// <summary>"HH:MM" from 00:00 to 23:59, or 24:00 (as Alertmanager's pattern allows), as minutes of the day.</summary>
    private int? Minute(YamlNode node, string key)
    {
        var text = reader.String(node, key);
        if (text is null)
        {
            return null;
        }
        if (text is [var h1, var h2, ':', var m1, var m2] && char.IsAsciiDigit(h1) && char.IsAsciiDigit(h2) && char.IsAsciiDigit(m1) && char.IsAsciiDigit(m2))
        {
            var hours = (h1 - '0') * 10 + (h2 - '0');
            var minutes = (m1 - '0') * 10 + (m2 - '0');
            if ((hours < 24 && minutes < 60) || (hours == 24 && minutes == 0))
            {
                return hours * 60 + minutes;
            }
        }
        reader.Error(node, $"invalid time \"{text}\" for \"{key}\"; use HH:MM from 00:00 to 24:00");
        return null;
    }

    private List<InclusiveRange>? Ranges(YamlNode node, string key, Func<string, string, string?, (InclusiveRange? Range, string? Error)> parse)
    {
        if (YamlReader.IsNull(node) || reader.Sequence(node, key) is not { } list)
        {
            return null;
        }
        var result = new List<InclusiveRange>();
        foreach (var item in list)
        {
            if (reader.String(item, key) is not { } text)
            {
                continue;
            }
            // As in Alertmanager: case does not matter, and "a:b" is a range while "a" is a range of one.
            var lower = text.Trim().ToLowerInvariant();
            var parts = lower.Split(':');
            var (range, error) = parts.Length switch
            {
                1 => parse(text, parts[0], null),
                2 => parse(text, parts[0], parts[1]),
                _ => (null, $"invalid range \"{text}\" in \"{key}\"; use a value or begin:end"),
            };
            if (range is { } value)
            {
                result.Add(value);
            }
            else
            {
                reader.Error(item, error!);
            }
        }
        return result;
    }

    private static (InclusiveRange?, string?) WeekdayRange(string text, string begin, string? end)
    {
        var from = Array.IndexOf(Weekdays, begin);
        var to = end is null ? from : Array.IndexOf(Weekdays, end);
        if (from < 0 || to < 0)
        {
            return (null, $"\"{(from < 0 ? begin : end)}\" in \"weekdays\" is not a weekday; use names such as monday or monday:friday");
        }
        return from > to
            ? (null, $"weekday range \"{text}\" ends before it starts (weeks run sunday to saturday; split a range across the weekend in two)")
            : (new InclusiveRange(from, to), null);
    }

    private static (InclusiveRange?, string?) DayOfMonthRange(string text, string begin, string? end)
    {
        if (!TryInt(begin, out var from) || !TryInt(end ?? begin, out var to))
        {
            return (null, $"invalid day of the month \"{text}\"; use 1 to 31, -1 for the last day, or a range such as 1:7");
        }
        foreach (var day in (int[])[from, to])
        {
            if (day == 0 || day < -31 || day > 31)
            {
                return (null, $"day of the month {day} in \"{text}\" is out of range; use 1 to 31 or -31 to -1");
            }
        }
        if (from < 0 && to > 0)
        {
            return (null, $"day range \"{text}\": the end must be negative too when the start counts back from the month's end");
        }
        // As Alertmanager: a negative index is checked against the shortest month (28 days), so only ranges that are
        // empty in every month are refused.
        if ((from < 0 ? 28 + from : from) > (to < 0 ? 28 + to : to))
        {
            return (null, $"day range \"{text}\" ends before it starts");
        }
        return (new InclusiveRange(from, to), null);
    }

    private static (InclusiveRange?, string?) MonthRange(string text, string begin, string? end)
    {
        var from = Month(begin);
        var to = end is null ? from : Month(end);
        if (from is null || to is null)
        {
            return (null, $"\"{(from is null ? begin : end)}\" in \"months\" is not a month; use a name such as january, a number 1 to 12, or a range such as june:august");
        }
        return from > to
            ? (null, $"month range \"{text}\" ends before it starts (split a range across the new year in two)")
            : (new InclusiveRange(from.Value, to.Value), null);
    }

    private static int? Month(string text)
    {
        var index = Array.IndexOf(Months, text);
        if (index >= 0)
        {
            return index + 1;
        }
        return TryInt(text, out var number) && number is >= 1 and <= 12 ? number : null;
    }

    private static (InclusiveRange?, string?) YearRange(string text, string begin, string? end)
    {
        if (!TryInt(begin, out var from) || !TryInt(end ?? begin, out var to) || from < 1 || to < 1)
        {
            return (null, $"invalid year \"{text}\"; use a year such as 2026 or a range such as 2026:2027");
        }
        return from > to ? (null, $"year range \"{text}\" ends before it starts") : (new InclusiveRange(from, to), null);
    }

    private static bool TryInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private TimeZoneInfo? Location(YamlNode node)
    {
        if (YamlReader.IsNull(node) || reader.String(node, "location") is not { } name)
        {
            return null;
        }
        // Go's time.LoadLocation, which Alertmanager uses: "UTC" (or empty) and "Local" besides the IANA database.
        switch (name)
        {
            case "" or "UTC":
                return TimeZoneInfo.Utc;
            case "Local":
                return TimeZoneInfo.Local;
        }
        if (TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone))
        {
            return zone;
        }
        reader.Error(node, $"unknown time zone \"{name}\" for \"location\"; use an IANA name such as Europe/Berlin or America/New_York");
        return null;
    }
}
