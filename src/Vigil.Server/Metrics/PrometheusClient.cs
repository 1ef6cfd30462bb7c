using System.Globalization;
using System.Text.Json;
using Vigil.Core.Config;

namespace Vigil.Server.Metrics;

/// <summary>A failed Prometheus request, with a message fit for the sources status.</summary>
public sealed class PrometheusQueryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads a PromQL query from Prometheus' HTTP API (<c>/api/v1/query</c> and <c>/api/v1/query_range</c>) into
/// samples. Each result series becomes a Vigil series: its <c>__name__</c> (or, for expressions without one, the
/// source's name) and its other labels.
/// </summary>
public sealed class PrometheusClient(HttpClient http)
{
    public Task<List<MetricSample>> QueryAsync(MetricSourceConfig source, DateTimeOffset at, CancellationToken ct) =>
        GetAsync(source, "api/v1/query", $"query={Uri.EscapeDataString(source.Query)}&time={Seconds(at)}", ct);

    public Task<List<MetricSample>> QueryRangeAsync(MetricSourceConfig source, DateTimeOffset start, DateTimeOffset end, CancellationToken ct) =>
        GetAsync(source, "api/v1/query_range",
            $"query={Uri.EscapeDataString(source.Query)}&start={Seconds(start)}&end={Seconds(end)}&step={source.Step.TotalSeconds.ToString(CultureInfo.InvariantCulture)}", ct);

    private static string Seconds(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private async Task<List<MetricSample>> GetAsync(MetricSourceConfig source, string path, string query, CancellationToken ct)
    {
        var url = new Uri(new Uri(source.Url.ToString().TrimEnd('/') + "/"), path + "?" + query);
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(url, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new PrometheusQueryException($"cannot reach Prometheus at {source.Url}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new PrometheusQueryException($"Prometheus at {source.Url} did not answer within {http.Timeout.TotalSeconds:0} s", ex);
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
                throw new PrometheusQueryException($"{path} answered HTTP {(int)response.StatusCode} without a Prometheus API response (is {source.Url} a Prometheus server?)");
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var status))
                {
                    throw new PrometheusQueryException($"{path} answered HTTP {(int)response.StatusCode} without a Prometheus API response");
                }
                if (status.GetString() != "success")
                {
                    var type = root.TryGetProperty("errorType", out var t) ? t.GetString() : "error";
                    var error = root.TryGetProperty("error", out var e) ? e.GetString() : "unknown error";
                    throw new PrometheusQueryException($"query failed ({type}): {error}");
                }
                return Samples(root.GetProperty("data"), source.Name);
            }
        }
    }

    private static List<MetricSample> Samples(JsonElement data, string sourceName)
    {
        var samples = new List<MetricSample>();
        var resultType = data.TryGetProperty("resultType", out var rt) ? rt.GetString() : null;
        if (resultType is not ("vector" or "matrix"))
        {
            throw new PrometheusQueryException($"the query returns a {resultType ?? "value of unknown type"}; use an expression that returns an instant vector");
        }
        foreach (var series in data.GetProperty("result").EnumerateArray())
        {
            var name = sourceName;
            var labels = new List<KeyValuePair<string, string>>();
            foreach (var label in series.GetProperty("metric").EnumerateObject())
            {
                if (label.Name == "__name__")
                {
                    name = label.Value.GetString() ?? sourceName;
                }
                else
                {
                    labels.Add(new(label.Name, label.Value.GetString() ?? ""));
                }
            }
            var key = new SeriesKey(name, labels);
            if (series.TryGetProperty("value", out var value))
            {
                samples.Add(Sample(key, value));
            }
            else if (series.TryGetProperty("values", out var values))
            {
                foreach (var v in values.EnumerateArray())
                {
                    samples.Add(Sample(key, v));
                }
            }
        }
        return samples;
    }

    private static MetricSample Sample(SeriesKey key, JsonElement pair)
    {
        var at = DateTime.UnixEpoch.AddTicks((long)Math.Round(pair[0].GetDouble() * TimeSpan.TicksPerSecond));
        // Non-finite values (Prometheus writes "NaN", "+Inf") stay NaN/Inf and are counted and skipped by the ingest.
        var value = MetricBatchParser.ParseNumber(pair[1].GetString() ?? "") ?? double.NaN;
        return new MetricSample(key, at, value);
    }
}
