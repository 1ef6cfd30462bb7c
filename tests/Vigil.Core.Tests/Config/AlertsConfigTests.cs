using Vigil.Core.Config;

namespace Vigil.Core.Tests.Config;

public class AlertsConfigTests
{
    private const string Base = "route:\n  receiver: default\nreceivers:\n  - name: default\n";

    [Theory]
    [InlineData("", 24.0)]
    [InlineData("alerts:\n", 24.0)]
    [InlineData("alerts:\n  resolved_retention: 2h\n", 2.0)]
    [InlineData("alerts:\n  resolved_retention: 0s\n", 0.0)]
    public void Resolved_alerts_are_kept_a_day_unless_resolved_retention_says_otherwise(string section, double hours)
    {
        var alerts = ConfigLoader.Parse(Base + section, "vigil.yml").Alerts;
        Assert.Equal(TimeSpan.FromHours(hours), alerts.ResolvedRetention);
        Assert.Equal(hours > 0, alerts.CollectsResolved);
    }

    [Theory]
    [InlineData("30s", "must be 0 (keep every resolved alert) or at least 1m")]
    [InlineData("soon", "invalid duration")]
    public void A_bad_resolved_retention_is_reported_with_its_line(string retention, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + $"alerts:\n  resolved_retention: {retention}\n", "vigil.yml"));
        var error = Assert.Single(ex.Errors);
        Assert.Equal((6, true), (error.Line, error.Message.Contains(message, StringComparison.Ordinal)));
    }

    [Fact]
    public void An_unknown_key_in_the_alerts_section_is_an_error()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + "alerts:\n  retention: 1h\n", "vigil.yml"));
        Assert.Contains("retention", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }
}
