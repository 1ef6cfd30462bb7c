using System.Net.Http.Headers;
using System.Text.Json;
using Vigil.Core.Config;

namespace Vigil.Server.Metrics;

/// <summary>A failed Prometheus request, with a message fit for the sources status.</summary>
public sealed class PrometheusQueryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One GET against Prometheus' HTTP API: every way it can fail — unreachable, too slow, not a Prometheus answer, an
/// answer of the wrong shape or larger than <see cref="MaxResponseBytes"/>, a query error — becomes a
/// <see cref="PrometheusQueryException"/> with a message an operator can act on; a success hands its <c>data</c>
/// element to the caller. Shared by the metric sources, the SLO reader and <c>vigil slo</c>.
/// </summary>
public static class PrometheusApi
{
    /// <summary>The largest answer read (64 MiB: ~2 million samples of a range query). The whole answer is parsed in
    /// memory, so a runaway query (every series of a large Prometheus) must fail on its own, not take the server's
    /// memory with it.</summary>
    public const int MaxResponseBytes = 64 << 20;

    /// <param name="describeQuery">How a query error names the query, e.g. "query" or "the good query sum(...)".</param>
    /// <param name="auth">Credentials for a Prometheus behind authentication (a metric source's <c>http_config</c>);
    /// a secret file is read at each request, so a rotated password or token is used without a reload.</param>
    public static async Task<T> GetAsync<T>(
        HttpClient http, Uri server, string pathAndQuery, string describeQuery, Func<JsonElement, T> read, CancellationToken ct,
        HttpAuth? auth = null)
    {
        var url = new Uri(new Uri(server.ToString().TrimEnd('/') + "/"), pathAndQuery);
        var (code, body) = await ExchangeAsync(http, url, server, Authorization(auth), ct);
        if (code is 401 or 403)
        {
            // An authenticating proxy or Prometheus' own web config answers this without a Prometheus API response.
            throw new PrometheusQueryException(auth is null
                ? $"Prometheus at {server} answered HTTP {code}: it needs credentials (a metric source takes them in its http_config: basic_auth, or authorization for a token)"
                : $"Prometheus at {server} answered HTTP {code}: the credentials in the source's http_config were refused");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new PrometheusQueryException($"{server} answered HTTP {code} without a Prometheus API response (is it a Prometheus server?)");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var status))
            {
                throw new PrometheusQueryException($"{server} answered HTTP {code} without a Prometheus API response");
            }
            try
            {
                if (status.GetString() != "success")
                {
                    var type = root.TryGetProperty("errorType", out var t) ? t.ToString() : "error";
                    var error = root.TryGetProperty("error", out var e) ? e.ToString() : "unknown error";
                    throw new PrometheusQueryException($"{describeQuery} failed ({type}): {error}");
                }
                return read(root.GetProperty("data"));
            }
            catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException or ArgumentException or FormatException)
            {
                // JsonElement's accessors throw these when a field is missing or of another JSON type: a proxy's or
                // another TSDB's answer that is almost, but not, Prometheus'.
                throw new PrometheusQueryException($"{server} answered HTTP {code} with a malformed Prometheus API response ({ex.Message})", ex);
            }
        }
    }

    /// <summary>The status code and body of one GET. The body is read as it comes, so that a too large one stops
    /// early; HttpClient's own timeout then covers only the headers, so the same limit is applied to the whole
    /// exchange here.</summary>
    private static async Task<(int Code, byte[] Body)> ExchangeAsync(HttpClient http, Uri url, Uri server, AuthenticationHeaderValue? authorization, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(http.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = authorization;
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return ((int)response.StatusCode, await ReadBoundedAsync(response, server, timeout.Token));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new PrometheusQueryException($"cannot reach Prometheus at {server}: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new PrometheusQueryException($"Prometheus at {server} did not answer within {http.Timeout.TotalSeconds:0} s", ex);
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, Uri server, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw TooLarge(server);
        }
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > MaxResponseBytes)
            {
                throw TooLarge(server);
            }
            body.Write(buffer, 0, read);
        }
        return body.ToArray();
    }

    /// <summary>The Authorization header of <paramref name="auth"/>, its secret file read now.</summary>
    private static AuthenticationHeaderValue? Authorization(HttpAuth? auth)
    {
        try
        {
            return auth?.AuthorizationHeader();
        }
        catch (SecretFileException ex)
        {
            // The message names the file, not the secret.
            throw new PrometheusQueryException(ex.Message, ex);
        }
    }

    private static PrometheusQueryException TooLarge(Uri server) =>
        new($"{server} answered more than {MaxResponseBytes >> 20} MiB; narrow the query (fewer series) or, for a range, its step");
}
