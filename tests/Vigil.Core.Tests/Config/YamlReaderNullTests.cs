using Vigil.Core.Config;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Tests.Config;

/// <summary>
/// YAML 1.2's null (plain <c>~</c>, <c>null</c>, <c>Null</c>, <c>NULL</c>, nothing) is a key left out, as Alertmanager
/// reads it, and an error where a value must be given; it was read as the text "~" ("invalid duration \"~\"", a
/// receiver named "~", a smarthost "NULL").
/// </summary>
public class YamlReaderNullTests
{
    private const string Receivers = "receivers:\n  - name: default\n";

    private static VigilConfig Load(string yaml) => ConfigLoader.Parse(yaml, "vigil.yml");

    private static ConfigError SingleError(string yaml) =>
        Assert.Single(Assert.Throws<ConfigException>(() => Load(yaml)).Errors);

    [Theory]
    [InlineData("~")]
    [InlineData("null")]
    [InlineData("Null")]
    [InlineData("NULL")]
    [InlineData("")]
    [InlineData("!!null ~")]
    public void A_null_setting_reads_as_the_key_left_out(string none)
    {
        var config = Load($"""
            global:
              resolve_timeout: {none}
              smtp_from: {none}
              smtp_smarthost: {none}
            route:
              receiver: default
              group_wait: {none}
              routes:
                - receiver: {none}
                  matchers: ['team="db"']
                  continue: {none}
            incidents:
              reopen_window: {none}
            {Receivers}
            """);

        Assert.Equal(VigilConfig.DefaultResolveTimeout, config.ResolveTimeout);
        Assert.Null(config.Smtp.From);
        Assert.Null(config.Smtp.SmartHost);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Route.GroupWait);
        var child = Assert.Single(config.Route.Routes);
        Assert.Equal("default", child.Receiver);
        Assert.False(child.Continue);
        Assert.Equal(VigilConfig.DefaultReopenWindow, config.ReopenWindow);
    }

    [Theory]
    [InlineData("\"~\"")]
    [InlineData("'null'")]
    [InlineData("!!str ~")]
    public void A_quoted_or_string_tagged_null_is_text(string text)
    {
        var config = Load($"route:\n  receiver: {text}\nreceivers:\n  - name: {text}\n");

        Assert.Equal(text.Contains('~', StringComparison.Ordinal) ? "~" : "null", Assert.Single(config.Receivers).Name);
    }

    [Fact]
    public void A_required_setting_given_as_null_is_the_error_for_it_missing()
    {
        var error = SingleError("route:\n  receiver: default\nreceivers:\n  - name: default\n  - name: ~\n");

        Assert.Equal((5, 5), (error.Line, error.Column));
        Assert.Equal("receiver has no \"name\"", error.Message);
    }

    [Fact]
    public void The_root_routes_receiver_given_as_null_is_the_error_for_it_missing()
    {
        var error = SingleError("route:\n  receiver: ~\n" + Receivers);

        Assert.Equal("the root route has no receiver; every alert must have somewhere to go", error.Message);
    }

    [Fact]
    public void A_null_where_a_value_must_be_given_is_an_error_at_its_line()
    {
        var error = SingleError("route:\n  receiver: default\n  routes:\n    - match: {severity: ~}\n" + Receivers);

        Assert.Equal((4, 25), (error.Line, error.Column));
        Assert.Equal("\"match\" has no value (~, null or nothing); give one, or quote it (\"~\") if that text is meant", error.Message);
    }

    [Fact]
    public void An_openslo_services_empty_spec_is_still_an_empty_spec_and_a_null_description_is_none()
    {
        var catalog = OpenSloCatalog.Parse("""
            apiVersion: openslo/v1
            kind: Service
            metadata:
              name: api
            spec:
            ---
            apiVersion: openslo/v1
            kind: Service
            metadata:
              name: web
              displayName: ~
            spec:
              description: ~
            """, "services.yaml");

        Assert.Empty(catalog.Errors);
        Assert.All(catalog.Objects.Cast<Service>(), s => Assert.Null(s.Description));
        Assert.All(catalog.Objects, o => Assert.Null(o.Metadata.DisplayName));
    }

    [Fact]
    public void An_openslo_slos_null_spec_is_an_error_at_it()
    {
        var catalog = OpenSloCatalog.Parse("apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: a\nspec: ~\n", "slo.yaml");

        var error = Assert.Single(catalog.Errors);
        Assert.Equal((5, 7), (error.Line, error.Column));
        Assert.Equal("the spec of the SLO is empty", error.Message);
    }
}
