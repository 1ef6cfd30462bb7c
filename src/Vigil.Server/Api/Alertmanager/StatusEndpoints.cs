using Vigil.Core.Security;
using Vigil.Server.Auth;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Api.Alertmanager;

/// <summary>/api/v2/status, /api/v2/receivers and the /-/ management endpoints.</summary>
public static class StatusEndpoints
{
    public static void MapAlertmanagerStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v2/status", (AlertPipeline pipeline, ServerSettings settings) => Results.Json(
            new AlertmanagerStatus(
                new ClusterStatus("disabled", []),
                new ConfigDto(pipeline.Config.Redacted),
                settings.StartedAt,
                new VersionInfo("main", "", "vigil", "dotnet" + Environment.Version, "", VigilVersion.Value)),
            AlertmanagerJson.Default.AlertmanagerStatus)).RequireRole(Role.Viewer);
        app.MapGet("/api/v2/receivers", (AlertPipeline pipeline) => Results.Json(
            pipeline.Config.ReceiverNames.Select(n => new ReceiverName(n)).ToList(),
            AlertmanagerJson.Default.ListReceiverName)).RequireRole(Role.Viewer);
        app.MapMethods("/-/healthy", ["GET", "HEAD"], () => Results.Text("OK"));
        app.MapMethods("/-/ready", ["GET", "HEAD"], () => Results.Text("OK"));
        app.MapPost("/-/reload", async (HttpContext context, AlertPipeline pipeline) =>
        {
            var outcome = await pipeline.ReloadConfigAsync(context.ActorName(), context.RequestAborted);
            return outcome is null
                ? Results.Ok()
                : Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid configuration", detail: outcome);
        }).RequireRole(Role.Admin);
    }
}

public static class VigilVersion
{
    public static readonly string Value = typeof(VigilVersion).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";
}
