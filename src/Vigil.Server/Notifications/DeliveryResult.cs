namespace Vigil.Server.Notifications;

/// <summary>The outcome of one send. <see cref="Retryable"/> failures (5xx, 429, timeouts, connection errors, SMTP 4xx) are tried again.</summary>
internal sealed record DeliveryResult(bool Delivered, bool Retryable, string Detail)
{
    /// <summary>The receiver refused for its rate limit (HTTP 429, a chat robot's "too fast" code): not an attempt.</summary>
    public bool RateLimited { get; init; }

    /// <summary>When the receiver asked to be tried again (<c>Retry-After</c>), or null for the backoff's own delay.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static DeliveryResult Ok(string detail) => new(true, false, detail);

    public static DeliveryResult Retry(string detail, TimeSpan? retryAfter = null) => new(false, true, detail) { RetryAfter = retryAfter };

    public static DeliveryResult Fail(string detail) => new(false, false, detail);

    public static DeliveryResult Throttled(string detail, TimeSpan? retryAfter) => new(false, true, detail) { RateLimited = true, RetryAfter = retryAfter };
}
