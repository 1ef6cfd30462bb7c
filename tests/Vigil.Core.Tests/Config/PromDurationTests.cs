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
    [InlineData(0, "0s")]
    [InlineData(30, "30s")]
    [InlineData(5400, "1h30m")]
    [InlineData(90061, "1d1h1m1s")]
    public void Formats_like_prometheus(int seconds, string expected)
    {
        Assert.Equal(expected, PromDuration.Format(TimeSpan.FromSeconds(seconds)));
    }
}
