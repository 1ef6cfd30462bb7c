using System.Globalization;
using System.Text.RegularExpressions;

namespace Vigil.Cli;

/// <summary>Prometheus-style durations: <c>90s</c>, <c>30m</c>, <c>2h</c>, <c>1h30m</c>, <c>1d</c>, <c>2w</c>.</summary>
public static partial class DurationParser
{
    [GeneratedRegex(@"^(?:(\d+)(ms|s|m|h|d|w|y))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = Pattern().Match(text?.Trim() ?? "");
        if (!match.Success)
        {
            return false;
        }
        for (var i = 0; i < match.Groups[1].Captures.Count; i++)
        {
            if (!long.TryParse(match.Groups[1].Captures[i].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                return false;
            }
            var unit = match.Groups[2].Captures[i].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(1),
                "s" => TimeSpan.FromSeconds(1),
                "m" => TimeSpan.FromMinutes(1),
                "h" => TimeSpan.FromHours(1),
                "d" => TimeSpan.FromDays(1),
                "w" => TimeSpan.FromDays(7),
                _ => TimeSpan.FromDays(365),
            };
            try
            {
                duration = checked(duration + unit * n);
            }
            catch (OverflowException)
            {
                return false;
            }
        }
        return true;
    }
}
