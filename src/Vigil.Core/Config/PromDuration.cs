using System.Globalization;
using System.Text;

namespace Vigil.Core.Config;

/// <summary>
/// Durations in Prometheus syntax (<c>model.ParseDuration</c>): units y, w, d, h, m, s, ms, each at most once and from
/// largest to smallest (<c>1h30m</c>, <c>2d</c>, <c>0s</c>); a bare <c>0</c> is allowed. Existing alertmanager.yml
/// files must load unchanged, which is why this is not <see cref="TimeSpan.Parse(string)"/>.
/// </summary>
public static class PromDuration
{
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

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
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
        while (pos < text.Length)
        {
            var start = pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }
            if (pos == start || !long.TryParse(text.AsSpan(start, pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }
            var unit = ReadUnit(text, ref pos);
            // Units must appear in decreasing order and only once, as in Prometheus.
            var index = Array.FindIndex(Units, nextUnit, u => u.Unit == unit);
            if (index < 0)
            {
                return false;
            }
            nextUnit = index + 1;
            try
            {
                duration = checked(duration + TimeSpan.FromTicks(checked(amount * Units[index].Size.Ticks)));
            }
            catch (OverflowException)
            {
                return false;
            }
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
