using System.Text.Json;
using Vigil.Core.Security;
using Vigil.Server.Auth;
using Vigil.Server.Pipeline;

namespace Vigil.Server.Api.Native;

/// <summary>GET /api/v1/stream: Server-Sent Events telling live clients (the UI) that incidents or alerts changed.</summary>
public static class StreamEndpoint
{
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void MapStream(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/stream", StreamAsync).RequireRole(Role.Viewer);

    private static async Task StreamAsync(HttpContext context, ChangeFeed feed, IHostApplicationLifetime lifetime, TokenAuthenticator authenticator,
        StreamSlots slots)
    {
        var actor = context.GetActor();
        using var slot = slots.TryTake(actor?.TokenId ?? actor?.Name ?? "anonymous", out var refusal);
        if (slot is null)
        {
            context.Response.Headers.RetryAfter = "30";
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many event streams", detail: refusal)
                .ExecuteAsync(context);
            return;
        }
        // The token is checked again before everything the stream sends: one revoked while the stream is open (the UI
        // keeps it open for hours) must end it, not keep delivering changes.
        var secret = AuthenticationMiddleware.ReadSecret(context.Request);
        async Task<bool> StillAllowedAsync(CancellationToken ct) => secret is null || await authenticator.AuthenticateAsync(secret, ct) is not null;
        var response = context.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var reader = feed.Subscribe(out var subscription);
        using var _ = subscription;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var ct = cts.Token;
        try
        {
            await response.WriteAsync(": connected\n\n", ct);
            await response.Body.FlushAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(KeepAlive);
                ChangeSignal? first = null;
                try
                {
                    first = await reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    if (!await StillAllowedAsync(ct))
                    {
                        return;
                    }
                    await response.WriteAsync(": keep-alive\n\n", ct);
                    await response.Body.FlushAsync(ct);
                    continue;
                }
                // Bursts of ingest become one event per quarter second, not one per batch.
                await Task.Delay(Coalesce, ct);
                var ids = new HashSet<long>(first.Incidents);
                var at = first.At;
                while (reader.TryRead(out var more))
                {
                    ids.UnionWith(more.Incidents);
                    at = more.At;
                }
                if (!await StillAllowedAsync(ct))
                {
                    return;
                }
                var data = JsonSerializer.Serialize(new ChangedEvent([.. ids], at), NativeJson.Default.ChangedEvent);
                await response.WriteAsync($"event: changed\ndata: {data}\n\n", ct);
                await response.Body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or the server is stopping.
        }
        catch (IOException)
        {
        }
    }
}
