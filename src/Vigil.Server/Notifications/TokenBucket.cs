namespace Vigil.Server.Notifications;

/// <summary>
/// A token bucket on <see cref="TimeProvider"/> time (System.Threading.RateLimiting's buckets read the real clock,
/// which fake-clock tests cannot drive): <c>burst</c> sends at once, then <c>perMinute</c> per minute.
/// </summary>
internal sealed class TokenBucket(int perMinute, int burst, DateTimeOffset now)
{
    private double _tokens = burst;
    private DateTimeOffset _last = now;

    public int PerMinute { get; } = perMinute;

    public int Burst { get; } = burst;

    /// <summary>Takes a token, or says how long until one is available.</summary>
    public bool TryTake(DateTimeOffset now, out TimeSpan wait)
    {
        var elapsed = (now - _last).TotalMinutes;
        if (elapsed > 0)
        {
            _tokens = Math.Min(Burst, _tokens + elapsed * PerMinute);
            _last = now;
        }
        if (_tokens >= 1)
        {
            _tokens -= 1;
            wait = TimeSpan.Zero;
            return true;
        }
        wait = TimeSpan.FromMinutes((1 - _tokens) / PerMinute);
        return false;
    }
}
