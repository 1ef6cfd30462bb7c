using Vigil.Core.Config;
using Vigil.Core.Escalation;

namespace Vigil.Core.Tests.Config;

public class EscalationPoliciesConfigTests
{
    private const string Head = "route:\n  receiver: default\n  escalation_policy: shop\nreceivers:\n  - name: default\n" + People;

    // Everyone the policies below page.
    private const string People = """
        users:
          - name: alice
          - name: ann
          - name: ben
          - name: a
          - name: u
          - name: v
        teams:
          - name: shop
            members: [alice]
        schedules:
          - name: shop-primary
            time_zone: Europe/Berlin
            layers:
              - name: weekly
                users: [alice]
                rotation: 1w
                start: 2025-01-06 09:00

        """;

    [Fact]
    public void A_policy_with_every_kind_of_target_and_condition_parses()
    {
        var config = ConfigLoader.Parse(
            Head + """
            escalation_policies:
              - name: shop
                repeat: 2
                acknowledge_timeout: 30m
                time_zone: Europe/Berlin
                levels:
                  - delay: 5m
                    targets:
                      - schedule: shop-primary
                      - user: alice
                  - delay: 15m
                    only_between: "08:00-20:00"
                    targets:
                      - team: shop
                  - targets:
                      - round_robin: [ann, ben]
                    only_if_alerts: {more_than: 5, within: 10m}
            """,
            "vigil.yml");

        var policy = Assert.Single(config.EscalationPolicies);
        Assert.Equal(("shop", 2, TimeSpan.FromMinutes(30), "Europe/Berlin"), (policy.Name, policy.Repeat, policy.AcknowledgeTimeout, policy.Zone.Id));
        Assert.Equal(3, policy.Levels.Count);
        Assert.Equal([new EscalationTarget.Schedule("shop-primary"), new EscalationTarget.User("alice")], policy.Levels[0].Targets);
        Assert.Equal(new EscalationCondition.TimeOfDay(new TimeOnly(8, 0), new TimeOnly(20, 0)), policy.Levels[1].Condition);
        Assert.Equal(TimeSpan.FromMinutes(5), policy.Levels[2].Delay);
        Assert.Equal(new EscalationCondition.AlertRate(5, TimeSpan.FromMinutes(10)), policy.Levels[2].Condition);
        Assert.Equal(["ann", "ben"], Assert.IsType<EscalationTarget.RoundRobin>(policy.Levels[2].Targets[0]).Users);
        Assert.Equal("shop", config.Route.EscalationPolicy);
    }

    [Fact]
    public void Child_routes_inherit_the_policy_unless_they_name_their_own()
    {
        var config = ConfigLoader.Parse(
            """
            route:
              receiver: default
              escalation_policy: a
              routes:
                - matchers: [team="x"]
                - matchers: [team="y"]
                  escalation_policy: b
            receivers:
              - name: default
            users: [{name: u}, {name: v}]
            escalation_policies:
              - name: a
                levels: [{targets: [{user: u}]}]
              - name: b
                levels: [{targets: [{user: v}]}]
            """,
            "vigil.yml");

        Assert.Equal(["a", "b"], config.Route.Routes.Select(r => r.EscalationPolicy));
    }

    [Theory]
    [InlineData("escalation_policies:\n  - name: shop\n", "needs \"levels\"")]
    [InlineData("escalation_policies:\n  - name: shop\n    levels: []\n", "needs at least one level")]
    [InlineData("escalation_policies:\n  - name: shop\n    levels:\n      - delay: 5m\n", "needs \"targets\"")]
    [InlineData("escalation_policies:\n  - name: shop\n    levels:\n      - targets: [{user: a, team: b}]\n", "exactly one of")]
    [InlineData("escalation_policies:\n  - name: shop\n    levels:\n      - targets: [{pager: a}]\n", "unknown key \"pager\"")]
    [InlineData("escalation_policies:\n  - name: shop\n    levels:\n      - targets: [{user: a}]\n        delay: 10s\n", "at least 1m")]
    [InlineData("escalation_policies:\n  - name: shop\n    repeat: 99\n    levels:\n      - targets: [{user: a}]\n", "from 0 to 10")]
    [InlineData("escalation_policies:\n  - name: shop\n    time_zone: Mars/Base\n    levels:\n      - targets: [{user: a}]\n", "unknown time zone \"Mars/Base\"")]
    [InlineData("escalation_policies:\n  - name: shop\n    levels:\n      - targets: [{user: a}]\n        only_between: 8-20\n", "\"HH:mm-HH:mm\"")]
    [InlineData("escalation_policies:\n  - name: shop\n    levels:\n      - targets: [{user: a}]\n        only_if_alerts: {more_than: 5}\n", "needs \"more_than\"")]
    [InlineData("escalation_policies:\n  - name: shop\n    levels:\n      - targets: [{round_robin: []}]\n", "at least one user")]
    [InlineData("escalation_policies:\n  - name: other\n    levels:\n      - targets: [{user: a}]\n", "escalation policy \"shop\", which is not defined")]
    [InlineData("escalation_policies:\n  - name: shoppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp\n    levels:\n      - targets: [{user: a}]\n", "is 102 characters; at most 100")]
    public void Mistakes_are_reported_with_their_position(string section, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Head + section, "vigil.yml"));
        var error = Assert.Single(ex.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
        Assert.True(error.Line > 0);
    }

    [Theory]
    [InlineData("user: nobody", "user \"nobody\", which is not defined under \"users\"")]
    [InlineData("schedule: nightly", "schedule \"nightly\", which is not defined under \"schedules\"")]
    [InlineData("team: ghosts", "team \"ghosts\", which is not defined under \"teams\"")]
    [InlineData("round_robin: [ann, zed]", "user \"zed\" (in round_robin)")]
    public void Targets_must_exist(string target, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(
            Head + $"escalation_policies:\n  - name: shop\n    levels:\n      - targets: [{{{target}}}]\n", "vigil.yml"));
        Assert.Contains(ex.Errors, e => e.Message.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_service_may_name_only_a_defined_policy()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(
            Head + "services:\n  - {name: checkout, team: shop, escalation_policy: nope}\nescalation_policies:\n  - name: shop\n    levels: [{targets: [{user: a}]}]\n",
            "vigil.yml"));
        Assert.Contains(ex.Errors, e => e.Message.Contains("service \"checkout\" names escalation policy \"nope\"", StringComparison.Ordinal));
    }

    [Fact]
    public void An_undefined_policy_is_reported_at_the_service_that_names_it()
    {
        // It was reported at the first service's line whichever service named it.
        var yaml = "route:\n  receiver: default\nreceivers:\n  - name: default\nusers:\n  - name: a\nteams:\n  - name: shop\n    members: [a]\n"
            + "escalation_policies:\n  - name: shop\n    levels: [{targets: [{user: a}]}]\n"
            + "services:\n  - name: a\n    team: shop\n  - name: b\n    team: shop\n    escalation_policy: shop\n"
            + "  - name: c\n    team: shop\n    escalation_policy: nope\n";

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "svc.yml")).Errors);

        Assert.Equal("svc.yml:21:24: service \"c\" names escalation policy \"nope\", which is not defined under \"escalation_policies\"", error.ToString());
    }

    [Fact]
    public void Duplicate_policy_names_are_an_error()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(
            Head + "escalation_policies:\n  - name: shop\n    levels: [{targets: [{user: a}]}]\n  - name: shop\n    levels: [{targets: [{user: a}]}]\n",
            "vigil.yml"));
        Assert.Contains(ex.Errors, e => e.Message.Contains("duplicate escalation policy name \"shop\"", StringComparison.Ordinal) && e.Line == Head.Count(c => c == '\n') + 4);
    }
}
