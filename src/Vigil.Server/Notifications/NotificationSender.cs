using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Vigil.Core.Config;
using Vigil.Core.Notifications;

namespace Vigil.Server.Notifications;

/// <summary>
/// Sends one rendered notification through one integration and classifies the outcome. No retries here: the outbox
/// row is the retry state (see <see cref="OutboxWorker"/>), so a retry survives a restart.
/// </summary>
/// <param name="transport">What HTTP requests go through; the network (<see cref="NetworkHandler"/>) unless given. The
/// sender owns it. <c>--demo</c> puts its in-process inbox in front (decision 013); the sender knows nothing of it.</param>
public sealed class NotificationSender(TimeProvider time, HttpMessageHandler? transport = null) : IDisposable
{
    /// <summary>Per attempt, all of it (an e-mail's connect, login and send together); a slower receiver counts as a
    /// timeout and is retried. The outbox worker relies on it: it starts a send only while its claim outlasts it.</summary>
    public static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http = new(transport ?? NetworkHandler())
    {
        Timeout = SendTimeout,
    };

    /// <summary>The real network: pooled connections renewed every 5 minutes, so a receiver's DNS change is followed.</summary>
    public static HttpMessageHandler NetworkHandler() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    internal async Task<DeliveryResult> SendAsync(IntegrationConfig integration, NotificationMessage message, string externalUrl, CancellationToken ct)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(SendTimeout);
        try
        {
            return integration.Kind == IntegrationKind.Email
                ? await SendEmailAsync(integration.Email!, message, externalUrl, attempt.Token)
                : await PostAsync(integration, message, externalUrl, attempt.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return DeliveryResult.Retry($"timed out after {SendTimeout.TotalSeconds:0}s");
        }
        catch (SecretFileException ex)
        {
            // Retried: a secret file is often replaced by a rotation (a Kubernetes secret, Vault agent) and back soon.
            return DeliveryResult.Retry(SecretRedactor.Redact(ex.Message, integration));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // IOException: the connection broke while the body was read (headers-first, so after SendAsync returned).
            return DeliveryResult.Retry("connection failed: " + SecretRedactor.Redact(ex.Message, integration));
        }
        catch (SmtpCommandException ex)
        {
            // SMTP 4xx replies are transient by definition (RFC 5321 §4.2.1); 5xx are permanent.
            var code = (int)ex.StatusCode;
            var detail = $"SMTP {code}: {SecretRedactor.Redact(ex.Message, integration)}";
            return code is >= 400 and < 500 ? DeliveryResult.Retry(detail) : DeliveryResult.Fail(detail);
        }
        catch (AuthenticationException ex)
        {
            return DeliveryResult.Fail("SMTP authentication failed: " + SecretRedactor.Redact(ex.Message, integration));
        }
        catch (Exception ex) when (ex is SmtpProtocolException or SocketException or IOException or ServiceNotConnectedException or SslHandshakeException)
        {
            return DeliveryResult.Retry("SMTP connection failed: " + SecretRedactor.Redact(ex.Message, integration));
        }
        catch (NotSupportedException ex)
        {
            // MailKit: the server lacks what the config demands (STARTTLS under require_tls, AUTH under auth_username).
            // The same server answers the same way next time: only a config or server change helps.
            return DeliveryResult.Fail(SecretRedactor.Redact($"{ex.Message} (not retried: check require_tls and auth_username for this server)", integration));
        }
        catch (ParseException ex)
        {
            // An address the config loader let through but MimeKit refuses: as permanent as a typo.
            return DeliveryResult.Fail("invalid e-mail address: " + SecretRedactor.Redact(ex.Message, integration));
        }
        catch (FormatException ex)
        {
            // A configured value no request can carry (e.g. a line break in a bearer token): the same next time.
            return DeliveryResult.Fail("a configured value is malformed: " + SecretRedactor.Redact(ex.Message, integration));
        }
    }

    private async Task<DeliveryResult> PostAsync(IntegrationConfig integration, NotificationMessage message, string externalUrl, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var url = integration.Url!;
        HttpContent content = integration.Kind switch
        {
            IntegrationKind.Webhook => JsonContent.Create(WebhookPayload.Build(message, integration.MaxAlerts, externalUrl), NotificationJsonContext.Default.WebhookMessage),
            IntegrationKind.Slack => Json(ChatPayloads.Slack(message, integration.SlackChannel, externalUrl)),
            IntegrationKind.MsTeams => Json(ChatPayloads.Teams(message, externalUrl)),
            IntegrationKind.DingTalk => Json(ChatPayloads.DingTalk(message, externalUrl)),
            IntegrationKind.Feishu => Json(ChatPayloads.Feishu(message, integration.Secret, now, externalUrl)),
            IntegrationKind.WeCom => Json(ChatPayloads.WeCom(message, externalUrl)),
            _ => throw new InvalidOperationException($"no HTTP sender for {integration.Kind}"),
        };
        if (integration.Kind == IntegrationKind.DingTalk && !string.IsNullOrEmpty(integration.Secret))
        {
            url = ChatPayloads.DingTalkSignedUrl(url, integration.Secret, now);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Vigil", "1.0"));
        // Files are read now, at each send: a rotated token is used without a reload.
        request.Headers.Authorization = integration.Auth?.AuthorizationHeader();
        // Headers first: only the start of the body is read (ReadSnippetAsync), however much a receiver sends.
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var body = await ReadSnippetAsync(response, ct);
        var status = (int)response.StatusCode;
        var detail = SecretRedactor.Redact($"{status} {response.ReasonPhrase}{(body.Length > 0 ? ": " + body : "")}", integration);
        if (response.IsSuccessStatusCode)
        {
            return RobotAnswer.Classify(integration.Kind, body, detail) ?? DeliveryResult.Ok($"{status} {response.ReasonPhrase}");
        }
        if (status == (int)HttpStatusCode.TooManyRequests)
        {
            return DeliveryResult.Throttled(detail, RetryAfter(response));
        }
        return status is >= 500 or (int)HttpStatusCode.RequestTimeout
            ? DeliveryResult.Retry(detail, RetryAfter(response))
            : DeliveryResult.Fail(detail);
    }

    /// <summary>
    /// How long the receiver asked to be left alone: <c>Retry-After</c> in seconds or as an HTTP date (RFC 9110
    /// §10.2.3; sent with 429 and 503), else Feishu/Lark's gateway header <c>x-ogw-ratelimit-reset</c> (seconds).
    /// </summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is { } header)
        {
            return header.Delta ?? header.Date - time.GetUtcNow();
        }
        return response.Headers.TryGetValues("x-ogw-ratelimit-reset", out var values)
            && int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    /// <summary>What of a response body is read: enough for any chat robot's JSON answer and the 300 characters of
    /// detail kept. A receiver (or what stands at its URL) may answer with megabytes, or without end.</summary>
    private const int MaxBodyRead = 16 * 1024;

    private static async Task<string> ReadSnippetAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxBodyRead];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), ct)) > 0)
        {
            length += read;
        }
        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, length).ReplaceLineEndings(" ").Trim();
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    private async Task<DeliveryResult> SendEmailAsync(EmailSettings email, NotificationMessage message, string externalUrl, CancellationToken ct)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(email.From));
        foreach (var to in email.To)
        {
            mime.To.Add(MailboxAddress.Parse(to));
        }
        mime.Subject = MessageText.Subject(message);
        mime.Date = time.GetUtcNow();
        var text = MessageText.Body(message, externalUrl);
        mime.Body = new BodyBuilder { TextBody = text, HtmlBody = EmailHtml.Render(message, externalUrl) }.ToMessageBody();

        using var smtp = new SmtpClient { Timeout = (int)SendTimeout.TotalMilliseconds };
        // require_tls (Alertmanager's default true): STARTTLS is mandatory; port 465 is implicit TLS.
        var security = email.Port == 465 ? SecureSocketOptions.SslOnConnect
            : email.RequireTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None;
        await smtp.ConnectAsync(email.SmartHost, email.Port, security, ct);
        if (!string.IsNullOrEmpty(email.AuthUsername))
        {
            await smtp.AuthenticateAsync(email.AuthUsername, email.AuthPassword?.Read() ?? "", ct);
        }
        var reply = await smtp.SendAsync(mime, ct);
        await smtp.DisconnectAsync(true, ct);
        return DeliveryResult.Ok($"accepted by {email.SmartHost}:{email.Port}: {reply}");
    }

    public void Dispose() => _http.Dispose();
}

// Times as RFC 3339 in UTC ("…Z"), as Alertmanager's Go encoder writes them.
[System.Text.Json.Serialization.JsonSourceGenerationOptions(Converters = [typeof(Api.Alertmanager.RfcTimeConverter)])]
[System.Text.Json.Serialization.JsonSerializable(typeof(WebhookMessage))]
internal sealed partial class NotificationJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
