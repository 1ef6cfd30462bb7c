using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Vigil.Cli.Api;

/// <summary>Alert filter for <c>GET /api/v2/alerts</c>, sent the way amtool sends it.</summary>
public sealed record AlertQuery(
    IReadOnlyList<string> Filters,
    bool Active = true,
    bool Silenced = false,
    bool Inhibited = false,
    bool Unprocessed = false,
    string? Receiver = null);

/// <summary>Typed client for the Vigil HTTP API (docs/api.md). Every failure becomes a <see cref="CliException"/>.</summary>
public sealed class VigilClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient _http;

    public VigilClient(Uri baseAddress, string? token, HttpMessageHandler? handler = null, TimeSpan? timeout = null)
    {
        BaseAddress = baseAddress;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        // A trailing slash makes relative paths append to a base path (e.g. behind a reverse proxy at /vigil/).
        _http.BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        _http.Timeout = timeout ?? TimeSpan.FromSeconds(30);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("vigil-cli", "1.0"));
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri BaseAddress { get; }

    // ---- Alertmanager v2 ----

    public Task<ApiResponse<List<GettableAlert>>> GetAlertsAsync(AlertQuery query, CancellationToken ct)
    {
        var qs = new QueryString()
            .Add("active", query.Active)
            .AddAll("filter", query.Filters)
            .Add("inhibited", query.Inhibited)
            .Add("receiver", query.Receiver)
            .Add("silenced", query.Silenced)
            .Add("unprocessed", query.Unprocessed);
        return SendAsync<List<GettableAlert>>(HttpMethod.Get, "api/v2/alerts" + qs, null, ct);
    }

    public Task<ApiResponse<List<GettableSilence>>> GetSilencesAsync(CancellationToken ct) =>
        SendAsync<List<GettableSilence>>(HttpMethod.Get, "api/v2/silences", null, ct);

    public Task<ApiResponse<PostSilenceResponse>> CreateSilenceAsync(PostableSilence silence, CancellationToken ct) =>
        SendAsync<PostSilenceResponse>(HttpMethod.Post, "api/v2/silences", silence, ct);

    public Task ExpireSilenceAsync(string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, "api/v2/silence/" + Uri.EscapeDataString(id), null, ct);

    // ---- native /api/v1 ----

    public Task<ApiResponse<List<IncidentSummary>>> GetIncidentsAsync(string? statuses, int? limit, CancellationToken ct)
    {
        var qs = new QueryString().Add("status", statuses).Add("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return SendAsync<List<IncidentSummary>>(HttpMethod.Get, "api/v1/incidents" + qs, null, ct);
    }

    public Task<ApiResponse<IncidentDetail>> GetIncidentAsync(long id, CancellationToken ct) =>
        SendAsync<IncidentDetail>(HttpMethod.Get, $"api/v1/incidents/{id}", null, ct);

    /// <summary>POST /api/v1/incidents/{id}/{action} for acknowledge, unacknowledge, resolve and reopen.</summary>
    public Task<ApiResponse<IncidentDetail>> IncidentActionAsync(long id, string action, string? comment, CancellationToken ct) =>
        SendAsync<IncidentDetail>(HttpMethod.Post, $"api/v1/incidents/{id}/{action}", new CommentRequest(comment), ct);

    public Task<ApiResponse<IncidentDetail>> AddNoteAsync(long id, string text, CancellationToken ct) =>
        SendAsync<IncidentDetail>(HttpMethod.Post, $"api/v1/incidents/{id}/notes", new NoteRequest(text), ct);

    /// <summary>POST /api/v1/incidents/{id}/escalate: page the next level of the escalation policy now.</summary>
    public Task<ApiResponse<EscalationInfo>> EscalateAsync(long id, CancellationToken ct) =>
        SendAsync<EscalationInfo>(HttpMethod.Post, $"api/v1/incidents/{id}/escalate", null, ct);

    /// <summary>POST /api/v1/incidents/{id}/reassign: page one user now; the policy carries on if they do not answer.</summary>
    public Task<ApiResponse<EscalationInfo>> ReassignAsync(long id, string user, CancellationToken ct) =>
        SendAsync<EscalationInfo>(HttpMethod.Post, $"api/v1/incidents/{id}/reassign", new ReassignRequest(user), ct);

    public Task<ApiResponse<List<TokenInfo>>> GetTokensAsync(CancellationToken ct) =>
        SendAsync<List<TokenInfo>>(HttpMethod.Get, "api/v1/tokens", null, ct);

    public Task<ApiResponse<CreatedToken>> CreateTokenAsync(CreateTokenRequest request, CancellationToken ct) =>
        SendAsync<CreatedToken>(HttpMethod.Post, "api/v1/tokens", request, ct);

    public Task<ApiResponse<List<IntegrationInfo>>> GetIntegrationsAsync(CancellationToken ct) =>
        SendAsync<List<IntegrationInfo>>(HttpMethod.Get, "api/v1/integrations", null, ct);

    public Task<ApiResponse<CreatedIntegration>> CreateIntegrationAsync(string name, string service, CancellationToken ct) =>
        SendAsync<CreatedIntegration>(HttpMethod.Post, "api/v1/integrations", new { name, service }, ct);

    public Task RevokeIntegrationAsync(string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, "api/v1/integrations/" + Uri.EscapeDataString(id), null, ct);

    public Task RevokeTokenAsync(string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, "api/v1/tokens/" + Uri.EscapeDataString(id), null, ct);

    public Task<ApiResponse<OnCallNow>> GetOnCallAsync(string? schedule, DateTimeOffset? at, CancellationToken ct)
    {
        var query = new List<string>();
        if (schedule is not null)
        {
            query.Add("schedule=" + Uri.EscapeDataString(schedule));
        }
        if (at is { } t)
        {
            query.Add("at=" + QueryTime(t));
        }
        return SendAsync<OnCallNow>(HttpMethod.Get, "api/v1/oncall" + (query.Count > 0 ? "?" + string.Join("&", query) : ""), null, ct);
    }

    public Task<ApiResponse<FinalScheduleView>> GetFinalScheduleAsync(string schedule, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        SendAsync<FinalScheduleView>(HttpMethod.Get, $"api/v1/schedules/{Uri.EscapeDataString(schedule)}/final?from="
            + QueryTime(from) + "&to=" + QueryTime(to), null, ct);

    /// <summary>POST to api/v1/swaps, api/v1/swaps/take, api/v1/swaps/manager or api/v1/swaps/{id}/accept|cancel.</summary>
    public Task<ApiResponse<SwapView>> PostSwapAsync(string path, SwapBody body, CancellationToken ct) =>
        SendAsync<SwapView>(HttpMethod.Post, path, body, ct);

    public Task<ApiResponse<List<OverrideView>>> GetOverridesAsync(string? schedule, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        SendAsync<List<OverrideView>>(HttpMethod.Get, "api/v1/overrides?from="
            + QueryTime(from) + "&to=" + QueryTime(to)
            + (schedule is null ? "" : "&schedule=" + Uri.EscapeDataString(schedule)), null, ct);

    public Task<ApiResponse<OverrideView>> AddOverrideAsync(OverrideBody body, CancellationToken ct) =>
        SendAsync<OverrideView>(HttpMethod.Post, "api/v1/overrides", body, ct);

    public Task DeleteOverrideAsync(string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, "api/v1/overrides/" + Uri.EscapeDataString(id), null, ct);

    public Task<ApiResponse<FreezeListView>> GetFreezesAsync(CancellationToken ct) =>
        SendAsync<FreezeListView>(HttpMethod.Get, "api/v1/freezes", null, ct);

    public Task<ApiResponse<ServiceFreezeView>> GetFreezeAsync(string service, CancellationToken ct) =>
        SendAsync<ServiceFreezeView>(HttpMethod.Get, $"api/v1/services/{Uri.EscapeDataString(service)}/freeze", null, ct);

    public Task<ApiResponse<FreezeExemptionView>> ExemptAsync(string service, ExemptionRequest request, CancellationToken ct) =>
        SendAsync<FreezeExemptionView>(HttpMethod.Post, $"api/v1/services/{Uri.EscapeDataString(service)}/freeze/exemptions", request, ct);

    public Task RevokeExemptionAsync(string service, string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, $"api/v1/services/{Uri.EscapeDataString(service)}/freeze/exemptions/{Uri.EscapeDataString(id)}", null, ct);

    // ---- plumbing ----

    /// <summary>A time as a query parameter: RFC 3339 in UTC, escaped.</summary>
    private static string QueryTime(DateTimeOffset time) =>
        Uri.EscapeDataString(time.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    private async Task<ApiResponse<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        var text = await SendAsync(method, path, body, ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(text);
            var json = doc.RootElement.Clone();
            var value = json.Deserialize<T>(Json) ?? throw new JsonException("empty answer");
            return new ApiResponse<T>(value, json);
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.ServerRefused,
                $"unexpected answer from {method} /{path}: {ex.Message}", ex);
        }
    }

    private async Task<string> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new ConnectionException($"cannot reach Vigil at {BaseAddress}: {Describe(ex)}", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new ConnectionException(
                $"cannot reach Vigil at {BaseAddress}: no answer within {_http.Timeout.TotalSeconds:0} seconds", ex);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new ApiException((int)response.StatusCode, DescribeError(response, text));
            }
            return text;
        }
    }

    private static string Describe(HttpRequestException ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.Message;
            }
        }
        return ex.Message;
    }

    /// <summary>"403 Forbidden: role viewer cannot ..." from a problem document, or the status and a bit of the body.</summary>
    internal static string DescribeError(HttpResponseMessage response, string body)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        var sb = new StringBuilder("server refused: ").Append(status);
        var message = ReadProblem(body, out var errors);
        if (message is null && !string.IsNullOrWhiteSpace(body) && !body.TrimStart().StartsWith('{'))
        {
            message = body.Length > 300 ? body[..300] + "..." : body.Trim();
        }
        if (message is not null)
        {
            sb.Append(": ").Append(message);
        }
        foreach (var error in errors)
        {
            sb.Append('\n').Append("  ").Append(error);
        }
        if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            sb.Append("\n  (pass a token with --token or the VIGIL_TOKEN environment variable)");
        }
        return sb.ToString();
    }

    private static string? ReadProblem(string body, out List<string> errors)
    {
        errors = [];
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            if (root.TryGetProperty("errors", out var errs))
            {
                if (errs.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in errs.EnumerateObject())
                    {
                        var messages = field.Value.ValueKind == JsonValueKind.Array
                            ? string.Join("; ", field.Value.EnumerateArray().Select(v => v.ToString()))
                            : field.Value.ToString();
                        errors.Add($"{field.Name}: {messages}");
                    }
                }
                else if (errs.ValueKind == JsonValueKind.Array)
                {
                    errors.AddRange(errs.EnumerateArray().Select(v => v.ToString()));
                }
            }
            var detail = Str(root, "detail");
            var title = Str(root, "title");
            return detail ?? title ?? Str(root, "message") ?? Str(root, "error");
        }
        catch (JsonException)
        {
            return null;
        }

        static string? Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Builds a query string, leaving out absent values.</summary>
internal sealed class QueryString
{
    private readonly StringBuilder _sb = new();

    public QueryString Add(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _sb.Append(_sb.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
        return this;
    }

    public QueryString Add(string name, bool value) => Add(name, value ? "true" : "false");

    public QueryString AddAll(string name, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            Add(name, value);
        }
        return this;
    }

    public override string ToString() => _sb.ToString();
}
