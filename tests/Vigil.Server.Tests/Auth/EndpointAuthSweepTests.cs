using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Server.Tests.Infrastructure;

namespace Vigil.Server.Tests.Auth;

/// <summary>
/// Every endpoint the server maps, found at run time (so a new one is checked without being listed here): without a
/// token it answers 401, and every one that writes answers 403 to a viewer token — before it reads a body or touches
/// anything. The only endpoints open without a bearer token are listed below with why.
/// </summary>
public sealed partial class EndpointAuthSweepTests : IAsyncLifetime
{
    /// <summary>Open on purpose: health checks for load balancers, and the PagerDuty Events API, which authenticates
    /// each event by its routing key as PagerDuty does (PagerDutyEventsTests).</summary>
    private static readonly HashSet<string> Public = new(StringComparer.Ordinal)
    {
        "GET /-/healthy", "HEAD /-/healthy", "GET /-/ready", "HEAD /-/ready", "POST /v2/enqueue", "POST /v2/change/enqueue",
    };

    private static readonly string[] WritingMethods = ["POST", "PUT", "PATCH", "DELETE"];

    private RunningVigil _vigil = null!;

    public async Task InitializeAsync() => _vigil = await RunningVigil.StartAsync(Backend.Sqlite);

    public async Task DisposeAsync() => await _vigil.DisposeAsync();

    [Fact]
    public async Task Every_endpoint_but_the_public_ones_needs_a_token_and_every_write_more_than_a_viewer()
    {
        var endpoints = Endpoints();
        Assert.True(endpoints.Count > 60, $"only {endpoints.Count} endpoints found: is the discovery broken?");
        Assert.Subset(endpoints.Select(e => $"{e.Method} {e.Pattern}").ToHashSet(), Public);
        using var anonymous = _vigil.NewClient(null);
        using var viewer = _vigil.NewClient(await _vigil.IssueTokenAsync("sweep-viewer", "viewer"));
        var wrong = new List<string>();

        foreach (var (method, pattern) in endpoints)
        {
            var key = $"{method} {pattern}";
            var path = RouteParameter().Replace(pattern, m => m.Groups["type"].Success ? "1" : "x");
            if (!Public.Contains(key))
            {
                using var noToken = await SendAsync(anonymous, method, path);
                if (noToken.StatusCode != HttpStatusCode.Unauthorized)
                {
                    wrong.Add($"{key}: {(int)noToken.StatusCode} without a token, expected 401");
                }
            }
            if (WritingMethods.Contains(method) && !Public.Contains(key))
            {
                using var asViewer = await SendAsync(viewer, method, path);
                if (asViewer.StatusCode != HttpStatusCode.Forbidden)
                {
                    wrong.Add($"{key}: {(int)asViewer.StatusCode} for a viewer token, expected 403");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    /// <summary>A body that would be valid JSON for most writes: refused for who sends it, not for what.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (WritingMethods.Contains(method))
        {
            request.Content = Http.Json("{}");
        }
        return await client.SendAsync(request);
    }

    /// <summary>Each method of each route, but the web UI's (the embedded files, open like any static site).</summary>
    private List<(string Method, string Pattern)> Endpoints() =>
        [.. _vigil.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodInfo>()?.DeclaringType?.Namespace?.StartsWith("Vigil.Server.Ui", StringComparison.Ordinal) != true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (Method: m, Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct()
            .OrderBy(e => e.Pattern, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)];

    /// <summary>A route parameter, with its type constraint if any (<c>{id:long}</c> needs a number to match).</summary>
    [GeneratedRegex(@"\{\*{0,2}(?<name>[a-zA-Z]+)(?<type>:[a-z]+)?\}")]
    private static partial Regex RouteParameter();
}
