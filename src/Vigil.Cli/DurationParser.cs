using Vigil.Core.Config;

namespace Vigil.Cli;

/// <summary>
/// Durations on the command line (<c>--duration</c>, <c>--horizon</c>): <c>90s</c>, <c>30m</c>, <c>2h</c>, <c>1h30m</c>,
/// <c>1d</c>, <c>2w</c>. The config's parser, so Prometheus' rules hold here too: each unit at most once, largest first
/// (<c>1h1h</c> and <c>1m1h</c> were accepted and summed, though Prometheus and amtool refuse them).
/// </summary>
public static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan duration) => PromDuration.TryParse(text?.Trim(), out duration);
}
