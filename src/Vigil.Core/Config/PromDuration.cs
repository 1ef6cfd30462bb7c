using System.Globalization;
using System.Text;

namespace Vigil.Core.Config;

/// <summary>
/// Durations in Prometheus syntax (<c>model.ParseDuration</c>): units y, w, d, h, m, s, ms, each at most once and from
/// largest to smallest (<c>1h30m</c>, <c>2d</c>, <c>0s</c>); a bare <c>0</c> is allowed. Existing alertmanager.yml
/// files must load unchanged, which is why this is not <see cref="TimeSpan.Parse(string)"/>. Like Prometheus, a
/// duration longer than <see cref="Maximum"/> is refused.
/// </summary>
public static class PromDuration
{
    /// <summary>
    /// The longest duration Prometheus reads (Go's <c>time.Duration</c>: 2^63-1 nanoseconds, about 292 years; its
    /// <c>model.ParseDuration</c> answers "duration out of range" beyond). TimeSpan reaches 29,000 years, and a value
    /// that far out overflowed DateTimeOffset arithmetic at run time (<c>now + repeat_interval</c>); within this bound
    /// <c>now ± duration</c> stays in range for centuries.
    /// </summary>
    public static readonly TimeSpan Maximum = TimeSpan.FromTicks(long.MaxValue / TimeSpan.NanosecondsPerTick);

    private static readonly (string Unit, TimeSpan Size)[] Units =
    [
        ("y", TimeSpan.FromDays(365)),
        ("w", TimeSpan.FromDays(7)),
        ("d", TimeSpan.FromDays(1)),
        ("h", TimeSpan.FromHours(1)),
        ("m", TimeSpan.FromMinutes(1)),
        ("s", TimeSpan.FromSeconds(1)),
        ("ms", TimeSpan.FromMilliseconds(1)),
    ];

    public static bool TryParse(string? text, out TimeSpan duration) => TryParse(text, out duration, out _);

    /// <param name="outOfRange">True when the text is a duration in Prometheus syntax but longer than
    /// <see cref="Maximum"/>, so a message can say so instead of calling the syntax wrong.</param>
    public static bool TryParse(string? text, out TimeSpan duration, out bool outOfRange)
    {
        duration = TimeSpan.Zero;
        outOfRange = false;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        if (text == "0")
        {
            return true;
        }
        var pos = 0;
        var nextUnit = 0;
        var tooLong = false;
        while (pos < text.Length)
        {
            var start = pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }
            if (pos == start)
            {
                return false;
            }
            // More digits than a long holds is still a well-formed duration, just out of range.
            var tooBig = !long.TryParse(text.AsSpan(start, pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var amount);
            var unit = ReadUnit(text, ref pos);
            // Units must appear in decreasing order and only once, as in Prometheus.
            var index = Array.FindIndex(Units, nextUnit, u => u.Unit == unit);
            if (index < 0)
            {
                return false;
            }
            nextUnit = index + 1;
            if (tooBig || amount > (Maximum - duration).Ticks / Units[index].Size.Ticks)
            {
                tooLong = true;
            }
            else
            {
                duration += TimeSpan.FromTicks(amount * Units[index].Size.Ticks);
            }
        }
        if (tooLong)
        {
            (duration, outOfRange) = (TimeSpan.Zero, true);
            return false;
        }
        return true;
    }

    private static string ReadUnit(string text, ref int pos)
    {
        var start = pos;
        while (pos < text.Length && char.IsAsciiLetterLower(text[pos]))
        {
            pos++;
        }
        return text[start..pos];
    }

    /// <summary>Formats like Prometheus does (<c>1h30m</c>, <c>0s</c>), for the status API and messages.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "0s";
        }
        var sb = new StringBuilder();
        var rest = duration.Ticks;
        foreach (var (unit, size) in Units)
        {
            // Prometheus prints years only when they divide evenly; weeks too. Keep it readable: d/h/m/s/ms.
            if (unit is "y" or "w")
            {
                continue;
            }
            var amount = rest / size.Ticks;
            if (amount > 0)
            {
                sb.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
                rest -= amount * size.Ticks;
            }
        }
        return sb.Length == 0 ? "0s" : sb.ToString();
    }
}
