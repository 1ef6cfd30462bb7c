namespace Vigil.Server.Pipeline;

/// <summary>
/// Storm guard of an alert source (metric series, log templates): at most N new alerts per minute across all of its
/// series or templates (a fixed one-minute window). Re-sends of alerts already firing are not counted, so a storm
/// cannot make live alerts flap; only new ones wait.
/// </summary>
internal sealed class AlertBudget(TimeProvider time)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _used;

    /// <summary>New alerts refused since the server started.</summary>
    public long Suppressed { get; private set; }

    public bool TryTake(int perMinute)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (now - _windowStart >= TimeSpan.FromMinutes(1))
            {
                (_windowStart, _used) = (now, 0);
            }
            if (_used < perMinute)
            {
                _used++;
                return true;
            }
            Suppressed++;
            return false;
        }
    }
}
