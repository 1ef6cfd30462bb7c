using Vigil.Core.Config;

namespace Vigil.Core.Tests.Config;

public class PromDurationTests
{
    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("1w", 604800)]
    [InlineData("0s", 0)]
    [InlineData("0", 0)]
    [InlineData("1y", 31536000)]
    [InlineData("1h0m5s", 3605)]
    public void Parses_prometheus_durations(string text, int seconds)
    {
        Assert.True(PromDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Fact]
    public void Parses_milliseconds()
    {
        Assert.True(PromDuration.TryParse("1s500ms", out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5 m")]
    [InlineData("m")]
    [InlineData("30m1h")] // units must go from largest to smallest
    [InlineData("1h1h")]
    [InlineData("-5m")]
    [InlineData("1.5h")]
    [InlineData("5M")]
    [InlineData("99999999999999999y")]
    public void Rejects_invalid_durations(string text)
    {
        Assert.False(PromDuration.TryParse(text, out _));
    }

    [Theory]
    [InlineData("293y")]
    [InlineData("292y30w")]
    [InlineData("9000y")]
    [InlineData("106751d23h47m16s855ms")] // one millisecond past 2^63-1 ns
    [InlineData("99999999999999999999999y")] // more digits than a long holds
    public void Rejects_what_overflows_prometheus_as_out_of_range(string text)
    {
        Assert.False(PromDuration.TryParse(text, out var duration, out var outOfRange));
        Assert.True(outOfRange);
        Assert.Equal(TimeSpan.Zero, duration);
    }

    [Theory]
    [InlineData("292y")]
    [InlineData("106751d23h47m16s854ms")]
    public void Takes_the_longest_durations_prometheus_takes(string text)
    {
        Assert.True(PromDuration.TryParse(text, out var duration, out var outOfRange));
        Assert.False(outOfRange);
        Assert.True(duration <= PromDuration.Maximum);
        // Far from TimeSpan's own limit, so date arithmetic on it stays representable.
        Assert.True(DateTimeOffset.UtcNow + duration < DateTimeOffset.MaxValue - duration);
    }

    [Theory]
    [InlineData("9000y5x")]
    [InlineData("9000y1y")]
    public void A_syntax_error_is_not_called_out_of_range(string text)
    {
        Assert.False(PromDuration.TryParse(text, out _, out var outOfRange));
        Assert.False(outOfRange);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(30, "30s")]
    [InlineData(5400, "1h30m")]
    [InlineData(90061, "1d1h1m1s")]
    public void Formats_like_prometheus(int seconds, string expected)
    {
        Assert.Equal(expected, PromDuration.Format(TimeSpan.FromSeconds(seconds)));
    }
}
