using Vigil.Core.Config;

namespace Vigil.Core.Tests.Config;

public class LogsConfigTests
{
    private const string Base = "route:\n  receiver: default\nreceivers:\n  - name: default\n";

    [Fact]
    public void Logs_section_gives_per_source_format_and_masks_and_defaults_for_the_rest()
    {
        var config = ConfigLoader.Parse(Base + """
            logs:
              defaults:
                masks: ['req-\d+']
              sources:
                - name: hdfs
                  format: '<Date> <Time> <Pid> <Level> <Component>: <Content>'
                  masks: ['blk_-?\d+']
            """, "vigil.yml");

        var hdfs = config.Logs.For("hdfs");
        Assert.Equal("<Date> <Time> <Pid> <Level> <Component>: <Content>", hdfs.Format);
        Assert.Equal([@"blk_-?\d+"], hdfs.Masks);
        var other = config.Logs.For("nginx");
        Assert.Null(other.Format);
        Assert.Equal([@"req-\d+"], other.Masks);
    }

    [Fact]
    public void No_logs_section_mines_whole_lines_with_built_in_masks_only()
    {
        var config = ConfigLoader.Parse(Base, "vigil.yml");
        Assert.Same(LogSourceSettings.WholeLine, config.Logs.For("anything"));
    }

    [Fact]
    public void Bad_log_settings_are_reported_with_their_line()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + """
            logs:
              sources:
                - name: a
                  format: '<Date> <Message>'
                - name: b
                  masks: ['([unclosed']
                - format: '<Content>'
                - name: a
            """, "vigil.yml"));

        Assert.Collection(ex.Errors,
            e => Assert.Equal((8, "<Content>"), (e.Line, e.Message.Contains("needs a <Content> field", StringComparison.Ordinal) ? "<Content>" : e.Message)),
            e => Assert.Equal(10, e.Line),
            e => Assert.Contains("needs a \"name\"", e.Message),
            e => Assert.Contains("defined twice", e.Message));
    }

    [Theory]
    [InlineData("<Date> <Date> <Content>", "field <Date> appears twice")]
    [InlineData("<Date> <1st> <Content>", "field <1st> must be a name")]
    [InlineData("<Date> (<Content>", "not a valid regular expression")]
    public void A_format_the_miner_refuses_is_an_error_at_its_line(string format, string reason)
    {
        // It loaded, and the miner then logged "format is invalid (...); mining whole lines" at the first line.
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + $"logs:\n  sources:\n    - name: app\n      format: '{format}'\n", "vigil.yml"));

        var error = Assert.Single(ex.Errors);
        Assert.Equal((8, 15), (error.Line, error.Column));
        Assert.StartsWith($"logs source \"app\": format \"{format}\" is invalid: ", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Source_and_alert_limits_have_defaults_and_refuse_nonsense()
    {
        Assert.Equal((1_000, 100), (ConfigLoader.Parse(Base, "vigil.yml").Logs.MaxSources, ConfigLoader.Parse(Base, "vigil.yml").Logs.MaxAlertsPerMinute));
        var config = ConfigLoader.Parse(Base + "logs:\n  max_sources: 50\n  max_alerts_per_minute: 7\n", "vigil.yml");
        Assert.Equal((50, 7), (config.Logs.MaxSources, config.Logs.MaxAlertsPerMinute));

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + "logs:\n  max_sources: 0\n  max_alerts_per_minute: lots\n", "vigil.yml"));
        Assert.Equal(["logs.max_sources must be a whole number of at least 1, not \"0\"", "logs.max_alerts_per_minute must be a whole number of at least 1, not \"lots\""],
            ex.Errors.Select(e => e.Message));
    }

    [Theory]
    [InlineData("", 7 * 24.0)]
    [InlineData("  source_ttl: 36h\n", 36.0)]
    [InlineData("  source_ttl: 0s\n", 0.0)]
    public void Sources_are_kept_a_week_after_their_last_line_unless_source_ttl_says_otherwise(string line, double hours)
    {
        var logs = ConfigLoader.Parse(Base + "logs:\n  max_sources: 10\n" + line, "vigil.yml").Logs;
        Assert.Equal(TimeSpan.FromHours(hours), logs.SourceTtl);
    }

    [Theory]
    [InlineData("30m", "logs.source_ttl must be 0 (keep every source) or at least 1h, got 30m")]
    [InlineData("soon", "invalid duration")]
    public void A_bad_source_ttl_is_reported_with_its_line(string ttl, string message)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Base + $"logs:\n  max_sources: 10\n  source_ttl: {ttl}\n", "vigil.yml"));
        var error = Assert.Single(ex.Errors);
        Assert.Equal((7, true), (error.Line, error.Message.Contains(message, StringComparison.Ordinal)));
    }
}
