using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Routing;

public class RouteMatchTests
{
    private static readonly Core.Routing.Route Root = ParseConfig("""
        route:
          receiver: default
          routes:
            - matchers: ['team="db"']
              receiver: db
              routes:
                - matchers: ['severity="critical"']
                  receiver: db-pager
            - matchers: ['severity="critical"']
              receiver: pager
              continue: true
            - matchers: ['severity=~"critical|error"']
              receiver: tickets
            - matchers: ['severity="critical"']
              receiver: never
        receivers:
          - name: default
          - name: db
          - name: db-pager
          - name: pager
          - name: tickets
          - name: never
        """).Route;

    private static string[] Receivers(params (string, string)[] labels) =>
        Root.Match(Labels(labels)).Select(r => r.Receiver).ToArray();

    [Fact]
    public void Alert_matching_no_child_goes_to_the_root()
    {
        Assert.Equal(["default"], Receivers(("alertname", "X")));
    }

    [Fact]
    public void First_matching_child_wins()
    {
        Assert.Equal(["db"], Receivers(("team", "db"), ("severity", "warning")));
    }

    [Fact]
    public void Matching_is_depth_first_and_returns_leaves()
    {
        Assert.Equal(["db-pager"], Receivers(("team", "db"), ("severity", "critical")));
        Assert.Equal("""{}/{team="db"}/{severity="critical"}""", Root.Match(Labels(("team", "db"), ("severity", "critical"))).Single().Id);
    }

    [Fact]
    public void Continue_lets_later_siblings_match_too()
    {
        // pager has continue: true, tickets does not, so "never" is not reached.
        Assert.Equal(["pager", "tickets"], Receivers(("severity", "critical")));
    }

    [Fact]
    public void Without_continue_matching_stops_at_the_first_child()
    {
        Assert.Equal(["tickets"], Receivers(("severity", "error")));
    }

    [Fact]
    public void Node_whose_own_matchers_fail_matches_nothing()
    {
        Assert.Empty(Root.Routes[0].Match(Labels(("team", "web"))));
    }

    [Fact]
    public void Find_locates_routes_by_id()
    {
        Assert.Equal("db-pager", Root.Find("""{}/{team="db"}/{severity="critical"}""")?.Receiver);
        Assert.Null(Root.Find("""{}/{team="web"}"""));
        Assert.Equal(6, Root.All().Count());
    }

    [Fact]
    public void Siblings_with_the_same_matchers_are_told_apart_by_their_occurrence()
    {
        Assert.Equal(("""{}/{severity="critical"}""", """{}/{severity="critical"}#2"""), (Root.Routes[1].Id, Root.Routes[3].Id));
        Assert.Equal(("pager", "never"), (Root.Find(Root.Routes[1].Id)?.Receiver, Root.Find(Root.Routes[3].Id)?.Receiver));
    }

    [Fact]
    public void A_route_id_does_not_depend_on_other_siblings_or_on_the_order_of_its_matchers()
    {
        var reordered = ParseConfig("""
            route:
              receiver: default
              routes:
                - matchers: ['severity="critical"']
                  receiver: pager
                - matchers: ['team="web"']
                  receiver: web
                - match: {team: db, env: prod}
                  receiver: db
            receivers:
              - name: default
              - name: pager
              - name: web
              - name: db
            """).Route;

        Assert.Equal("""{}/{severity="critical"}""", reordered.Routes[0].Id);
        Assert.Equal("""{}/{env="prod",team="db"}""", reordered.Routes[2].Id);
    }
}
