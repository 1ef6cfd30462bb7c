using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Core.Security;
using Vigil.Server.Api;
using Vigil.Server.Api.Alertmanager;
using Vigil.Server.Auth;

namespace Vigil.Server.Demo;

/// <summary>GET /api/v1/demo/inbox: what the demo's receivers and people were sent (<see cref="DemoInbox"/>), newest first.</summary>
public static class DemoInboxEndpoints
{
    public static void MapDemoInbox(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/demo/inbox", List).RequireRole(Role.Viewer);

    private static IResult List(HttpContext context, int? limit)
    {
        // Registered only with --demo: a server that is not a demo has no inbox, rather than an empty one.
        if (context.RequestServices.GetService<DemoInbox>() is not { } inbox)
        {
            return Problems.NotFound("The demo inbox exists only while the server runs with --demo.");
        }
        if (limit is < 1 or > DemoInbox.Capacity)
        {
            return Problems.BadRequest($"limit must be between 1 and {DemoInbox.Capacity}.");
        }
        return Results.Json(new DemoInboxDto(DemoInbox.Host, DemoInbox.Capacity, inbox.Latest(limit ?? 100)), DemoInboxJson.Default.DemoInboxDto);
    }
}

public sealed record DemoInboxDto(string Host, int Capacity, IReadOnlyList<DemoInboxMessage> Messages);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(RfcTimeConverter)])]
[JsonSerializable(typeof(DemoInboxDto))]
internal sealed partial class DemoInboxJson : JsonSerializerContext;
