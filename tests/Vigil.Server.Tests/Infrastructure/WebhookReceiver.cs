using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Vigil.Server.Tests.Infrastructure;

/// <summary>
/// A real HTTP receiver (Kestrel on a loopback port) that records every POST it gets and answers with the next status
/// code from a script (then 200). Stands in for an Alertmanager webhook receiver, Slack, Teams or a chat robot.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Answer> _script = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<Received> Requests { get; } = new();

    public Uri Address { get; private set; } = null!;

    /// <summary>Runs before each request is answered (e.g. to move a fake clock: a slow receiver).</summary>
    public Func<Task>? BeforeAnswer { get; set; }

    public sealed record Received(string Path, string Query, string? Authorization, JsonNode Body);

    /// <summary>A scripted answer: a status, optionally a body (else a chat robot's "ok" for 200) and headers;
    /// <paramref name="Endless"/>: the body is sent again and again until the client goes away.</summary>
    public sealed record Answer(int Status, string? Body = null, IReadOnlyDictionary<string, string>? Headers = null, bool Endless = false);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = JsonNode.Parse(await reader.ReadToEndAsync())!;
            receiver.Requests.Enqueue(new Received(context.Request.Path, context.Request.QueryString.Value ?? "",
                context.Request.Headers.Authorization.FirstOrDefault(), body));
            if (receiver.BeforeAnswer is { } before)
            {
                await before();
            }
            var answer = receiver._script.TryDequeue(out var next) ? next : new Answer(200);
            foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }
            var text = answer.Body ?? (answer.Status == 200 ? "{\"errcode\":0,\"code\":0}" : "upstream says no");
            if (answer.Endless)
            {
                await SendEndlesslyAsync(context, answer.Status, text);
                return Results.Empty;
            }
            return Results.Text(text, "application/json", statusCode: answer.Status);
        });
        await app.StartAsync();
        receiver.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    private static async Task SendEndlesslyAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain";
        var chunk = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(text, 1 + (8192 / Math.Max(1, text.Length)))));
        try
        {
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client stopped reading and went away: the point of the answer.
        }
    }

    /// <summary>The next requests are answered with these status codes, in order.</summary>
    public void AnswerWith(params int[] statuses)
    {
        AnswerWith(statuses.Select(status => new Answer(status)).ToArray());
    }

    /// <summary>The next requests get these answers, in order.</summary>
    public void AnswerWith(params Answer[] answers)
    {
        foreach (var answer in answers)
        {
            _script.Enqueue(answer);
        }
    }

    /// <summary>Forgets the scripted answers: every request gets 200 from now on.</summary>
    public void AnswerOk() => _script.Clear();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
