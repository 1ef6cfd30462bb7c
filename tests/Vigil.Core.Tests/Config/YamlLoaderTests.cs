using System.Text;
using Vigil.Core.Config;
using Vigil.Core.Slo.OpenSlo;

namespace Vigil.Core.Tests.Config;

/// <summary>
/// YAML nested too deep, an alias inside the node it names, or aliases repeating too much: an error with file and line
/// from every loader. Each one overflowed the stack before, which no catch survives: the test host died with it.
/// </summary>
public sealed class YamlLoaderTests : IDisposable
{
    private const int Levels = 100_000;
    private const string Base = "route: {receiver: a}\nreceivers: [{name: a}]\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-yaml-limits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary><c>[[[…x…]]]</c>, <c>{a: {a: …}}</c> and block lists (<c>- - - x</c>) nested <paramref name="levels"/> deep.</summary>
    public static string Nested(string style, int levels) => style switch
    {
        "flow list" => new string('[', levels) + "x" + new string(']', levels),
        "flow map" => new StringBuilder().Insert(0, "{a: ", levels).Append('x').Append('}', levels).ToString(),
        "block list" => new StringBuilder().Insert(0, "- ", levels).Append("x\n").ToString(),
        _ => throw new ArgumentOutOfRangeException(nameof(style)),
    };

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static ConfigError ConfigError(string yaml) =>
        Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "vigil.yml")).Errors);

    [Theory]
    [InlineData("flow list")]
    [InlineData("flow map")]
    [InlineData("block list")]
    public void A_config_nested_100000_levels_deep_is_an_error_at_the_level_past_the_limit(string style)
    {
        var error = ConfigError(Base + "templates:\n  " + Nested(style, Levels));

        Assert.Equal(("vigil.yml", 4), (error.File, error.Line));
        Assert.Equal($"YAML nested more than {YamlLoader.MaxDepth} levels deep (mappings and lists inside each other); Vigil reads at most {YamlLoader.MaxDepth}",
            error.Message);
    }

    [Fact]
    public void A_config_file_nested_100000_levels_deep_is_an_error_when_loaded_from_disk()
    {
        var path = Write("vigil.yml", Nested("flow list", Levels));

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(path)).Errors);

        Assert.Equal((path, 1, YamlLoader.MaxDepth + 1), (error.File, error.Line, error.Column));
    }

    [Fact]
    public void Nesting_up_to_the_limit_loads_and_one_more_level_does_not()
    {
        Assert.True(YamlLoader.TryLoad(Nested("flow list", YamlLoader.MaxDepth), "a.yml", out _, out _));

        Assert.False(YamlLoader.TryLoad(Nested("flow list", YamlLoader.MaxDepth + 1), "a.yml", out _, out var error));
        Assert.Equal((1, YamlLoader.MaxDepth + 1), (error.Line, error.Column));
    }

    [Fact]
    public void An_openslo_file_nested_100000_levels_deep_is_an_error_of_the_file()
    {
        var catalog = OpenSloCatalog.Parse(Nested("flow map", Levels), "slo.yaml");

        var error = Assert.Single(catalog.Errors);
        Assert.Equal(("slo.yaml", 1), (error.File, error.Line));
        Assert.Contains($"more than {YamlLoader.MaxDepth} levels deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_openslo_file_on_disk_nested_100000_levels_deep_is_an_error_of_the_file()
    {
        var path = Write("slo.yaml", Nested("block list", Levels));

        var error = Assert.Single(OpenSloCatalog.Load([path]).Errors);

        Assert.Equal((path, 1), (error.File, error.Line));
        Assert.Contains($"more than {YamlLoader.MaxDepth} levels deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_slo_file_named_by_the_config_nested_100000_levels_deep_is_a_config_error_in_that_file()
    {
        var slo = Write("deep.yaml", Nested("flow list", Levels));
        var config = Write("vigil.yml", Base + "slos:\n  files: [deep.yaml]\n");

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Load(config)).Errors);

        Assert.Equal((slo, 1), (error.File, error.Line));
        Assert.Contains($"more than {YamlLoader.MaxDepth} levels deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Redacting_text_nested_100000_levels_deep_returns_it_unchanged()
    {
        var text = Nested("flow map", Levels);

        Assert.Same(text, ConfigRedactor.Redact(text));
    }

    [Fact]
    public void An_alias_inside_the_node_it_names_is_an_error_not_an_endless_tree()
    {
        // "templates" is accepted and ignored, so the config loaded; the redacted config (GET /api/v2/status) then
        // walked the cycle until the stack overflowed.
        var error = ConfigError(Base + "templates: &t\n  - x\n  - *t\n");

        Assert.Equal((5, 5), (error.Line, error.Column));
        Assert.Equal("the alias *t is inside the node &t it repeats, which would contain itself without end", error.Message);
    }

    [Fact]
    public void An_alias_cycle_in_an_openslo_metric_source_is_an_error_not_a_stack_overflow()
    {
        const string Sli = """
            apiVersion: openslo/v1
            kind: SLI
            metadata:
              name: api-errors
            spec:
              thresholdMetric:
                metricSource:
                  type: Prometheus
                  spec: &s
                    query: up
                    loop: *s
            """;

        var error = Assert.Single(OpenSloCatalog.Parse(Sli, "sli.yaml").Errors);

        Assert.Equal(11, error.Line);
        Assert.Contains("the alias *s is inside the node &s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_nesting_anchors_past_the_limit_are_an_error_at_the_alias()
    {
        // Each anchor is 200 levels deep and holds the previous one: written depth stays under the limit, the tree does not.
        var yaml = new StringBuilder(Base + "templates:\n");
        yaml.Append("  - &a0 ").Append(Nested("flow list", 200)).Append('\n');
        yaml.Append("  - &a1 ").Append(new string('[', 200)).Append("*a0").Append(new string(']', 200)).Append('\n');

        var error = ConfigError(yaml.ToString());

        Assert.Equal(5, error.Line);
        Assert.Equal($"the alias *a0 nests YAML more than {YamlLoader.MaxDepth} levels deep (mappings and lists inside each other); Vigil reads at most {YamlLoader.MaxDepth}",
            error.Message);
    }

    [Fact]
    public void Aliases_repeating_more_than_a_million_nodes_are_an_error_not_gigabytes()
    {
        // Nine levels of nine copies: 9^9 nodes for every walk over the tree (the redacted config walks all of it).
        var yaml = new StringBuilder(Base + "templates:\n  - &l0 [x]\n");
        for (var level = 1; level <= 9; level++)
        {
            yaml.Append($"  - &l{level} [{string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 9))}]\n");
        }

        var error = ConfigError(yaml.ToString());

        Assert.Equal("YAML aliases repeat more than 1,000,000 nodes (each use of an alias copies the whole node it names); Vigil reads at most 1,000,000",
            error.Message);
    }

    [Fact]
    public void Anchors_and_aliases_within_the_limits_load_as_before()
    {
        var config = ConfigLoader.Parse("""
            templates:
              - &team {receiver: db, matchers: ['team="db"']}
            route:
              receiver: a
              routes: [*team, *team]
            receivers: [{name: a}, {name: db}]
            """, "vigil.yml");

        Assert.Equal(2, config.Route.Routes.Count);
    }
}
