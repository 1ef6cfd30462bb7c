using Vigil.Core.Config;
using Vigil.Core.Incidents;
using Vigil.Core.Tests.Dispatch;

namespace Vigil.Core.Tests.Config;

/// <summary>
/// Durations have an upper bound: every one Prometheus's (about 292 years), and those that set a .NET timer 24d. A
/// review reproduced each: 60d timers stopped the server or its start, 9000y route timers failed every flush, a 9000y
/// resolve_timeout refused every alert.
/// </summary>
public class DurationLimitTests
{
    private const string Base = "route:\n  receiver: default\nreceivers:\n  - name: default\n";

    private static ConfigError SingleError(string yaml)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "vigil.yml"));
        return Assert.Single(ex.Errors);
    }

    [Theory]
    [InlineData("route:\n  receiver: default\n  repeat_interval: 9000y\nreceivers:\n  - name: default\n", 3, "repeat_interval")]
    [InlineData("route:\n  receiver: default\n  routes:\n    - group_interval: 293y\nreceivers:\n  - name: default\n", 4, "group_interval")]
    [InlineData("route:\n  receiver: default\n  group_wait: 9000y\nreceivers:\n  - name: default\n", 3, "group_wait")]
    [InlineData("global:\n  resolve_timeout: 9000y\n" + Base, 2, "resolve_timeout")]
    [InlineData(Base + "incidents:\n  reopen_window: 9000y\n", 6, "reopen_window")]
    [InlineData(Base + "alerts:\n  resolved_retention: 9000y\n", 6, "resolved_retention")]
    public void A_duration_past_prometheus_limit_is_an_error_at_its_line(string yaml, int line, string key)
    {
        var error = SingleError(yaml);

        Assert.Equal(("vigil.yml", line), (error.File, error.Line));
        Assert.Contains($"for \"{key}\" is out of range: durations are at most 106751d23h47m16s854ms", error.Message);
    }

    [Fact]
    public void Route_timers_and_resolve_timeout_take_prometheus_longest_duration()
    {
        var config = ConfigLoader.Parse(
            "global:\n  resolve_timeout: 292y\nroute:\n  receiver: default\n  group_interval: 292y\n  repeat_interval: 292y\nreceivers:\n  - name: default\n",
            "vigil.yml");

        Assert.Equal(TimeSpan.FromDays(292 * 365), config.ResolveTimeout);
        Assert.Equal(TimeSpan.FromDays(292 * 365), config.Route.RepeatInterval);
    }

    [Fact]
    public void Route_timers_of_292_years_flush_and_reschedule()
    {
        // 9000y made every flush throw "un-representable DateTime"; within Prometheus's bound the dates stay in range.
        var years = TimeSpan.FromDays(292 * 365);
        var h = new DispatchHarness("global:\n  resolve_timeout: 292y\nroute:\n  receiver: default\n  group_by: [alertname]\n"
            + "  group_wait: 30s\n  group_interval: 292y\n  repeat_interval: 292y\nreceivers:\n  - name: default\n");
        h.Fire(("alertname", "Disk"), ("instance", "a"));
        h.Advance(TimeSpan.FromMinutes(1));
        h.Fire(("alertname", "Disk"), ("instance", "b"));
        var due = h.Dispatcher.NextDue;
        h.Advance(years);

        // The second alert joined at the flush group_interval after the first, in 2317, and the group is scheduled on.
        Assert.Equal(h.Incidents[1].CreatedAt + years, due);
        Assert.Contains(TimelineKind.AlertAdded, h.Kinds(1));
        Assert.True(h.Dispatcher.NextDue > h.Now);
    }

    [Theory]
    [InlineData("slos:\n  evaluation_interval: 60d\n", 6, "slos.evaluation_interval must be at most 24d (it sets a timer), got 60d")]
    [InlineData("metrics:\n  sources:\n    - {name: cpu, url: http://prom:9090, query: up, interval: 60d}\n", 7,
        "metric source \"cpu\": \"interval\" must be at most 24d, got 60d")]
    [InlineData("metrics:\n  sources:\n    - {name: cpu, url: http://prom:9090, query: up, step: 25d}\n", 7,
        "metric source \"cpu\": \"step\" must be at most 24d, got 25d")]
    public void A_timer_period_past_24_days_is_an_error_naming_the_maximum(string section, int line, string message)
    {
        var error = SingleError(Base + section);

        Assert.Equal(("vigil.yml", line), (error.File, error.Line));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Timer_periods_of_24_days_load()
    {
        var config = ConfigLoader.Parse(Base + "slos:\n  evaluation_interval: 24d\nmetrics:\n  sources:\n"
            + "    - {name: cpu, url: http://prom:9090, query: up, interval: 24d, step: 24d, backfill: 0}\n", "vigil.yml");

        Assert.Equal(YamlReader.MaxTimerPeriod, config.Slos.EvaluationInterval);
        Assert.Equal(YamlReader.MaxTimerPeriod, Assert.Single(config.Metrics.Sources).Interval);
        // The strictest .NET timer limit (System.Threading.Timer's int milliseconds) holds.
        Assert.True(YamlReader.MaxTimerPeriod.TotalMilliseconds <= int.MaxValue);
    }
}
