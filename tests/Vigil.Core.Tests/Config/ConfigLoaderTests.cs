using Vigil.Core.Config;
using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Config;

public class ConfigLoaderTests
{
    private const string Full = """
        global:
          resolve_timeout: 2m
          smtp_smarthost: localhost:25
        route:
          receiver: default
          group_by: [alertname, service]
          group_wait: 10s
          routes:
            - matchers: ['severity="critical"', 'team=~"pay.*"']
              receiver: pager
              group_wait: 5s
              continue: true
              routes:
                - match: {env: prod}
                  repeat_interval: 1h
            - match_re:
                service: 'db|cache'
              receiver: storage
              group_by: ['...']
        inhibit_rules:
          - source_matchers: ['severity="critical"']
            target_matchers: ['severity="warning"']
            equal: [alertname, cluster]
          - source_match: {alertname: NodeDown}
            target_match_re: {alertname: '.*'}
            equal: [instance]
        receivers:
          - name: default
          - name: pager
            webhook_configs:
              - url: http://example.invalid/
          - name: storage
        incidents:
          reopen_window: 30m
        """;

    [Fact]
    public void Parses_a_complete_alertmanager_style_file()
    {
        var config = ParseConfig(Full);

        Assert.Equal(TimeSpan.FromMinutes(2), config.ResolveTimeout);
        Assert.Equal(TimeSpan.FromMinutes(30), config.ReopenWindow);
        Assert.Equal(["default", "pager", "storage"], config.Receivers.Select(r => r.Name));
        Assert.Equal(["webhook_configs"], config.Receivers[1].Integrations);
        Assert.Equal(Full, config.Original);
        Assert.Equal(2, config.InhibitRules.Count);
        Assert.Equal(["alertname", "cluster"], config.InhibitRules[0].Equal);
        Assert.Equal("alertname=\"NodeDown\"", config.InhibitRules[1].SourceMatchers.Single().ToString());
        Assert.Equal("alertname=~\".*\"", config.InhibitRules[1].TargetMatchers.Single().ToString());
    }

    [Fact]
    public void Children_inherit_unset_settings_from_their_parent()
    {
        var root = ParseConfig(Full).Route;
        var pager = root.Routes[0];
        var prod = pager.Routes[0];
        var storage = root.Routes[1];

        Assert.Equal(
            ("{}", """{}/{severity="critical",team=~"pay.*"}""", """{}/{severity="critical",team=~"pay.*"}/{env="prod"}""", """{}/{service=~"db|cache"}"""),
            (root.Id, pager.Id, prod.Id, storage.Id));
        Assert.Equal(TimeSpan.FromSeconds(10), root.GroupWait);
        Assert.Equal(TimeSpan.FromMinutes(5), root.GroupInterval);
        Assert.Equal(TimeSpan.FromHours(4), root.RepeatInterval);
        Assert.Equal("pager", prod.Receiver);
        Assert.Equal(TimeSpan.FromSeconds(5), prod.GroupWait);
        Assert.Equal(TimeSpan.FromHours(1), prod.RepeatInterval);
        Assert.Equal(["alertname", "service"], prod.GroupBy);
        Assert.False(prod.Continue);
        Assert.True(pager.Continue);
        Assert.Equal(2, pager.Matchers.Count);
        Assert.True(storage.GroupByAll);
        Assert.Equal("service=~\"db|cache\"", storage.Matchers.Single().ToString());
        Assert.Equal(TimeSpan.FromSeconds(10), storage.GroupWait);
    }

    [Fact]
    public void Default_config_groups_by_alertname_and_service()
    {
        var config = VigilConfig.Default;

        Assert.Equal("default", config.Route.Receiver);
        Assert.Equal(["alertname", "service"], config.Route.GroupBy);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Route.GroupWait);
        Assert.Equal(TimeSpan.FromMinutes(5), config.Route.GroupInterval);
        Assert.Equal(TimeSpan.FromHours(4), config.Route.RepeatInterval);
        Assert.Equal(TimeSpan.FromHours(1), config.ReopenWindow);
        Assert.Equal(TimeSpan.FromMinutes(5), config.ResolveTimeout);
        Assert.Single(config.Receivers);
    }

    [Fact]
    public void Load_reads_the_file_and_names_it_in_errors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vigil-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, "route:\n  receiver: nobody\n");
        try
        {
            var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));
            Assert.Equal(path, ex.Errors.Single().File);
            Assert.Contains($"{path}:2:13:", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
