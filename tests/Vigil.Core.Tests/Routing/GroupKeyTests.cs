using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Routing;

public class GroupKeyTests
{
    private static Core.Routing.Route Route(string groupBy) => ParseConfig($"""
        route:
          receiver: default
          group_by: {groupBy}
          routes:
            - matchers: ['team="db"']
        receivers:
          - name: default
        """).Route;

    [Fact]
    public void Group_key_is_route_id_and_group_by_labels()
    {
        var route = Route("[service, alertname]");
        var labels = Labels(("alertname", "HighLatency"), ("service", "checkout"), ("instance", "a:1"));

        Assert.Equal("{}:{alertname=\"HighLatency\", service=\"checkout\"}", route.GroupKey(labels));
        Assert.Equal(Labels(("alertname", "HighLatency"), ("service", "checkout")), route.GroupLabels(labels));
    }

    [Fact]
    public void Alerts_differing_only_in_other_labels_share_a_group()
    {
        var route = Route("[alertname]");

        Assert.Equal(
            route.GroupKey(Labels(("alertname", "A"), ("instance", "1"))),
            route.GroupKey(Labels(("alertname", "A"), ("instance", "2"))));
        Assert.NotEqual(
            route.GroupKey(Labels(("alertname", "A"))),
            route.GroupKey(Labels(("alertname", "B"))));
    }

    [Fact]
    public void Missing_group_by_labels_are_left_out()
    {
        Assert.Equal("{}:{alertname=\"A\"}", Route("[alertname, service]").GroupKey(Labels(("alertname", "A"))));
    }

    [Fact]
    public void Group_by_all_uses_every_label()
    {
        var route = Route("['...']");
        var labels = Labels(("alertname", "A"), ("instance", "1"));

        Assert.True(route.GroupByAll);
        Assert.Equal("{}:{alertname=\"A\", instance=\"1\"}", route.GroupKey(labels));
    }

    [Fact]
    public void Empty_group_by_puts_everything_in_one_group()
    {
        var route = Route("[]");
        Assert.Equal("{}:{}", route.GroupKey(Labels(("alertname", "A"))));
    }

    [Fact]
    public void Child_route_keys_carry_the_child_matcher_path()
    {
        var child = Route("[alertname]").Routes[0];
        Assert.Equal("{}/{team=\"db\"}:{alertname=\"A\"}", child.GroupKey(Labels(("alertname", "A"), ("team", "db"))));
    }
}
