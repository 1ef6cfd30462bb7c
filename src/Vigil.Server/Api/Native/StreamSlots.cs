namespace Vigil.Server.Api.Native;

/// <summary>
/// Bounds the open event streams: each holds a connection, a subscription queue and a timer for as long as the client
/// likes, so without a bound one token (or a loop in a script) could hold the server's connections and memory.
/// Per token, so one runaway client cannot take every slot from the others.
/// </summary>
public sealed class StreamSlots
{
    /// <summary>Streams one token may hold open: a person's browser tabs, with room to spare.</summary>
    public const int PerToken = 32;

    /// <summary>Streams the server holds open in all.</summary>
    public const int Total = 1024;

    private readonly Dictionary<string, int> _byToken = [];
    private int _total;

    /// <summary>Takes a slot for <paramref name="token"/>, or returns why not; dispose the slot when the stream ends.</summary>
    public IDisposable? TryTake(string token, out string? refusal)
    {
        lock (_byToken)
        {
            var held = _byToken.GetValueOrDefault(token);
            refusal = held >= PerToken ? $"this token already holds {PerToken} open event streams (the most one token may); close some (e.g. browser tabs) and retry"
                : _total >= Total ? $"the server already holds {Total} open event streams (the most it serves); retry later"
                : null;
            if (refusal is not null)
            {
                return null;
            }
            _byToken[token] = held + 1;
            _total++;
            return new Slot(this, token);
        }
    }

    private void Release(string token)
    {
        lock (_byToken)
        {
            _total--;
            if (--_byToken[token] == 0)
            {
                _byToken.Remove(token);
            }
        }
    }

    private sealed class Slot(StreamSlots slots, string token) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release(token);
            }
        }
    }
}
