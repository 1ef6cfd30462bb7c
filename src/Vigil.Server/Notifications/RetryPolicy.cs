using Vigil.Core.Config;

namespace Vigil.Server.Notifications;

/// <summary>
/// When to try a failed notification again: exponential backoff (5 s, 10 s, 20 s, … capped at 10 min) with "equal
/// jitter" (a random half of the delay added to the other half, as in the AWS architecture blog's analysis) so that
/// many notifications failing together do not retry in lock-step, then every 10 min until <c>max_age</c>. A receiver's
/// <c>Retry-After</c> replaces the backoff. <c>max_attempts</c>, when set (0, the default, is no limit), ends it sooner.
/// </summary>
/// <remarks>
/// <para><c>max_age</c> is the limit that matters: a count of attempts says nothing about how long a receiver was
/// tried, and 10 attempts of this backoff add up to only 15–30 minutes, so a half-hour outage used to fail every page
/// queued at its start although <c>max_age</c> (24 h) was far away.</para>
/// <para>A rate-limit answer (HTTP 429, a chat robot's "too fast" code) is not an attempt: the receiver is up and
/// asks for time, so it neither counts towards <c>max_attempts</c> nor grows the backoff; only <c>max_age</c> ends it.</para>
/// <para>Polly's retry strategy was considered and not used: it retries inside one call, in memory, while these
/// retries must survive restarts, so the schedule is the outbox row's <c>next_attempt_at</c> and only the delay
/// formula is needed.</para>
/// </remarks>
public sealed class RetryPolicy(Random random)
{
    public static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(10);

    /// <summary>The longest <c>Retry-After</c> honoured: a receiver asking for a day is tried again within the hour.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    /// <summary>The wait after a rate-limit answer that does not say how long (jittered down to half of it).</summary>
    public static readonly TimeSpan RateLimitWait = TimeSpan.FromMinutes(1);

    /// <summary>The delay after the <paramref name="attempts"/>-th failed attempt (1-based).</summary>
    public TimeSpan Delay(int attempts)
    {
        var exponent = Math.Min(Math.Max(attempts - 1, 0), 20);
        return Jittered(TimeSpan.FromMilliseconds(Math.Min(BaseDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxDelay.TotalMilliseconds)));
    }

    /// <summary>A <c>Retry-After</c> (or a platform's equivalent) as a wait: at least a second, at most <see cref="MaxRetryAfter"/>.</summary>
    public static TimeSpan ClampRetryAfter(TimeSpan wait) =>
        wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > MaxRetryAfter ? MaxRetryAfter : wait;

    /// <summary>
    /// Null when the notification is given up, else when to try next. <paramref name="attempts"/> counts the failed
    /// attempts so far, this one included (a rate-limit answer is not one).
    /// </summary>
    internal DateTimeOffset? Next(DeliveryResult result, int attempts, DateTimeOffset createdAt, DateTimeOffset now, NotificationsConfig config)
    {
        if (!result.Retryable || (!result.RateLimited && config.MaxAttempts > 0 && attempts >= config.MaxAttempts))
        {
            return null;
        }
        var deadline = createdAt + config.MaxAge;
        if (now >= deadline)
        {
            return null;
        }
        if (result.RetryAfter is { } asked)
        {
            // The receiver said when: trying earlier only earns another refusal, so past max_age it is given up.
            var at = now + ClampRetryAfter(asked);
            return at <= deadline ? at : null;
        }
        var next = now + (result.RateLimited ? Jittered(RateLimitWait) : Delay(attempts));
        // The last try is made at max_age rather than skipped because the backoff would overshoot it.
        return next < deadline ? next : deadline;
    }

    private TimeSpan Jittered(TimeSpan full) => full / 2 + full / 2 * random.NextDouble();
}
