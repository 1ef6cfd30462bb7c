using Vigil.Core.Config;

namespace Vigil.Server.Notifications;

/// <summary>
/// When to try a failed notification again: exponential backoff (5 s, 10 s, 20 s, … capped at 10 min) with "equal
/// jitter" (a random half of the delay added to the other half, as in the AWS architecture blog's analysis) so that
/// many notifications failing together do not retry in lock-step. Given up after <c>max_attempts</c> or once older
/// than <c>max_age</c>.
/// </summary>
/// <remarks>
/// Polly's retry strategy was considered and not used: it retries inside one call, in memory, while these retries must
/// survive restarts, so the schedule is the outbox row's <c>next_attempt_at</c> and only the delay formula is needed.
/// </remarks>
public sealed class RetryPolicy(Random random)
{
    public static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(10);

    /// <summary>The delay after the <paramref name="attempts"/>-th failed attempt (1-based).</summary>
    public TimeSpan Delay(int attempts)
    {
        var exponent = Math.Min(Math.Max(attempts - 1, 0), 20);
        var full = Math.Min(BaseDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(full / 2 + random.NextDouble() * full / 2);
    }

    /// <summary>Null when the notification is given up, else when to try next.</summary>
    internal DateTimeOffset? Next(int attempts, DateTimeOffset createdAt, DateTimeOffset now, NotificationsConfig config)
    {
        if (attempts >= config.MaxAttempts)
        {
            return null;
        }
        var next = now + Delay(attempts);
        return next - createdAt > config.MaxAge ? null : next;
    }
}
