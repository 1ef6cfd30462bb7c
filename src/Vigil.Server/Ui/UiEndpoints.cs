using System.Collections.Frozen;
using Microsoft.AspNetCore.StaticFiles;

namespace Vigil.Server.Ui;

/// <summary>
/// Serves the web UI, which is embedded in this assembly (plain HTML/CSS/ES modules, no build step — see
/// docs/decisions/001-web-ui-stack.md). The UI talks to the same public API as the CLI.
/// </summary>
public static class UiEndpoints
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    // The UI's files, read once. Not a cache filled by requests: that one kept every path asked for, misses included,
    // and 20,000 requests for made-up 7 KB paths (no token needed) held ~280 MB for good.
    private static readonly Lazy<FrozenDictionary<string, byte[]>> Files = new(LoadFiles);

    /// <summary>
    /// The UI runs only its own scripts and styles (no inline script, no eval), talks only to this server, and may not
    /// be framed — a page framing it could make a signed-in user click Resolve or Revoke (clickjacking). Inline style
    /// attributes are not allowed either: the UI sets styles through the DOM (<c>el.style</c>), which CSP permits.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void MapUi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext context) => Serve(context, "index.html"));
        // A catch-all has the lowest route precedence, so every API route wins over it.
        app.MapGet("/{**path}", (HttpContext context, string path) => Serve(context, path));
    }

    private static IResult NotFound(string path) => Api.Problems.NotFound($"Nothing at /{path}.");

    private static IResult Serve(HttpContext context, string path)
    {
        // Only the embedded files are in the map: no path, ".." included, reaches anything else.
        if (!Files.Value.TryGetValue(path, out var bytes))
        {
            return NotFound(path);
        }
        if (!ContentTypes.TryGetContentType(path, out var contentType))
        {
            contentType = "application/octet-stream";
        }
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        context.Response.Headers.XFrameOptions = "DENY";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Bytes(bytes, contentType);
    }

    private static FrozenDictionary<string, byte[]> LoadFiles()
    {
        const string Prefix = "wwwroot/";
        var assembly = typeof(UiEndpoints).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            files[name[Prefix.Length..]] = memory.ToArray();
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
