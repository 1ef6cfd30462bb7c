using System.Text.Json;

namespace Vigil.Server.Metrics;

/// <summary>A failed Prometheus request, with a message fit for the sources status.</summary>
public sealed class PrometheusQueryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One GET against Prometheus' HTTP API: every way it can fail — unreachable, too slow, not a Prometheus answer, a
/// query error — becomes a <see cref="PrometheusQueryException"/> with a message an operator can act on; a success
/// hands its <c>data</c> element to the caller. Shared by the metric sources and the SLO reader.
/// </summary>
public static class PrometheusApi
{
    /// <param name="describeQuery">How a query error names the query, e.g. "query" or "the good query sum(...)".</param>
    public static async Task<T> GetAsync<T>(
        HttpClient http, Uri server, string pathAndQuery, string describeQuery, Func<JsonElement, T> read, CancellationToken ct)
    {
        var url = new Uri(new Uri(server.ToString().TrimEnd('/') + "/"), pathAndQuery);
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(url, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new PrometheusQueryException($"cannot reach Prometheus at {server}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new PrometheusQueryException($"Prometheus at {server} did not answer within {http.Timeout.TotalSeconds:0} s", ex);
        }
        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body);
            }
            catch (JsonException)
            {
                throw new PrometheusQueryException($"{server} answered HTTP {(int)response.StatusCode} without a Prometheus API response (is it a Prometheus server?)");
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var status))
                {
                    throw new PrometheusQueryException($"{server} answered HTTP {(int)response.StatusCode} without a Prometheus API response");
                }
                if (status.GetString() != "success")
                {
                    var type = root.TryGetProperty("errorType", out var t) ? t.GetString() : "error";
                    var error = root.TryGetProperty("error", out var e) ? e.GetString() : "unknown error";
                    throw new PrometheusQueryException($"{describeQuery} failed ({type}): {error}");
                }
                return read(root.GetProperty("data"));
            }
        }
    }
}
