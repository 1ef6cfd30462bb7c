using Vigil.Core.Config;

namespace Vigil.Core.Tests.Config;

/// <summary>
/// Label names in the config follow Prometheus' rule, as Alertmanager requires ("invalid label name … in group_by
/// list"); a review found every one of these loading, <c>~</c> becoming a label named "~".
/// </summary>
public class LabelNameConfigTests
{
    private const string Receivers = "receivers:\n  - name: default\n";

    private static IReadOnlyList<ConfigError> Errors(string yaml) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "am.yml")).Errors;

    [Fact]
    public void Group_by_refuses_invalid_and_null_label_names_at_their_entry()
    {
        var errors = Errors("route:\n  receiver: default\n  group_by: [alert-name, ~, 'service ', null]\n" + Receivers);

        Assert.Equal([(3, 14), (3, 26), (3, 29), (3, 41)], errors.Select(e => (e.Line, e.Column)));
        Assert.Equal("invalid label name in \"group_by\": \"alert-name\" is invalid: it must match [a-zA-Z_][a-zA-Z0-9_]*", errors[0].Message);
        Assert.Contains("\"group_by\" contains a null entry", errors[1].Message);
        Assert.Contains("\"service \" is invalid", errors[2].Message);
        Assert.Contains("\"group_by\" contains a null entry", errors[3].Message);
    }

    [Fact]
    public void Group_by_all_labels_stays_allowed()
    {
        var config = ConfigLoader.Parse("route:\n  receiver: default\n  routes:\n    - group_by: ['...']\n      receiver: default\n" + Receivers, "am.yml");

        Assert.True(config.Route.Routes[0].GroupByAll);
    }

    [Fact]
    public void Matchers_refuse_a_label_name_alerts_cannot_carry()
    {
        var error = Assert.Single(Errors("route:\n  receiver: default\n  routes:\n    - matchers: ['alert-name=\"x\"']\n" + Receivers));

        Assert.Equal((4, 18), (error.Line, error.Column));
        Assert.Equal("invalid matcher in \"matchers\": label name \"alert-name\" is invalid: it must match [a-zA-Z_][a-zA-Z0-9_]*", error.Message);
    }

    [Fact]
    public void Legacy_match_refuses_an_invalid_label_name_at_the_key()
    {
        var errors = Errors("route:\n  receiver: default\n  routes:\n    - match: {\"bad label\": x, ~: y}\n      match_re:\n        job-name: '.*'\n" + Receivers);

        Assert.Equal([(4, 15), (4, 31), (6, 9)], errors.Select(e => (e.Line, e.Column)));
        Assert.Contains("invalid label name in \"match\": \"bad label\" is invalid", errors[0].Message);
        Assert.Contains("invalid label name in \"match\": \"\" is invalid", errors[1].Message);
        Assert.Contains("invalid label name in \"match_re\": \"job-name\" is invalid", errors[2].Message);
    }

    [Fact]
    public void Inhibit_rules_refuse_invalid_names_in_equal_and_matchers()
    {
        var errors = Errors("route:\n  receiver: default\n" + Receivers + """
            inhibit_rules:
              - source_matchers: ['severity="critical"', '{team-name="db"}']
                target_matchers: ['severity="warning"']
                equal: [cluster-id, null, cluster]
            """);

        Assert.Equal([(6, 46), (8, 13), (8, 25)], errors.Select(e => (e.Line, e.Column)));
        Assert.Contains("label name \"team-name\" is invalid", errors[0].Message);
        Assert.Contains("invalid label name in \"equal\": \"cluster-id\" is invalid", errors[1].Message);
        Assert.Contains("\"equal\" contains a null entry", errors[2].Message);
    }

    [Fact]
    public void Valid_names_load_as_before()
    {
        var config = ConfigLoader.Parse("route:\n  receiver: default\n  group_by: [alertname, _private, Service2]\n"
            + "  routes:\n    - matchers: ['__name__=\"up\"', 'job=~\"api|web\"']\n      match: {severity: critical}\n      receiver: default\n"
            + Receivers + "inhibit_rules:\n  - source_matchers: ['a=\"1\"']\n    target_matchers: ['b=\"2\"']\n    equal: [cluster]\n", "am.yml");

        Assert.Equal(["Service2", "_private", "alertname"], config.Route.GroupBy.Order(StringComparer.Ordinal));
        Assert.Equal(3, config.Route.Routes[0].Matchers.Count);
        Assert.Equal(["cluster"], Assert.Single(config.InhibitRules).Equal);
    }

    [Fact]
    public void Other_string_lists_refuse_null_entries_too()
    {
        var error = Assert.Single(Errors("route:\n  receiver: default\n" + Receivers + "slos:\n  files: [~]\n"));

        Assert.Equal((6, 11), (error.Line, error.Column));
        Assert.Contains("\"slos.files\" contains a null entry", error.Message);
    }
}
