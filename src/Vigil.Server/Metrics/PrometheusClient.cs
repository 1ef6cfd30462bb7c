using System.Globalization;
using System.Text.Json;
using Vigil.Core.Config;

namespace Vigil.Server.Metrics;

/// <summary>
/// Reads a PromQL query from Prometheus' HTTP API (<c>/api/v1/query</c> and <c>/api/v1/query_range</c>) into
/// samples. Each result series becomes a Vigil series: its <c>__name__</c> (or, for expressions without one, the
/// source's name) and its other labels. A series the push endpoints would refuse (a NUL or a value over 1,024
/// characters, more than 32 labels) is left out and counted: stored, such a label would fail every checkpoint of its
/// series on PostgreSQL.
/// </summary>
public sealed class PrometheusClient(HttpClient http)
{
    public Task<PolledSamples> QueryAsync(MetricSourceConfig source, DateTimeOffset at, CancellationToken ct) =>
        GetAsync(source, "api/v1/query", $"query={Uri.EscapeDataString(source.Query)}&time={Seconds(at)}", ct);

    public Task<PolledSamples> QueryRangeAsync(MetricSourceConfig source, DateTimeOffset start, DateTimeOffset end, CancellationToken ct) =>
        GetAsync(source, "api/v1/query_range",
            $"query={Uri.EscapeDataString(source.Query)}&start={Seconds(start)}&end={Seconds(end)}&step={source.Step.TotalSeconds.ToString(CultureInfo.InvariantCulture)}", ct);

    private static string Seconds(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private Task<PolledSamples> GetAsync(MetricSourceConfig source, string path, string query, CancellationToken ct) =>
        PrometheusApi.GetAsync(http, source.Url, path + "?" + query, "query", data => Samples(data, source.Name), ct, source.Auth);

    private static PolledSamples Samples(JsonElement data, string sourceName)
    {
        var samples = new List<MetricSample>();
        var (returned, invalid) = (0, 0);
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
            returned++;
            if (MetricBatchParser.CheckSeries(name, labels) is not null)
            {
                invalid++;
                continue;
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
        return new PolledSamples(samples, returned, invalid);
    }

    private static MetricSample Sample(SeriesKey key, JsonElement pair)
    {
        var at = DateTime.UnixEpoch.AddTicks((long)Math.Round(pair[0].GetDouble() * TimeSpan.TicksPerSecond));
        // Non-finite values (Prometheus writes "NaN", "+Inf") stay NaN/Inf and are counted and skipped by the ingest.
        var value = MetricBatchParser.ParseNumber(pair[1].GetString() ?? "") ?? double.NaN;
        return new MetricSample(key, at, value);
    }
}

/// <summary>What one query answered: the samples of its valid series, how many series it returned, and how many of
/// those were left out (see <see cref="PrometheusClient"/>).</summary>
public sealed record PolledSamples(List<MetricSample> Samples, int Series, int InvalidSeries);
