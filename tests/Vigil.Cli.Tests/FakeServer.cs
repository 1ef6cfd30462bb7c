using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vigil.Cli.Tests;

public sealed record RecordedRequest(string Method, string Path, string Query, string? Authorization, string? ContentType, string Body);

/// <summary>A tiny HTTP server on 127.0.0.1 (random port) that records requests and answers with canned JSON.</summary>
public sealed class FakeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (int Status, string Body, string ContentType)> _responses = new();

    private FakeServer(WebApplication app) => _app = app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public string Url { get; private set; } = "";

    public RecordedRequest Single() => Assert.Single(Requests);

    public static async Task<FakeServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Url = app.Urls.Single();
        return server;
    }

    /// <summary>Answers <paramref name="method"/> <paramref name="path"/> (without query string) with this status and body.</summary>
    public FakeServer On(string method, string path, int status, string body = "", string contentType = "application/json")
    {
        _responses[method + " " + path] = (status, body, contentType);
        return this;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var path = context.Request.Path.Value ?? "";
        Requests.Enqueue(new RecordedRequest(context.Request.Method, path, context.Request.QueryString.Value ?? "",
            context.Request.Headers.Authorization.ToString() is { Length: > 0 } auth ? auth : null, context.Request.ContentType, body));
        if (!_responses.TryGetValue(context.Request.Method + " " + path, out var response))
        {
            response = (404, """{"title":"Not Found","status":404,"detail":"no canned answer"}""", "application/problem+json");
        }
        context.Response.StatusCode = response.Status;
        if (response.Body.Length > 0)
        {
            context.Response.ContentType = response.ContentType;
            await context.Response.WriteAsync(response.Body);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
