using System.Text.Json.Nodes;

namespace Vigil.Server.Tests.Infrastructure;

/// <summary>
/// Checks a body against Alertmanager's webhook payload v4 as documented
/// (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config): exactly these keys, these types.
/// </summary>
public static class WebhookV4
{
    private static readonly string[] TopKeys =
        ["version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels", "commonLabels", "commonAnnotations", "externalURL", "alerts"];

    private static readonly string[] AlertKeys = ["status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"];

    public static void AssertValid(JsonNode body)
    {
        var top = Assert.IsType<JsonObject>(body);
        Assert.Equal(TopKeys.Order(), top.Select(p => p.Key).Order());
        Assert.Equal("4", top["version"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(top["groupKey"]!.GetValue<string>()));
        Assert.True(top["truncatedAlerts"]!.GetValue<int>() >= 0);
        Assert.Contains(top["status"]!.GetValue<string>(), new[] { "firing", "resolved" });
        Assert.False(string.IsNullOrEmpty(top["receiver"]!.GetValue<string>()));
        foreach (var map in new[] { "groupLabels", "commonLabels", "commonAnnotations" })
        {
            AssertStringMap(top[map]);
        }
        Assert.True(Uri.IsWellFormedUriString(top["externalURL"]!.GetValue<string>(), UriKind.Absolute));
        foreach (var alert in Assert.IsType<JsonArray>(top["alerts"]))
        {
            var a = Assert.IsType<JsonObject>(alert);
            Assert.Equal(AlertKeys.Order(), a.Select(p => p.Key).Order());
            Assert.Contains(a["status"]!.GetValue<string>(), new[] { "firing", "resolved" });
            AssertStringMap(a["labels"]);
            AssertStringMap(a["annotations"]);
            Assert.True(DateTimeOffset.TryParse(a["startsAt"]!.GetValue<string>(), out _));
            Assert.True(DateTimeOffset.TryParse(a["endsAt"]!.GetValue<string>(), out _));
            Assert.NotNull(a["generatorURL"]!.GetValue<string>());
            Assert.Matches("^[0-9a-f]{16}$", a["fingerprint"]!.GetValue<string>());
        }
    }

    private static void AssertStringMap(JsonNode? node)
    {
        foreach (var (_, value) in Assert.IsType<JsonObject>(node))
        {
            Assert.NotNull(value!.GetValue<string>());
        }
    }
}
