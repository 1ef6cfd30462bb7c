namespace Vigil.Server.Demo;

/// <summary>
/// <c>--demo</c>'s stand-in for the phones and chat rooms notifications go to: the last <see cref="Capacity"/> messages
/// the outbox delivered to <c>http://demo-inbox.invalid/NAME</c> (see <see cref="DemoInboxHandler"/>), kept in memory
/// only — a restart empties it, as it does not matter what a simulated person was sent yesterday.
/// </summary>
public sealed class DemoInbox(TimeProvider time)
{
    /// <summary>The reserved host (RFC 2606 <c>.invalid</c>: no DNS answers for it, so outside the demo a URL on it fails
    /// like any unresolvable host).</summary>
    public const string Host = "demo-inbox.invalid";

    public const int Capacity = 500;

    private readonly Queue<DemoInboxMessage> _messages = new(Capacity);
    private readonly Lock _lock = new();
    private long _lastId;

    public DemoInboxMessage Add(string target, string status, string summary, long bytes)
    {
        lock (_lock)
        {
            var message = new DemoInboxMessage(++_lastId, time.GetUtcNow(), target, status, summary, bytes);
            if (_messages.Count == Capacity)
            {
                _messages.Dequeue();
            }
            _messages.Enqueue(message);
            return message;
        }
    }

    /// <summary>Up to <paramref name="limit"/> messages, newest first.</summary>
    public IReadOnlyList<DemoInboxMessage> Latest(int limit)
    {
        lock (_lock)
        {
            return [.. _messages.Reverse().Take(limit)];
        }
    }
}

/// <param name="Target">The URL's path without its leading slash: the receiver or person the demo config sends to.</param>
/// <param name="Status">The payload's <c>status</c> (<c>firing</c>, <c>resolved</c>), or <c>unknown</c> for a body
/// that is not an Alertmanager webhook message.</param>
/// <param name="Bytes">The size of the request body as sent.</param>
public sealed record DemoInboxMessage(long Id, DateTimeOffset ReceivedAt, string Target, string Status, string Summary, long Bytes);
