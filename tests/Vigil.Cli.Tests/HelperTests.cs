using Vigil.Core.Security;

namespace Vigil.Cli.Tests;

public sealed class HelperTests
{
    [Fact]
    public void SecretsAreVglPlusBase64UrlOf32Bytes()
    {
        var a = TokenSecrets.Generate();
        var b = TokenSecrets.Generate();
        Assert.NotEqual(a, b);
        Assert.StartsWith("vgl_", a);
        Assert.Equal(4 + 43, a.Length);
        Assert.Matches("^vgl_[A-Za-z0-9_-]{43}$", a);
    }

    [Fact]
    public void HashIsLowerHexSha256()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", TokenSecrets.Hash("abc"));
    }

    [Fact]
    public void IssueKeepsOnlyTheHash()
    {
        var now = DateTimeOffset.UnixEpoch;
        var (token, secret) = TokenSecrets.Issue("n", Role.Responder, "me", now);
        Assert.Equal(TokenSecrets.Hash(secret), token.SecretHash);
        Assert.Matches("^[a-z0-9]{10}$", token.Id);
        Assert.Equal(Role.Responder, token.Role);
        Assert.Equal("me", token.CreatedBy);
        Assert.Equal(now, token.CreatedAt);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("2h", 7200)]
    [InlineData("1h30m", 5400)]
    [InlineData("1d", 86400)]
    [InlineData("1w", 604800)]
    [InlineData("500ms", 0.5)]
    public void DurationsParse(string text, double seconds)
    {
        Assert.True(DurationParser.TryParse(text, out var d));
        Assert.Equal(TimeSpan.FromSeconds(seconds), d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("h")]
    [InlineData("-1h")]
    [InlineData("1.5h")]
    [InlineData("2 h")]
    [InlineData("99999999999999999999y")]
    [InlineData("1h1h")]
    [InlineData("1m1h")]
    [InlineData("30s1m")]
    [InlineData("1ms1s")]
    public void BadDurations(string text) => Assert.False(DurationParser.TryParse(text, out _));
}
