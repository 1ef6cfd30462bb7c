using System.Globalization;

namespace Vigil.Analytics.Metrics;

/// <summary>
/// Timestamps as metric files write them: NAB's <c>yyyy-MM-dd HH:mm:ss[.ffffff]</c> (parsed by hand, it is most of a
/// file), ISO 8601 with an offset, or Unix seconds. All are read as UTC.
/// </summary>
public static class TimestampParser
{
    /// <summary>Unix seconds of 0001-01-01 and of 9999-12-31 23:59:59, DateTime's range (exclusive: a fraction past
    /// either end would throw).</summary>
    private const decimal MinUnixSeconds = -62135596800, MaxUnixSeconds = 253402300799;

    public static bool TryParse(ReadOnlySpan<char> text, out DateTime time)
    {
        text = text.Trim();
        if (TryParseNab(text, out time))
        {
            return true;
        }
        if (Ambiguity(text) is not null)
        {
            return false;
        }
        // Decimal, not double: a double holds about 16 digits, and seconds near either end of the range times 10⁷
        // ticks have 18, so the times came out off by tens of ticks.
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && seconds > MinUnixSeconds && seconds < MaxUnixSeconds)
        {
            time = DateTime.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
            return true;
        }
        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time);
    }

    /// <summary>
    /// Why <paramref name="text"/> is not read although it is a number: eight digits that are also a date as yyyyMMdd
    /// (<c>20240101</c>) were read as Unix seconds (1970-08-23) without a word. Null for anything else.
    /// </summary>
    public static string? Ambiguity(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        if (text.Length == 8 && Digits(text, 0, 4, out var year) && Digits(text, 4, 2, out var month) && Digits(text, 6, 2, out var day)
            && year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
        {
            return $"the date {text[..4]}-{text[4..6]}-{text[6..]} or Unix seconds? Write the date as '{text[..4]}-{text[4..6]}-{text[6..]} 00:00:00', or seconds with a decimal point ('{text}.0')";
        }
        return null;
    }

    private static bool TryParseNab(ReadOnlySpan<char> s, out DateTime time)
    {
        time = default;
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }
        long fractionTicks = 0;
        var rest = s[19..];
        if (rest.Length > 0 && rest[0] == '.')
        {
            long scale = TimeSpan.TicksPerSecond;
            for (var i = 1; i < rest.Length && rest[i] is >= '0' and <= '9'; i++)
            {
                scale /= 10;
                fractionTicks += (rest[i] - '0') * scale;
            }
            rest = rest[1..].TrimStart("0123456789");
        }
        if (rest.Length > 0 && !rest.SequenceEqual("Z"))
        {
            return false; // an offset: leave it to the general parser
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        time = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fractionTicks);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int length, out int value)
    {
        value = 0;
        for (var i = start; i < start + length; i++)
        {
            if (s[i] is < '0' or > '9')
            {
                return false;
            }
            value = (value * 10) + (s[i] - '0');
        }
        return true;
    }
}
