using Vigil.Analytics.Metrics;
using Vigil.Core.Matching;
using Vigil.Core.Security;
using Vigil.Server.Auth;
using Vigil.Server.Metrics;

namespace Vigil.Server.Api.Native;

/// <summary>
/// POST /api/v1/metrics (JSON samples, scored as they arrive) and the read side: polled sources with their status,
/// the series list, and one series with its recent points, expected band, anomalies and forecast.
/// </summary>
public static class MetricsEndpoints
{
    private const int DefaultLimit = 500;
    private const int MaxLimit = 10_000;

    public static void MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/metrics", PostMetrics).RequireRole(Role.Responder);
        app.MapPost("/api/v1/write", PostRemoteWrite).RequireRole(Role.Responder);
        app.MapGet("/api/v1/metrics/sources", ListSources).RequireRole(Role.Viewer);
        app.MapGet("/api/v1/metrics/series", ListSeries).RequireRole(Role.Viewer);
        app.MapGet("/api/v1/metrics/series/{id}", GetSeries).RequireRole(Role.Viewer);
        app.MapPost("/api/v1/metrics/series/{id}/relearn", Relearn).RequireRole(Role.Responder);
        app.MapPost("/api/v1/metrics/relearn", RelearnMatching).RequireRole(Role.Responder);
        app.MapDelete("/api/v1/metrics/series/{id}", DeleteSeries).RequireRole(Role.Admin);
    }

    /// <summary>
    /// Relearns every series matching <c>?match={__name__="checkout_latency",env="prod"}</c> in one commit: after a new
    /// <c>metrics.detectors</c> rule, the series it should take. A match is required (relearning everything is
    /// <c>{__name__=~".+"}</c>, said on purpose).
    /// </summary>
    private static async Task<IResult> RelearnMatching(HttpContext context, MetricIngest ingest)
    {
        var match = context.Request.Query["match"].ToString();
        if (string.IsNullOrWhiteSpace(match))
        {
            return Problems.BadRequest("Say which series to relearn with ?match={__name__=\"name\",label=\"value\"} (every series: {__name__=~\".+\"}).");
        }
        IReadOnlyList<Matcher> matchers;
        try
        {
            matchers = MatcherParser.ParseList(match);
        }
        catch (MatcherException ex)
        {
            return Problems.BadRequest($"Invalid match \"{match}\": {ex.Message}");
        }
        if (matchers.Count == 0)
        {
            return Problems.BadRequest("The match selects no label; relearning every series is {__name__=~\".+\"}.");
        }
        // Prometheus's rule for a selector: a matcher that also matches the empty string (a="", a!="x", a=~".*") matches
        // every series without the label, so a selector made only of such matchers (a negated one on a label the series lack, a bare
        // a=) would relearn everything; everything is said explicitly.
        if (matchers.All(m => m.Matches("")))
        {
            return Problems.BadRequest($"The match \"{match}\" has no matcher that needs a value (each of {string.Join(", ", matchers)} " +
                "also matches a series without the label), so it would relearn every series; name them, or relearn every series with {__name__=~\".+\"}.");
        }
        IReadOnlyList<MetricSeriesState> relearned;
        try
        {
            relearned = await ingest.RelearnAsync(matchers, context.ActorName(), context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.Unavailable(context, typeof(MetricsEndpoints), ex, "Relearning metric series failed", "Metrics unavailable",
                "The series could not be saved; they keep what they learned. Retry later.");
        }
        var detectors = relearned.GroupBy(s => Core.Config.MetricDetectorNames.Of(s.Kind)).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return Results.Json(new MetricsRelearnedDto(relearned.Count, detectors), MetricsJson.Default.MetricsRelearnedDto);
    }

    /// <summary>Forgets a series now: detector, chart, stored state and journal (a series that sends again starts afresh).</summary>
    private static async Task<IResult> DeleteSeries(string id, HttpContext context, MetricIngest ingest)
    {
        try
        {
            return await ingest.DeleteAsync(id, context.ActorName(), context.RequestAborted)
                ? Results.NoContent()
                : UnknownSeries(id);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.Unavailable(context, typeof(MetricsEndpoints), ex, "Deleting a metric series failed", "Metrics unavailable",
                "The series was taken out of memory but is still stored, so a restart restores it; delete it again then.");
        }
    }

    /// <summary>The series forgets what it learned and starts again with the detector the rules give it now.</summary>
    private static async Task<IResult> Relearn(string id, HttpContext context, MetricIngest ingest, TimeProvider time)
    {
        MetricSeriesState? state;
        try
        {
            state = await ingest.RelearnAsync(id, context.ActorName(), context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.Unavailable(context, typeof(MetricsEndpoints), ex, "Relearning a metric series failed", "Metrics unavailable",
                "The series could not be saved; it keeps what it learned. Retry later.");
        }
        if (state is null)
        {
            return UnknownSeries(id);
        }
        lock (state.Gate)
        {
            return Results.Json(Summary(state, ingest.Config, time.GetUtcNow()), MetricsJson.Default.MetricSeriesSummaryDto);
        }
    }

    private static async Task<IResult> PostMetrics(HttpContext context, MetricIngest ingest, ServerSettings settings, TimeProvider time)
    {
        var body = await RequestBody.ReadJsonPushAsync(context, settings.MaxBodyBytes,
            "{\"samples\":[{\"series\":\"name\",\"labels\":{},\"timestamp\":\"RFC 3339 or unix seconds\",\"value\":1.5}]}", "metric samples");
        if (body.Error is not null)
        {
            return body.Error;
        }
        var (samples, errors) = MetricBatchParser.Parse(body.Value, time.GetUtcNow());
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }
        try
        {
            var result = await ingest.IngestAsync(samples, alerting: true, context.RequestAborted, durable: true);
            return Results.Json(result, MetricsJson.Default.MetricsAccepted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.Unavailable(context, typeof(MetricsEndpoints), ex, "Scoring metric samples failed", "Metrics unavailable",
                "The samples could not be saved; retry later.");
        }
    }

    /// <summary>
    /// Prometheus remote write 1.0: <c>remote_write: [{url: http://vigil/api/v1/write, authorization: {credentials: TOKEN}}]</c>.
    /// Answers 200 with the same summary as the JSON push once the samples are scored and committed; a 4xx only for a
    /// body that cannot be read at all (Prometheus drops such a batch rather than retrying it), a 503 when the commit
    /// failed (Prometheus retries).
    /// </summary>
    private static async Task<IResult> PostRemoteWrite(HttpContext context, MetricIngest ingest, ServerSettings settings)
    {
        var request = context.Request;
        if (RequestBody.MediaType(request) != "application/x-protobuf" || (request.ContentType ?? "").Contains("io.prometheus.write.v2", StringComparison.Ordinal))
        {
            return Problems.UnsupportedMediaType($"Content-Type \"{request.ContentType}\" is not supported; send Prometheus remote write 1.0 "
                + "(application/x-protobuf, a prometheus.WriteRequest; with remote write 2.0 senders set protobuf_message: prometheus.WriteRequest).");
        }
        if (!request.Headers.ContentEncoding.ToString().Equals("snappy", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.UnsupportedMediaType($"Content-Encoding \"{request.Headers.ContentEncoding}\" is not supported; remote write bodies are snappy-compressed.");
        }
        var body = await RequestBody.ReadBytesAsync(context, settings.MaxBodyBytes);
        if (body.Error is not null)
        {
            return body.Error;
        }
        if (body.Value!.Length == 0)
        {
            return Problems.BadRequest("The request body is empty; expected a snappy-compressed prometheus.WriteRequest.");
        }
        var parsed = RemoteWriteParser.Parse(body.Value);
        if (parsed.Error is not null)
        {
            return Problems.BadRequest(parsed.Error);
        }
        try
        {
            var result = await ingest.IngestAsync(parsed.Samples, alerting: true, context.RequestAborted, durable: true);
            var reasons = new Dictionary<string, int>(result.Reasons, StringComparer.Ordinal);
            foreach (var (reason, count) in parsed.Skipped)
            {
                reasons[reason] = reasons.GetValueOrDefault(reason) + count;
            }
            return Results.Json(result with { Skipped = result.Skipped + parsed.Skipped.Values.Sum(), Reasons = reasons },
                MetricsJson.Default.MetricsAccepted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.Unavailable(context, typeof(MetricsEndpoints), ex, "Scoring remote-write samples failed", "Metrics unavailable",
                "The samples could not be saved; retry later.");
        }
    }

    private static IResult ListSources(MetricSourcePoller poller) =>
        Results.Json(poller.Statuses.Select(s => s.Snapshot()).Select(s => new MetricSourceDto(s.Name, s.Url, s.Query, s.Interval.TotalSeconds,
            s.State, s.LastSuccess, s.LastErrorAt, s.LastError, s.Note, s.Series, s.LastSamples, s.Polls, s.Failures)).ToList(),
            MetricsJson.Default.ListMetricSourceDto);

    private static IResult ListSeries(HttpContext context, MetricIngest ingest, TimeProvider time)
    {
        var query = context.Request.Query;
        var limit = DefaultLimit;
        if (query["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > MaxLimit))
        {
            return Problems.BadRequest($"limit \"{limitText}\" must be a whole number from 1 to {MaxLimit}.");
        }
        var name = query["name"].ToString();
        IReadOnlyList<Matcher> matchers = [];
        if (query["match"].ToString() is { Length: > 0 } match)
        {
            try
            {
                matchers = MatcherParser.ParseList(match);
            }
            catch (MatcherException ex)
            {
                return Problems.BadRequest($"Invalid match \"{match}\": {ex.Message} (a selector such as {{service=\"checkout\",__name__=~\"http_.*\"}}).");
            }
        }
        var now = time.GetUtcNow();
        // Anomalous series first, then by name: the list is a triage view.
        var matching = ingest.Series.Where(s => (name.Length == 0 || s.Key.Name == name) && (matchers.Count == 0 || matchers.MatchesAll(s.Key.ToLabelSet()))).ToList();
        var series = matching.Select(s => LockedSummary(s, ingest.Config, now))
            .OrderByDescending(s => s.Anomalous).ThenBy(s => s.Text, StringComparer.Ordinal)
            .Take(limit).ToList();
        return Results.Json(new MetricSeriesListDto(ingest.Config.Threshold, matching.Count, ingest.SuppressedAlerts, series),
            MetricsJson.Default.MetricSeriesListDto);
    }

    private static IResult GetSeries(string id, MetricIngest ingest, TimeProvider time)
    {
        if (ingest.Find(id) is not { } state)
        {
            return UnknownSeries(id);
        }
        MetricPoint[] points;
        (DateTime[], double[])? hourly;
        int period;
        MetricSeriesSummaryDto summary;
        double recentAlerts, scoreNeeded;
        lock (state.Gate)
        {
            points = state.Points.ToArray();
            hourly = state.Hourly?.ToSeries();
            period = state.Detector.SeasonalPeriod;
            summary = Summary(state, ingest.Config, time.GetUtcNow());
            recentAlerts = state.Detector.RecentAlerts;
            scoreNeeded = state.Detector.ScoreNeeded(summary.Threshold);
        }
        var threshold = summary.Threshold;
        var rule = state.CapacityRule(ingest.Config);
        var dtos = points.Select(p => Point(p, threshold)).ToList();
        return Results.Json(new MetricSeriesDetailDto(summary, threshold, period, dtos, Forecast(points, hourly, rule), Hourly(hourly, rule), recentAlerts, scoreNeeded),
            MetricsJson.Default.MetricSeriesDetailDto);
    }

    private static HourlyMeansDto? Hourly((DateTime[] Times, double[] Values)? hourly, Core.Config.CapacityRule? rule)
    {
        if (rule is null || hourly is not { } means || means.Values.Length == 0)
        {
            return null;
        }
        var points = means.Times.Zip(means.Values, (t, v) => new HourlyPointDto(Utc(t), v)).ToList();
        var forecast = SeriesForecast.PredictHourly(means.Times, means.Values, rule.Horizon);
        return new HourlyMeansDto(points, forecast is null ? null : new MetricForecastDto(forecast.Model.Describe(), forecast.IntervalLevel, Cone(forecast), null));
    }

    private static MetricForecastDto? Forecast(MetricPoint[] points, (DateTime[], double[])? hourly, Core.Config.CapacityRule? rule)
    {
        Forecast? forecast;
        try
        {
            forecast = SeriesForecast.Predict(points);
        }
        catch (ArgumentException)
        {
            return null;
        }
        if (forecast is null)
        {
            return null;
        }
        CapacityDto? capacity = null;
        if (rule is not null)
        {
            var past = SeriesForecast.PastSince(points, rule);
            var crossing = past is null ? SeriesForecast.CapacityCrossingOf(points, hourly, rule) : null;
            capacity = new CapacityDto(rule.Threshold, rule.Horizon.TotalSeconds, crossing is { } c ? Utc(c.Point.Timestamp) : null,
                past is { } p ? Utc(p) : null, rule.Falling ? "falling" : "rising", crossing?.Basis);
        }
        return new MetricForecastDto(forecast.Model.Describe(), forecast.IntervalLevel, Cone(forecast), capacity);
    }

    private static List<ForecastPointDto> Cone(Forecast forecast) =>
        [.. forecast.Points.Where(p => double.IsFinite(p.Value) && double.IsFinite(p.Lower) && double.IsFinite(p.Upper))
            .Select(p => new ForecastPointDto(Utc(p.Timestamp), p.Value, p.Lower, p.Upper))];

    private static MetricSeriesSummaryDto LockedSummary(MetricSeriesState s, Core.Config.MetricsConfig config, DateTimeOffset now)
    {
        lock (s.Gate)
        {
            return Summary(s, config, now);
        }
    }

    /// <summary>The caller holds the series' gate: a push may be writing the points and alert timers read here.</summary>
    private static MetricSeriesSummaryDto Summary(MetricSeriesState s, Core.Config.MetricsConfig config, DateTimeOffset now)
    {
        var last = s.Points.Last;
        return new MetricSeriesSummaryDto(s.Key.Id, s.Key.Name, s.Key.Labels, s.Key.Canonical, s.Detector.Samples, s.Points.Count,
            last is { } l ? Utc(l.Timestamp) : null, last?.Value, last?.Score, last?.Signal.ToString(), s.Anomalies,
            s.LastAnomaly is { } a ? Utc(a.Timestamp) : null, s.LastAnomaly?.Signal.ToString(), s.AnomalySentAt is { } sent && now - sent < MetricAlerts.HoldFor,
            Core.Config.MetricDetectorNames.Of(s.Kind), s.Threshold(config));
    }

    private static MetricPointDto Point(MetricPoint p, double threshold)
    {
        var banded = p.Signal != AnomalySignal.Warmup && float.IsFinite(p.Expected) && float.IsFinite(p.Lower) && float.IsFinite(p.Upper);
        return new MetricPointDto(Utc(p.Timestamp), p.Value, p.Score, banded ? p.Expected : null, banded ? p.Lower : null, banded ? p.Upper : null,
            p.Signal.ToString(), p.IsAnomaly(threshold));
    }

    private static IResult UnknownSeries(string id) => Problems.NotFound($"No metric series \"{id}\"; GET /api/v1/metrics/series lists them.");

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
