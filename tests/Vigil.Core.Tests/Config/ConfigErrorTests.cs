using Vigil.Core.Config;

namespace Vigil.Core.Tests.Config;

public class ConfigErrorTests
{
    private static ConfigError SingleError(string yaml)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "am.yml"));
        return Assert.Single(ex.Errors);
    }

    private const string Receivers = "receivers:\n  - name: default\n";

    [Fact]
    public void Unknown_key_is_reported_at_the_key()
    {
        var error = SingleError("route:\n  receiver: default\n  group_wiat: 10s\n" + Receivers);

        Assert.Equal(("am.yml", 3, 3), (error.File, error.Line, error.Column));
        Assert.Contains("unknown key \"group_wiat\"", error.Message);
        Assert.StartsWith("am.yml:3:3: unknown key", error.ToString());
    }

    [Fact]
    public void Unknown_top_level_key_is_an_error()
    {
        var error = SingleError("route:\n  receiver: default\n" + Receivers + "recievers: []\n");
        Assert.Equal(5, error.Line);
    }

    [Fact]
    public void Bad_duration_names_the_value_and_key()
    {
        var error = SingleError("route:\n  receiver: default\n  group_wait: 5 minutes\n" + Receivers);

        Assert.Equal((3, 15), (error.Line, error.Column));
        Assert.Contains("invalid duration \"5 minutes\" for \"group_wait\"", error.Message);
    }

    [Fact]
    public void Zero_group_interval_is_rejected()
    {
        var error = SingleError("route:\n  receiver: default\n  group_interval: 0s\n" + Receivers);
        Assert.Contains("group_interval", error.Message);
    }

    [Fact]
    public void Invalid_matcher_is_reported_at_the_list_entry()
    {
        var error = SingleError("route:\n  receiver: default\n  routes:\n    - matchers: ['severity']\n" + Receivers);

        Assert.Equal((4, 18), (error.Line, error.Column));
        Assert.Contains("invalid matcher", error.Message);
    }

    [Fact]
    public void Invalid_regex_is_reported_with_position()
    {
        var error = SingleError("route:\n  receiver: default\n  routes:\n    - match_re:\n        job: '(api'\n" + Receivers);

        Assert.Equal(5, error.Line);
        Assert.Contains("invalid regular expression", error.Message);
    }

    [Fact]
    public void Regex_the_linear_time_engine_refuses_is_reported_with_position()
    {
        var route = SingleError("route:\n  receiver: default\n  routes:\n    - match_re:\n        job: '(?=api)api'\n" + Receivers);
        var inhibit = SingleError("route:\n  receiver: default\n" + Receivers +
            "inhibit_rules:\n  - source_matchers: ['job=~\"(a)\\\\1\"']\n    target_matchers: ['severity=\"warning\"']\n");

        Assert.Equal(("am.yml", 5), (route.File, route.Line));
        Assert.Contains("unsupported regular expression for label \"job\"", route.Message);
        Assert.Equal(("am.yml", 6), (inhibit.File, inhibit.Line));
        Assert.Contains("unsupported regular expression for label \"job\"", inhibit.Message);
    }

    [Fact]
    public void Route_referencing_an_undefined_receiver_is_an_error()
    {
        var error = SingleError("route:\n  receiver: default\n  routes:\n    - receiver: pager\n" + Receivers);

        Assert.Equal((4, 17), (error.Line, error.Column));
        Assert.Contains("receiver \"pager\"", error.Message);
    }

    [Fact]
    public void Root_route_without_receiver_is_an_error()
    {
        var error = SingleError("route:\n  group_by: [alertname]\n" + Receivers);

        Assert.Equal(2, error.Line);
        Assert.Contains("root route has no receiver", error.Message);
    }

    [Fact]
    public void Root_route_with_matchers_is_an_error()
    {
        var error = SingleError("route:\n  receiver: default\n  matchers: ['a=\"b\"']\n" + Receivers);

        Assert.Equal(3, error.Line);
        Assert.Contains("root route must not have matchers", error.Message);
    }

    [Fact]
    public void Duplicate_receiver_names_are_an_error()
    {
        var error = SingleError("route:\n  receiver: default\n" + Receivers + "  - name: default\n");

        Assert.Equal(5, error.Line);
        Assert.Contains("duplicate receiver name \"default\"", error.Message);
    }

    [Fact]
    public void Missing_route_is_an_error()
    {
        var error = SingleError(Receivers);
        Assert.Contains("missing \"route\"", error.Message);
    }

    [Fact]
    public void Empty_file_is_an_error()
    {
        var error = SingleError("");
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Yaml_syntax_error_has_a_position()
    {
        var error = SingleError("route:\n  receiver: [default\n");

        Assert.True(error.Line >= 2);
        Assert.Contains("invalid YAML", error.Message);
        Assert.DoesNotContain("(Line:", error.Message);
    }

    [Fact]
    public void Group_by_cannot_mix_wildcard_and_labels()
    {
        var error = SingleError("route:\n  receiver: default\n  group_by: ['...', alertname]\n" + Receivers);
        Assert.Contains("'...'", error.Message);
    }

    [Fact]
    public void All_errors_are_collected_into_one_exception()
    {
        var yaml = """
            route:
              receiver: nobody
              group_wait: soon
              routes:
                - matchers: ['a=~"("']
                  colour: red
            receivers:
              - name: default
              - name: default
            incidents:
              reopen_window: forever
            """;

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "am.yml"));

        Assert.Equal([2, 3, 5, 6, 9, 11], ex.Errors.Select(e => e.Line).Order());
        Assert.Contains("6 errors", ex.Message);
        foreach (var error in ex.Errors)
        {
            Assert.Contains(error.ToString(), ex.Message);
        }
    }

    [Fact]
    public void Alertmanager_sections_not_implemented_yet_are_accepted()
    {
        var config = ConfigLoader.Parse(
            "templates: ['/etc/am/*.tmpl']\ntracing:\n  endpoint: otel:4317\nroute:\n  receiver: default\n" + Receivers,
            "am.yml");

        Assert.Equal("default", config.Route.Receiver);
    }
}

public class ConfigDuplicateKeyTests
{
    [Fact]
    public void Duplicate_yaml_keys_are_reported_with_position()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("route:\n  receiver: a\n  receiver: b\nreceivers:\n  - name: a\n", "am.yml"));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void A_route_that_contains_itself_through_an_alias_is_an_error_not_a_stack_overflow()
    {
        // The process died of a stack overflow (check-config, serve and a reload alike).
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("route: &r\n  receiver: a\n  routes: [*r]\nreceivers: [{name: a}]\n", "am.yml"));
        var error = Assert.Single(ex.Errors);
        Assert.Equal((3, 12), (error.Line, error.Column));
        Assert.Contains("the alias *r is inside the node &r it repeats", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Routes_nested_more_than_64_levels_deep_are_an_error()
    {
        var yaml = new System.Text.StringBuilder("receivers: [{name: a}]\nroute: ");
        for (var level = 0; level <= Vigil.Core.Config.RouteParser.MaxDepth; level++)
        {
            yaml.Append("{receiver: a, routes: [");
        }
        yaml.Append("{receiver: a}").Insert(yaml.Length, "]}", Vigil.Core.Config.RouteParser.MaxDepth + 1);
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml.ToString(), "am.yml"));
        Assert.Contains($"routes are nested more than {Vigil.Core.Config.RouteParser.MaxDepth} levels deep", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_that_multiply_routes_are_an_error_not_gigabytes()
    {
        // Five levels of nine copies: 9^5 routes (nine levels took gigabytes and minutes; those are now refused when
        // loading the YAML, as aliases repeating more than a million nodes, before any route is read).
        var yaml = new System.Text.StringBuilder("templates:\n  - &r0 {receiver: a}\n");
        for (var level = 1; level <= 5; level++)
        {
            yaml.Append($"  - &r{level} {{receiver: a, routes: [{string.Join(", ", Enumerable.Repeat($"*r{level - 1}", 9))}]}}\n");
        }
        yaml.Append("route: {receiver: a, routes: [*r5]}\nreceivers: [{name: a}]\n");
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml.ToString(), "am.yml"));
        Assert.Contains("more than 10,000 routes", ex.Message, StringComparison.Ordinal);
    }
}
