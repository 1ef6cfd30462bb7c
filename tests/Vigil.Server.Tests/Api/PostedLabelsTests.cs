using System.Text.Json;
using Vigil.Server.Api.Alertmanager;

namespace Vigil.Server.Tests.Api;

public sealed class PostedLabelsTests
{
    private static PostedLabels? Read(string json) =>
        JsonSerializer.Deserialize<List<PostableAlert>>($$"""[{"labels": {{json}}}]""", AlertmanagerJson.Default.ListPostableAlert)![0].Labels;

    [Fact]
    public void Reads_names_and_values_in_order_with_escapes_long_values_and_nulls()
    {
        var longValue = new string('é', 500);
        var labels = Read($$"""{"alertname":"Disk\"Full\u00e9","big":"{{longValue}}","empty":"","gone":null}""")!;
        Assert.Equal(
            [new("alertname", "Disk\"Fullé"), new("big", longValue), new("empty", ""), new KeyValuePair<string, string?>("gone", null)],
            labels.Pairs.ToArray());
    }

    [Fact]
    public void A_later_duplicate_name_wins_even_in_a_flood()
    {
        Assert.Equal([new KeyValuePair<string, string?>("a", "2")], Read("""{"a":"1","a":"2"}""")!.Pairs.ToArray());
        var flood = "{" + string.Join(",", Enumerable.Range(0, 100).Select(i => $"\"l{i % 50}\":\"{i}\"")) + "}";
        var pairs = Read(flood)!.Pairs.ToArray();
        Assert.Equal(50, pairs.Length);
        Assert.Equal("99", pairs.Single(p => p.Key == "l49").Value);
    }

    [Fact]
    public void Equal_strings_from_different_requests_are_one_instance()
    {
        var first = Read("""{"severity":"critical"}""")!.Pairs[0];
        var second = Read("""{"severity":"critical"}""")!.Pairs[0];
        Assert.Same(first.Key, second.Key);
        Assert.Same(first.Value, second.Value);
    }

    [Theory]
    [InlineData("""{"a":1}""", "\"a\" must be a string")]
    [InlineData("""{"a":{"b":"c"}}""", "\"a\" must be a string")]
    [InlineData("""["a"]""", "expected an object")]
    public void Wrong_shapes_are_refused_with_what_is_wrong(string json, string message)
    {
        var error = Assert.Throws<JsonException>(() => Read(json));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Null(Read("null"));
    }
}
