using System.Text.Json;
using Vigil.Core.Slo.Budget;
using Vigil.Core.Slo.Evaluation;
using Vigil.Server.Metrics;

namespace Vigil.Server.Slo;

/// <summary>Minutes read from Prometheus: the counts of each minute that had data, the requests it took, and why data was missing.</summary>
/// <param name="Note">Set when a query returned no series at all, so its minutes have no data (shown in the SLO's status).</param>
public sealed record SliReading(IReadOnlyDictionary<long, EventCounts> Minutes, int Requests, string? Note);

/// <summary>
/// Reads a <see cref="PrometheusSli"/> from Prometheus' <c>/api/v1/query_range</c>, one point per minute (step 60 s):
/// the value at the end of minute M (time (M + 1) × 60 s) describes minute M. Long ranges (a backfill) are cut into
/// chunks of at most <see cref="MaxPoints"/> points, Prometheus' limit per series.
/// </summary>
public sealed class PrometheusSliReader(HttpClient http)
{
    /// <summary>Prometheus refuses a query_range with more than 11,000 points per series.</summary>
    public const int MaxPoints = 11_000;

    /// <summary>Reads minutes <paramref name="from"/> to <paramref name="to"/> (inclusive). Throws <see cref="PrometheusQueryException"/> on any failure.</summary>
    public async Task<SliReading> ReadAsync(PrometheusSli sli, long from, long to, CancellationToken ct)
    {
        var part = new Dictionary<long, double>();
        var total = new Dictionary<long, double>();
        bool partSeries = false, totalSeries = false;
        var requests = 0;
        for (var start = from; start <= to; start += MaxPoints)
        {
            var end = Math.Min(to, start + MaxPoints - 1);
            var partTask = RangeAsync(sli, sli.Part, PartName(sli), start, end, part, ct);
            var totalTask = sli.Total is { } t ? RangeAsync(sli, t, "total", start, end, total, ct) : Task.FromResult(false);
            requests += sli.Total is null ? 1 : 2;
            // Both requests run at once; WhenAll observes both, so a failure of one never leaves the other unobserved.
            await Task.WhenAll(partTask, totalTask);
            partSeries |= await partTask;
            totalSeries |= await totalTask;
        }
        var minutes = new Dictionary<long, EventCounts>();
        for (var minute = from; minute <= to; minute++)
        {
            var counts = sli.Counts(part.TryGetValue(minute, out var p) ? p : null, total.TryGetValue(minute, out var t) ? t : null);
            if (counts.HasData)
            {
                minutes[minute] = counts;
            }
        }
        string? note = null;
        if (sli.Total is not null && !totalSeries)
        {
            note = "the total query returned no series: those minutes have no data";
        }
        else if (!partSeries && sli.Kind != PrometheusSliKind.BadTotal)
        {
            note = $"the {PartName(sli)} query returned no series: those minutes have no data";
        }
        return new SliReading(minutes, requests, note);
    }

    private static string PartName(PrometheusSli sli) => sli.Kind switch
    {
        PrometheusSliKind.GoodTotal => "good",
        PrometheusSliKind.BadTotal => "bad",
        PrometheusSliKind.Threshold => "threshold",
        _ => "raw",
    };

    /// <summary>Reads one query into <paramref name="values"/> by minute (several series combined); true when it returned any series.</summary>
    private Task<bool> RangeAsync(PrometheusSli sli, MinuteQuery query, string what, long from, long to, Dictionary<long, double> values, CancellationToken ct) =>
        PrometheusApi.GetAsync(http, query.Url,
            $"api/v1/query_range?query={Uri.EscapeDataString(query.Expression)}&start={(from + 1) * 60}&end={(to + 1) * 60}&step=60",
            $"the {what} query {query.Expression}", data => Read(sli, query, data, values), ct);

    private static bool Read(PrometheusSli sli, MinuteQuery query, JsonElement data, Dictionary<long, double> values)
    {
        if (data.TryGetProperty("resultType", out var type) && type.GetString() != "matrix")
        {
            throw new PrometheusQueryException($"the query {query.Expression} returns a {type.GetString()}, not a series of values over time");
        }
        var byMinute = new Dictionary<long, List<double>>();
        var any = false;
        foreach (var series in data.GetProperty("result").EnumerateArray())
        {
            any = true;
            foreach (var pair in series.GetProperty("values").EnumerateArray())
            {
                var minute = (long)Math.Round(pair[0].GetDouble()) / 60 - 1;
                var value = MetricBatchParser.ParseNumber(pair[1].GetString() ?? "") ?? double.NaN;
                if (!byMinute.TryGetValue(minute, out var list))
                {
                    byMinute[minute] = list = [];
                }
                list.Add(value);
            }
        }
        foreach (var (minute, list) in byMinute)
        {
            var combined = sli.Combine(list);
            if (double.IsFinite(combined))
            {
                values[minute] = combined;
            }
        }
        return any;
    }
}
