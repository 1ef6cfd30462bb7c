using Vigil.Core.Security;
using Vigil.Server.Api.Native;
using Vigil.Server.Auth;
using Vigil.Server.Logs;

namespace Vigil.Server.Api.Loki;

/// <summary>
/// Loki's push API (<c>POST /loki/api/v1/push</c>), JSON form, so agents that already ship to Loki can ship to Vigil:
/// Vector's <c>loki</c> sink (with <c>compression = "none"</c>) and Fluent Bit's <c>loki</c> output send JSON.
/// Promtail and Grafana Alloy only send snappy-compressed protobuf, which is answered 415 with that explanation.
/// </summary>
public static class LokiPushEndpoint
{
    public static void MapLokiPush(this IEndpointRouteBuilder app) =>
        app.MapPost("/loki/api/v1/push", Push).RequireRole(Role.Responder);

    private static async Task<IResult> Push(HttpContext context, LogIngest ingest, ServerSettings settings)
    {
        var kind = RequestBody.MediaType(context.Request);
        if (kind == "application/x-protobuf")
        {
            return Problems.UnsupportedMediaType(
                "Loki's protobuf (snappy) push format is not supported; send the JSON form with Content-Type: application/json "
                + "(Vector: loki sink with compression = \"none\"; Fluent Bit: loki output). Promtail and Grafana Alloy only send protobuf.");
        }
        if (kind != "application/json")
        {
            return Problems.UnsupportedMediaType($"Content-Type \"{context.Request.ContentType}\" is not supported; send application/json.");
        }
        var body = await RequestBody.ReadPushAsync(context, settings.MaxBodyBytes, "a Loki push (streams of values)");
        if (body.Error is not null)
        {
            return body.Error;
        }
        var (batch, error) = LogBatchParser.ParseLoki(body.Value);
        return await LogsEndpoints.IngestAsync(context, ingest, batch, error);
    }
}
