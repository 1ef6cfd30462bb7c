using System.Text;
using Vigil.Core.Config;
using Xunit.Abstractions;

namespace Vigil.Core.Tests.Routing;

/// <summary>Route ids among many siblings: each sibling's id is worked out once, not once per later sibling.</summary>
public class RouteIdentityTests(ITestOutputHelper output)
{
    private static string Siblings(int count, Func<int, string> matcher)
    {
        var yaml = new StringBuilder("receivers: [{name: a}]\nroute:\n  receiver: a\n  routes:\n");
        for (var i = 0; i < count; i++)
        {
            yaml.Append("    - {receiver: a, matchers: ['").Append(matcher(i)).Append("']}\n");
        }
        return yaml.ToString();
    }

    [Fact]
    public void Ten_thousand_sibling_routes_cost_each_the_same_not_again_for_every_later_sibling()
    {
        // Each child recomputed the matcher text of every earlier sibling: 50 million texts (and ~10 s) for 10,000.
        // Allocations, unlike timings, do not depend on what else the machine runs.
        const int Count = RouteParser.MaxRoutes;
        var yaml = Siblings(Count, i => $"x=\"{i}\"");

        var before = GC.GetAllocatedBytesForCurrentThread();
        var config = ConfigLoader.Parse(yaml, "vigil.yml");
        var bytesPerRoute = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Count;

        output.WriteLine($"{bytesPerRoute / 1024:F1} KiB allocated per route");
        Assert.Equal(Count, config.Route.Routes.Count);
        Assert.Equal("{}/{x=\"9999\"}", config.Route.Routes[^1].Id);
        Assert.True(bytesPerRoute < 32 * 1024, $"{bytesPerRoute / 1024:F1} KiB allocated per route");
    }

    [Fact]
    public void Siblings_with_the_same_matchers_are_numbered_among_themselves_only()
    {
        var config = ConfigLoader.Parse(Siblings(5, i => i % 2 == 0 ? "team=\"db\"" : $"x=\"{i}\""), "vigil.yml");

        Assert.Equal(
            ["{}/{team=\"db\"}", "{}/{x=\"1\"}", "{}/{team=\"db\"}#2", "{}/{x=\"3\"}", "{}/{team=\"db\"}#3"],
            config.Route.Routes.Select(r => r.Id));
    }
}
