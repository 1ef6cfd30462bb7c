namespace Vigil.Server.Notifications;

/// <summary>The outcome of one send. <see cref="Retryable"/> failures (5xx, 429, timeouts, connection errors, SMTP 4xx) are tried again.</summary>
internal sealed record DeliveryResult(bool Delivered, bool Retryable, string Detail)
{
    public static DeliveryResult Ok(string detail) => new(true, false, detail);

    public static DeliveryResult Retry(string detail) => new(false, true, detail);

    public static DeliveryResult Fail(string detail) => new(false, false, detail);
}
