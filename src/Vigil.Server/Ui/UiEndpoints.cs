using System.Collections.Concurrent;
using Microsoft.AspNetCore.StaticFiles;

namespace Vigil.Server.Ui;

/// <summary>
/// Serves the web UI, which is embedded in this assembly (plain HTML/CSS/ES modules, no build step — see
/// docs/decisions/001-web-ui-stack.md). The UI talks to the same public API as the CLI.
/// </summary>
public static class UiEndpoints
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private static readonly ConcurrentDictionary<string, byte[]?> Cache = new(StringComparer.Ordinal);

    public static void MapUi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext context) => Serve(context, "index.html"));
        // A catch-all has the lowest route precedence, so every API route wins over it.
        app.MapGet("/{**path}", (HttpContext context, string path) => Serve(context, path));
    }

    private static IResult NotFound(string path) => Api.Problems.NotFound($"Nothing at /{path}.");

    private static IResult Serve(HttpContext context, string path)
    {
        if (path.Contains("..", StringComparison.Ordinal))
        {
            return NotFound(path);
        }
        var bytes = Cache.GetOrAdd(path, static p =>
        {
            using var stream = typeof(UiEndpoints).Assembly.GetManifestResourceStream("wwwroot/" + p);
            if (stream is null)
            {
                return null;
            }
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            return memory.ToArray();
        });
        if (bytes is null)
        {
            return NotFound(path);
        }
        if (!ContentTypes.TryGetContentType(path, out var contentType))
        {
            contentType = "application/octet-stream";
        }
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        return Results.Bytes(bytes, contentType);
    }
}
