using Vigil.Core.LogPatterns;
using Vigil.Core.Security;
using Vigil.Core.Store;
using Vigil.Server.Auth;
using Vigil.Server.Logs;

namespace Vigil.Server.Api.Native;

/// <summary>
/// POST /api/v1/logs (newline-delimited text or JSON lines) and the read side of log mining: sources, templates with
/// per-minute counts for sparklines, one template with its example lines.
/// </summary>
public static class LogsEndpoints
{
    /// <summary>Minutes of per-minute counts returned with each template (the sparkline).</summary>
    public const int SparklineMinutes = 60;

    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static void MapLogs(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/logs", PostLogs).RequireRole(Role.Responder);
        app.MapGet("/api/v1/logs/sources", ListSources).RequireRole(Role.Viewer);
        app.MapDelete("/api/v1/logs/sources/{name}", DeleteSource).RequireRole(Role.Admin);
        app.MapGet("/api/v1/logs/templates", ListTemplates).RequireRole(Role.Viewer);
        app.MapGet("/api/v1/logs/templates/{source}/{id:long}", GetTemplate).RequireRole(Role.Viewer);
    }

    private static async Task<IResult> PostLogs(HttpContext context, LogIngest ingest, ServerSettings settings)
    {
        var request = context.Request;
        var kind = RequestBody.MediaType(request);
        if (kind is not ("text/plain" or "application/x-ndjson" or "application/jsonl" or "application/jsonlines" or "application/json"))
        {
            return Problems.UnsupportedMediaType(
                $"Content-Type \"{request.ContentType}\" is not supported; send text/plain (one line per message, ?source=...&service=...) "
                + "or application/x-ndjson (one JSON object per line).");
        }
        var body = await RequestBody.ReadPushAsync(context, settings.MaxBodyBytes, "log lines");
        if (body.Error is not null)
        {
            return body.Error;
        }
        var source = request.Query["source"].ToString() is { Length: > 0 } s ? s : null;
        var service = request.Query["service"].ToString() is { Length: > 0 } v ? v : null;
        var (batch, error) = kind == "text/plain"
            ? LogBatchParser.ParseText(body.Value, source, service)
            : LogBatchParser.ParseNdjson(body.Value, source, service);
        return await IngestAsync(context, ingest, batch, error);
    }

    internal static async Task<IResult> IngestAsync(HttpContext context, LogIngest ingest, LogBatch? batch, string? error)
    {
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }
        try
        {
            var result = await ingest.IngestAsync(batch!, context.RequestAborted);
            return Results.Json(result, LogsJson.Default.LogsAccepted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.Unavailable(context, typeof(LogsEndpoints), ex, "Storing log lines failed", "Storage unavailable",
                "The log lines could not be stored; nothing was acknowledged. Retry later.");
        }
    }

    private static async Task<IResult> ListSources(IVigilStore store, CancellationToken ct)
    {
        var sources = await store.ListLogSourcesAsync(ct);
        return Results.Json(sources.Select(s => new LogSourceDto(s.Source, s.Templates, s.Lines, s.UpdatedAt)).ToList(),
            LogsJson.Default.ListLogSourceDto);
    }

    /// <summary>Forgets one source at once (row, templates, counts, miner), audited: a misconfigured sender's label need
    /// not hold a <c>logs.max_sources</c> place until <c>logs.source_ttl</c>.</summary>
    private static async Task<IResult> DeleteSource(string name, HttpContext context, LogIngest ingest)
    {
        try
        {
            return await ingest.DeleteAsync(name, context.ActorName(), context.RequestAborted)
                ? Results.NoContent()
                : Problems.NotFound($"No log source \"{name}\"; GET /api/v1/logs/sources lists them.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Problems.Unavailable(context, typeof(LogsEndpoints), ex, "Deleting a log source failed", "Storage unavailable",
                "The log source could not be deleted; it is still mined and stored. Retry later.");
        }
    }

    private static async Task<IResult> ListTemplates(HttpContext context, IVigilStore store, TimeProvider time, CancellationToken ct)
    {
        var query = context.Request.Query;
        var source = query["source"].ToString();
        if (source.Length == 0)
        {
            return Problems.BadRequest("Query parameter \"source\" is required; GET /api/v1/logs/sources lists them.");
        }
        var sort = query["sort"].ToString() is { Length: > 0 } s ? s : "newest";
        LogTemplateOrder? order = sort switch
        {
            "newest" => LogTemplateOrder.Newest,
            "rarest" => LogTemplateOrder.Rarest,
            "count" => LogTemplateOrder.Count,
            _ => null,
        };
        if (order is null)
        {
            return Problems.BadRequest($"sort \"{sort}\" is unknown; use newest, rarest or count.");
        }
        var limit = DefaultLimit;
        if (query["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > MaxLimit))
        {
            return Problems.BadRequest($"limit \"{limitText}\" must be a whole number from 1 to {MaxLimit}.");
        }
        if (!(await store.ListLogSourcesAsync(ct)).Any(x => x.Source == source))
        {
            return Problems.NotFound($"No log source \"{source}\"; GET /api/v1/logs/sources lists them.");
        }
        var templates = await store.ListLogTemplatesAsync(source, order.Value, limit, ct);
        var (first, end) = Window(time);
        var counts = (await store.ListLogCountsAsync(source, first, null, ct)).ToLookup(c => c.TemplateId);
        var dtos = templates.Select(t => new LogTemplateDto(t.Id, t.Template, t.Level, t.Service, LogLevels.Classify(t.Level, t.Template) != ErrorLook.None,
            t.Count, t.FirstSeen, t.LastSeen, Series(counts[t.Id], first))).ToList();
        return Results.Json(new LogTemplateListDto(source, sort, SparklineMinutes, end, dtos), LogsJson.Default.LogTemplateListDto);
    }

    private static async Task<IResult> GetTemplate(string source, long id, IVigilStore store, TimeProvider time, CancellationToken ct)
    {
        if (await store.GetLogTemplateAsync(source, id, ct) is not { } t)
        {
            return Problems.NotFound($"No template {id} in log source \"{source}\" (it may have been merged into another template).");
        }
        var (first, end) = Window(time);
        var counts = await store.ListLogCountsAsync(source, first, id, ct);
        return Results.Json(new LogTemplateDetailDto(source, t.Id, t.Template, t.Tokens, t.Level, t.Service,
            LogLevels.Classify(t.Level, t.Template) != ErrorLook.None, t.Count, t.FirstSeen, t.LastSeen, t.Examples,
            SparklineMinutes, end, Series(counts, first)), LogsJson.Default.LogTemplateDetailDto);
    }

    private static (long FirstMinute, DateTimeOffset End) Window(TimeProvider time)
    {
        var now = MinuteSeries.MinuteOf(time.GetUtcNow());
        return (now - SparklineMinutes + 1, DateTimeOffset.FromUnixTimeSeconds(now * 60));
    }

    private static long[] Series(IEnumerable<LogMinuteCount> counts, long firstMinute)
    {
        var series = new long[SparklineMinutes];
        foreach (var c in counts)
        {
            var i = c.Minute - firstMinute;
            if (i is >= 0 and < SparklineMinutes)
            {
                series[i] += c.Count;
            }
        }
        return series;
    }
}
