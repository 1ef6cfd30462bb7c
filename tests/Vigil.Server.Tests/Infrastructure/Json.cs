using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vigil.Server.Tests.Infrastructure;

public static class Http
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("null JSON");
    }

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} → {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static async Task PostOkAsync(this HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} → {(int)response.StatusCode}: {text}");
    }

    /// <summary>Alerts in the shape Prometheus posts them.</summary>
    public static object[] Alerts(params (string Name, string Instance)[] alerts) =>
        alerts.Select(a => (object)new
        {
            labels = new Dictionary<string, string> { ["alertname"] = a.Name, ["instance"] = a.Instance, ["severity"] = "critical" },
            annotations = new Dictionary<string, string> { ["summary"] = $"{a.Name} on {a.Instance}" },
            generatorURL = "http://prometheus/graph",
        }).ToArray();
}
